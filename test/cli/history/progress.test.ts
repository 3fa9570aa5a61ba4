import { describe, expect, it } from '@jest/globals';
import { progressBar } from '../../../src/cli/history/progress.js';

const stream = (isTTY: boolean, columns?: number) => {
  const written: string[] = [];
  return { written, isTTY, ...(columns ? { columns } : {}), write: (text: string) => written.push(text) };
};

describe('the progress bar', () => {
  it('writes nothing when stderr is not a terminal (logs, pipes, CI)', () => {
    const piped = stream(false);
    const bar = progressBar(piped, 'Reading repositories', 'repositories');
    bar.update(1, 2);
    bar.update(2, 2);
    bar.done();
    expect(piped.written).toEqual([]);
  });

  it('draws on one line, fits the terminal, always draws the end, and clears itself', () => {
    const terminal = stream(true, 60);
    const bar = progressBar(terminal, 'Reading repositories', 'repositories');
    bar.update(1, 4);
    bar.update(4, 4); // the end is drawn even straight after another drawing
    bar.done();
    // 60 columns − the label − 30 for the counts: a bar of 10.
    expect(terminal.written).toEqual([
      `\rReading repositories [${'█'.repeat(3)}${'░'.repeat(7)}] 1/4 repositories`,
      `\rReading repositories [${'█'.repeat(10)}] 4/4 repositories`,
      '\r\x1b[2K',
    ]);
  });

  it('clears nothing it did not draw, and counts an empty total as done', () => {
    const terminal = stream(true);
    progressBar(terminal).done();
    expect(terminal.written).toEqual([]);
    const bar = progressBar(terminal);
    bar.update(0, 0);
    expect(terminal.written).toEqual([`\rReading history [${'█'.repeat(35)}] 0/0 commits`]);
  });
});
