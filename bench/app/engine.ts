/**
 * The engine figures come from the engine benchmark itself (`npm run bench:engine`, bench/engine.ts):
 * it runs here as it does on its own, and its Markdown table is read back column by column.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type EngineRow = Record<string, string>;

export function parseMarkdownTable(text: string): EngineRow[] {
  const lines = text.split('\n').filter((l) => l.startsWith('|'));
  if (lines.length < 2) return [];
  const cells = (line: string): string[] => line.split('|').slice(1, -1).map((c) => c.trim());
  const header = cells(lines[0]);
  return lines.slice(2).map((line) => Object.fromEntries(cells(line).map((cell, i) => [header[i] ?? `column ${i}`, cell])));
}

export async function measureEngine(): Promise<{ note: string; rows: EngineRow[] }> {
  const script = fileURLToPath(new URL('../engine.ts', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench/engine.ts exited with ${code}`);
  const note = out.split('\n').find((l) => l.trim() !== '' && !l.startsWith('|')) ?? '';
  return { note, rows: parseMarkdownTable(out) };
}
