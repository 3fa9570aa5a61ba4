import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { structuredPatch } from 'diff';
import fc from 'fast-check';
import { countChanges, parseGitDiff, parsePatch, unquoteCString } from '../../src/engine/diff.js';
import { changedFileFromGitHub } from '../../src/facts/github-files.js';
import type { ChangedFile, DiffLine, Hunk } from '../../src/engine/change.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/patches/${name}`, import.meta.url)), 'utf8');
const byPath = (files: ChangedFile[], path: string): ChangedFile => {
  const file = files.find((f) => f.path === path);
  if (file === undefined) throw new Error(`no ${path} in ${files.map((f) => f.path).join(', ')}`);
  return file;
};
const added = (hunks: Hunk[]): DiffLine[] => hunks.flatMap((h) => h.lines.filter((l) => l.type === 'add'));
const deleted = (hunks: Hunk[]): DiffLine[] => hunks.flatMap((h) => h.lines.filter((l) => l.type === 'del'));

describe('parsePatch (GitHub per-file patch)', () => {
  it('numbers a lockfile bump across two hunks', () => {
    const hunks = parsePatch(fixture('github-lockfile-bump.patch'));
    expect(hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines])).toEqual([
      [8, 7, 8, 8],
      [16, 6, 17, 11],
    ]);
    expect(deleted(hunks)).toEqual([{ type: 'del', content: '        "left-pad": "^1.3.0"', oldLine: 11 }]);
    expect(added(hunks).map((l) => l.newLine)).toEqual([11, 12, 20, 21, 22, 23, 24]);
    expect(added(hunks)[1].content).toBe('        "ms": "^2.1.3"');
    const lastContext = hunks[1].lines.at(-1)!;
    expect(lastContext).toEqual({ type: 'context', content: '}', oldLine: 21, newLine: 27 });
    expect(countChanges(hunks)).toEqual({ additions: 7, deletions: 1 });
  });

  it('keeps the function context after the second @@ of a renamed file with edits', () => {
    const hunks = parsePatch(fixture('github-rename-with-edits.patch'));
    expect(hunks.map((h) => h.section)).toEqual(['', 'export interface InvoiceLine {']);
    expect(added(hunks).map((l) => [l.newLine, l.content])).toEqual([
      [1, "import { Money } from '../../money';"],
      [2, "import { isEnabled } from '../../flags';"],
      [19, '    const amount = line.amount.times(line.quantity);'],
      [20, "    total = total.add(isEnabled('tax-rounding') ? amount.round() : amount);"],
      [26, "  return `INV-${id.padStart(8, '0')}`;"],
    ]);
    expect(deleted(hunks).map((l) => l.oldLine)).toEqual([1, 18, 24]);
    // An empty context line (" ") stays a context line with empty content.
    expect(hunks[0].lines[3]).toEqual({ type: 'context', content: '', oldLine: 2, newLine: 3 });
  });

  it('numbers a new SQL migration from line 1, including a deleted-comment look-alike', () => {
    const hunks = parsePatch(fixture('github-sql-migration.patch'));
    expect(hunks).toHaveLength(1);
    expect(hunks[0]).toMatchObject({ oldStart: 0, oldLines: 0, newStart: 1, newLines: 11 });
    const lines = added(hunks);
    expect(lines.map((l) => l.newLine)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(lines[0].content).toBe('-- Orders placed through the new checkout.');
    expect(lines[9].content).toBe('');
  });

  it('strips the carriage return of CRLF lines', () => {
    const hunks = parsePatch(fixture('github-crlf.patch'));
    expect(hunks[0].lines.map((l) => [l.type, l.content])).toEqual([
      ['context', 'line one'],
      ['del', 'line two'],
      ['add', 'line 2'],
      ['context', 'line three'],
      ['add', 'line four'],
    ]);
  });

  it('marks the line before "\\ No newline at end of file" and does not count the marker', () => {
    const hunks = parsePatch(fixture('github-no-newline-at-end.patch'));
    expect(hunks[0].lines).toEqual([
      { type: 'context', content: 'first', oldLine: 1, newLine: 1 },
      { type: 'del', content: 'last line without newline', oldLine: 2, noNewlineAtEnd: true },
      { type: 'add', content: 'last line, still without newline', newLine: 2, noNewlineAtEnd: true },
    ]);
  });

  it('gives no hunks for a missing or empty patch', () => {
    expect(parsePatch('')).toEqual([]);
    expect(parsePatch(undefined as unknown as string)).toEqual([]);
  });

  it('agrees with jsdiff on random edits (line numbers and content)', () => {
    const lineArb = fc.constantFrom('a', 'b', 'c', '', '-- x', '+ y', '@@ z', '\\ w', ' lead');
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 30 }), fc.array(lineArb, { maxLength: 30 }), (before, after) => {
        const oldText = before.join('\n') + '\n';
        const newText = after.join('\n') + '\n';
        const expected = structuredPatch('f', 'f', oldText, newText, '', '', { context: 2 });
        const patch = expected.hunks
          .map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n'))
          .join('\n');
        const hunks = parsePatch(patch);
        expect(hunks).toHaveLength(expected.hunks.length);
        const oldLines = oldText.split('\n');
        const newLines = newText.split('\n');
        for (const hunk of hunks) {
          for (const line of hunk.lines) {
            if (line.oldLine !== undefined) expect(oldLines[line.oldLine - 1]).toBe(line.content);
            if (line.newLine !== undefined) expect(newLines[line.newLine - 1]).toBe(line.content);
          }
        }
        const counts = countChanges(hunks);
        expect(counts.additions).toBe(expected.hunks.reduce((n, h) => n + h.lines.filter((l) => l.startsWith('+')).length, 0));
        expect(counts.deletions).toBe(expected.hunks.reduce((n, h) => n + h.lines.filter((l) => l.startsWith('-')).length, 0));
      }),
      { numRuns: 300 },
    );
  });
});

