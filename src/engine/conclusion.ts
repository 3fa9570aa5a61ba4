import type { Finding, Report, RuleSummary, SizeFacts } from './report.js';

/** failure when an error-level finding fires in enforce mode, neutral for the same in advise mode. */
export function conclude(findings: readonly Finding[], mode: 'enforce' | 'advise'): Report['conclusion'] {
  if (!findings.some((f) => f.level === 'error')) return 'success';
  return mode === 'enforce' ? 'failure' : 'neutral';
}

const numberFormat = new Intl.NumberFormat('en-US');
export const formatCount = (n: number): string => numberFormat.format(n);

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * One line: the size class with its counted lines, then the headline of every rule that fired,
 * e.g. "XL change (1,240 lines) · 2 files without tests · 1 risky change unflagged".
 */
export function titleOf(rules: readonly RuleSummary[], size: SizeFacts, draft: boolean): string {
  const parts = [`${size.class} change (${plural(size.lines, 'line')})`];
  for (const rule of rules) {
    if (rule.headline && rule.status !== 'pass' && rule.status !== 'off') {
      parts.push(rule.status === 'waived' ? `${rule.headline} (waived)` : rule.headline);
    }
  }
  const title = parts.join(' · ');
  return draft ? `Draft · ${title}` : title;
}
