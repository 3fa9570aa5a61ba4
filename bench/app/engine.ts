/**
 * The engine figures come from the engine benchmark itself (`npm run bench:engine`, bench/engine.ts):
 * it runs here as it does on its own, and its Markdown table is read back column by column.
 */
import { spawn } from 'node:child_process';

export type EngineRow = Record<string, string>;

export function parseMarkdownTable(text: string): EngineRow[] {
  const lines = text.split('\n').filter((l) => l.startsWith('|'));
  if (lines.length < 2) return [];
  const cells = (line: string): string[] =>
    line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  const header = cells(lines[0]);
  return lines.slice(2).map((line) => Object.fromEntries(cells(line).map((cell, i) => [header[i] ?? `column ${i}`, cell])));
}

export async function measureEngine(): Promise<{ note: string; rows: EngineRow[] }> {
  // @ts-expect-error: a plain ES module script without type declarations
  const { buildEngineBench } = (await import('../../scripts/build-engine-bench.mjs')) as { buildEngineBench: () => Promise<string> };
  const script = await buildEngineBench();
  const child = spawn(process.execPath, ['--expose-gc', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the engine benchmark exited with ${code}`);
  const note = out.split('\n').find((l) => l.trim() !== '' && !l.startsWith('|')) ?? '';
  return { note, rows: parseMarkdownTable(out) };
}