describe('parsePatch on malformed input', () => {
  it('keeps what arrived of a truncated hunk', () => {
    const hunks = parsePatch('@@ -10,6 +10,9 @@ class A\n context\n+added\n');
    expect(hunks[0].lines).toEqual([
      { type: 'context', content: 'context', oldLine: 10, newLine: 10 },
      { type: 'add', content: 'added', newLine: 11 },
    ]);
  });

  it('keeps lines beyond the counts of the header and keeps numbering', () => {
    const hunks = parsePatch('@@ -1 +1 @@\n-a\n+b\n+c\n d\n');
    expect(hunks[0].lines.map((l) => [l.type, l.oldLine, l.newLine])).toEqual([
      ['del', 1, undefined],
      ['add', undefined, 1],
      ['add', undefined, 2],
      ['context', 2, 3],
    ]);
  });

  it('ignores garbage, broken headers and text before the first hunk', () => {
    expect(parsePatch('hello\n@@ broken @@\n+x\n')).toEqual([]);
    const hunks = parsePatch('@@ -1,99999999999999999999 +1,1 @@\n+x\n\u0000garbage\n');
    expect(hunks[0].oldLines).toBe(0);
    expect(added(hunks)).toEqual([{ type: 'add', content: 'x', newLine: 1 }]);
  });

  it('keeps NUL bytes and 100,000-character lines as content', () => {
    const long = 'x'.repeat(100_000);
    const hunks = parsePatch(`@@ -1,2 +1,2 @@\n-a\u0000b\n+${long}\n ${long}\n`);
    expect(hunks[0].lines[0].content).toBe('a\u0000b');
    expect(hunks[0].lines[1].content).toHaveLength(100_000);
    expect(hunks[0].lines[2]).toMatchObject({ type: 'context', oldLine: 2, newLine: 2 });
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('@', ' ', '-', '+', '\\', '\n', '\r', '1', ',', 'a', '"', 'd', 'i', 'f', 'g', '/') }),
        (text) => {
          parsePatch(text);
          parseGitDiff(text);
          parseGitDiff(`diff --git a/x b/x\n${text}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('stays linear on a long diff', () => {
    const body = Array.from({ length: 50_000 }, (_, i) => `+line ${i}`).join('\n');
    const hunks = parsePatch(`@@ -0,0 +1,50000 @@\n${body}\n`);
    expect(hunks[0].lines.at(-1)).toEqual({ type: 'add', content: 'line 49999', newLine: 50_000 });
  });
});

describe('parseGitDiff', () => {
  const files = parseGitDiff(fixture('git-mixed.diff'));

  it('reads every file of a mixed pull request once, in order', () => {
    expect(files.map((f) => [f.status, f.path])).toEqual([
      ['added', 'assets/banner.png'],
      ['modified', 'assets/logo.png'],
      ['modified', 'café/résumé.txt'],
      ['added', 'db/migrations/20240611093000_create_orders.sql'],
      ['modified', 'docs/user guide/getting started.md'],
      ['modified', 'package-lock.json'],
      ['modified', 'package.json'],
      ['added', 'packages/api/package.json'],
      ['renamed', 'renamed "quote"\ttab.txt'],
      ['changed', 'scripts/deploy.sh'],
      ['modified', 'scripts/windows.bat'],
      ['renamed', 'src/billing/invoices/invoice.ts'],
      ['removed', 'src/billing/legacy.ts'],
    ]);
  });

  it('flags binary files without lines', () => {
    expect(byPath(files, 'assets/banner.png')).toMatchObject({
      binary: true,
      additions: 0,
      deletions: 0,
      hunks: [],
      patchMissing: false,
      newMode: '100644',
    });
    expect(byPath(files, 'assets/logo.png')).toMatchObject({ binary: true, patchMissing: false });
  });

  it('reads a rename with edits: both paths, similarity-detected hunks, counts from the hunks', () => {
    const file = byPath(files, 'src/billing/invoices/invoice.ts');
    expect(file).toMatchObject({ previousPath: 'src/billing/invoice.ts', additions: 5, deletions: 3, binary: false, patchMissing: false });
    expect(file.hunks).toEqual(parsePatch(fixture('github-rename-with-edits.patch')));
  });

  it('reads a pure rename of a C-quoted name with quotes and a tab', () => {
    expect(byPath(files, 'renamed "quote"\ttab.txt')).toMatchObject({
      previousPath: 'weird "quote"\ttab.txt',
      additions: 0,
      deletions: 0,
      hunks: [],
      patchMissing: false,
    });
  });

  it('reads a mode-only change', () => {
    expect(byPath(files, 'scripts/deploy.sh')).toMatchObject({ oldMode: '100644', newMode: '100755', hunks: [], patchMissing: false });
  });

  it('reads deleted files with old-file line numbers', () => {
    const file = byPath(files, 'src/billing/legacy.ts');
    expect(file).toMatchObject({ additions: 0, deletions: 40, oldMode: '100644' });
    expect(deleted(file.hunks).at(-1)).toEqual({ type: 'del', content: 'old helper line 40', oldLine: 40 });
  });

  it('drops the tab git appends to ---/+++ names with spaces, and handles the no-newline marker', () => {
    const file = byPath(files, 'docs/user guide/getting started.md');
    expect(file).toMatchObject({ additions: 1, deletions: 1 });
    expect(file.hunks).toEqual(parsePatch(fixture('github-no-newline-at-end.patch')));
  });

  it('keeps unicode paths and content, strips CR, and matches the GitHub patch of the same files', () => {
    expect(added(byPath(files, 'café/résumé.txt').hunks)).toEqual([{ type: 'add', content: 'Été 2024 — naïve café', newLine: 2 }]);
    expect(byPath(files, 'scripts/windows.bat').hunks).toEqual(parsePatch(fixture('github-crlf.patch')));
    expect(byPath(files, 'package-lock.json').hunks).toEqual(parsePatch(fixture('github-lockfile-bump.patch')));
    expect(byPath(files, 'db/migrations/20240611093000_create_orders.sql')).toMatchObject({
      additions: 11,
      deletions: 0,
      newMode: '100644',
    });
  });

  it('decodes octal escapes of quotepath output into UTF-8', () => {
    const [file] = parseGitDiff(fixture('git-quotepath-octal.diff'));
    expect(file).toMatchObject({ path: 'café/résumé.txt', status: 'modified', additions: 1, deletions: 0 });
  });

  it('reads copies, a mode change with edits, an empty new file and a symlink', () => {
    const copies = parseGitDiff(fixture('git-copy-mode-symlink.diff'));
    expect(copies.map((f) => [f.status, f.path, f.previousPath, f.additions, f.deletions])).toEqual([
      ['modified', 'scripts/deploy.sh', undefined, 1, 0],
      ['added', 'src/money/.keep', undefined, 0, 0],
      ['copied', 'src/money/currency-nordic.ts', 'src/money/currency.ts', 2, 2],
      ['modified', 'src/money/currency.ts', undefined, 1, 1],
      ['added', 'src/money/index.ts', undefined, 1, 0],
    ]);
    expect(byPath(copies, 'scripts/deploy.sh')).toMatchObject({ oldMode: '100755', newMode: '100644' });
    expect(byPath(copies, 'src/money/.keep').patchMissing).toBe(false);
    expect(byPath(copies, 'src/money/index.ts')).toMatchObject({ newMode: '120000' });
    expect(added(byPath(copies, 'src/money/index.ts').hunks)).toEqual([
      { type: 'add', content: 'currency.ts', newLine: 1, noNewlineAtEnd: true },
    ]);
  });

  it('skips the body of GIT binary patch', () => {
    const binary = parseGitDiff(fixture('git-binary-patch.diff'));
    expect(binary.map((f) => [f.status, f.path, f.binary, f.hunks.length])).toEqual([
      ['added', 'assets/banner.png', true, 0],
      ['modified', 'assets/logo.png', true, 0],
    ]);
  });

  it('marks a file whose blob changed but whose hunks were cut off as patchMissing', () => {
    const cut = 'diff --git a/src/a.ts b/src/a.ts\nindex 1111111..2222222 100644\n--- a/src/a.ts\n+++ b/src/a.ts\n';
    expect(parseGitDiff(cut)).toEqual([
      {
        path: 'src/a.ts',
        status: 'modified',
        additions: 0,
        deletions: 0,
        binary: false,
        patchMissing: true,
        hunks: [],
        oldMode: '100644',
        newMode: '100644',
      },
    ]);
  });

  it('splits unquoted names containing " b/" by their equal halves', () => {
    const text = 'diff --git a/x b/y.txt b/x b/y.txt\nold mode 100644\nnew mode 100755\n';
    expect(parseGitDiff(text)[0]).toMatchObject({ path: 'x b/y.txt', status: 'changed' });
  });

  it('reads a rename between a plain and a quoted name', () => {
    const text = 'diff --git a/plain.txt "b/tab\\there.txt"\nsimilarity index 100%\nrename from plain.txt\nrename to "tab\\there.txt"\n';
    expect(parseGitDiff(text)[0]).toMatchObject({ path: 'tab\there.txt', previousPath: 'plain.txt', status: 'renamed' });
  });
});

describe('changedFileFromGitHub', () => {
  it('marks a file with counts but no patch as patchMissing', () => {
    const file = changedFileFromGitHub({ filename: 'dist/bundle.js', status: 'modified', additions: 12000, deletions: 11000 });
    expect(file).toMatchObject({ patchMissing: true, hunks: [], additions: 12000, deletions: 11000 });
  });

  it('does not mark a binary or unchanged-content file without a patch', () => {
    expect(changedFileFromGitHub({ filename: 'logo.png', status: 'modified', additions: 0, deletions: 0 }).patchMissing).toBe(false);
  });

  it('parses the patch and keeps the previous name of a rename', () => {
    const file = changedFileFromGitHub({
      filename: 'src/billing/invoices/invoice.ts',
      previous_filename: 'src/billing/invoice.ts',
      status: 'renamed',
      additions: 5,
      deletions: 3,
      patch: fixture('github-rename-with-edits.patch'),
    });
    expect(file).toMatchObject({ previousPath: 'src/billing/invoice.ts', status: 'renamed', patchMissing: false });
    expect(file.hunks).toHaveLength(2);
  });
});

describe('unquoteCString', () => {
  it('decodes escapes and UTF-8 octal bytes', () => {
    expect(unquoteCString('"a/with \\"quote\\"\\tand\\\\tab"')).toBe('a/with "quote"\tand\\tab');
    expect(unquoteCString('"caf\\303\\251"')).toBe('café');
    expect(unquoteCString('plain')).toBe('plain');
    expect(unquoteCString('"bad \\377 byte"')).toBe('bad \uFFFD byte');
  });
});
