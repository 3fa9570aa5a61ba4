/** Number formatting shared by the renderers. */
import type { ReportData } from '../model.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export const count = (n: number): string => integer.format(n);
export const decimal = (n: number): string => oneDecimal.format(n);
export const percent = (ratio: number | null): string => (ratio === null ? '–' : `${integer.format(ratio * 100)}%`);
export const lines = (n: number | null): string => (n === null ? '–' : oneDecimal.format(n));
export function hours(h: number | null): string {
  if (h === null) return '–';
  return h < 48 ? `${oneDecimal.format(h)} h` : `${oneDecimal.format(h / 24)} d`;
}
export const day = (iso: string): string => iso.slice(0, 10);

/** "main @ 1a2b3c4 · 2024-01-01 → 2024-03-31 (13 weeks)" */
export function heading(data: ReportData): string {
  return `${data.history.branch} @ ${data.history.head.slice(0, 7)} · ${day(data.window.since)} → ${day(data.window.until)} (${data.window.weeks} weeks)`;
}

export function configLine(data: ReportData): string {
  const { fromFile, defaults, invalid } = data.config;
  const parts = [`${count(fromFile)} judged with .github/monoenv.yml`, `${count(defaults)} with the defaults (no file)`];
  if (invalid > 0) parts.push(`${count(invalid)} with the defaults because the file was invalid`);
  return parts.join(' · ');
}
