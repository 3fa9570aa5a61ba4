/**
 * Unified diffs → the Change model's files and hunks.
 *
 * Written here rather than taken from parse-diff or gitdiff-parser, because both get the inputs this app
 * sees every day wrong (checked against real `git diff` output of the fixtures in test/fixtures/patches):
 * - parse-diff counts "\ No newline at end of file" as an added line, keeps `\r` in content, leaves C-quoted
 *   paths escaped (`caf\303\251`), and has no notion of copies, binary files or file modes;
 * - gitdiff-parser keeps the tab git appends to `---`/`+++` names with spaces ("getting started.md\t"),
 *   mangles quoted paths (`/caf\303\251…"`), reports copies and new empty files as "modify" and never
 *   flags binary files.
 * Both build on per-line regular expressions; this parser scans the text once with indexOf and only runs a
 * regular expression on `@@` header lines, so it is linear, and it never throws: malformed input (truncated
 * hunks, counts out of range, stray lines) degrades to the lines that could be read.
 */
import type { ChangedFile, DiffLine, FileStatus, Hunk } from './change.js';

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/s;

/**
 * Visits each line of `text` as a [start, stop) range, without a trailing `\r`, so that a line's content
 * is sliced once, and only when it is kept.
 */
function forEachLine(text: string, visit: (start: number, stop: number) => void): void {
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13 /* \r */) stop--;
    visit(start, stop);
    start = end + 1;
  }
}

function toCount(digits: string | undefined, fallback: number): number {
  if (digits === undefined) return fallback;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : 0;
}

/**
 * Accumulates hunks from lines. Header counts guide where a hunk ends, but a hunk that runs longer than
 * its header announced keeps its lines (numbering continues), and a truncated one keeps what arrived.
 */
class HunkReader {
  readonly hunks: Hunk[] = [];
  additions = 0;
  deletions = 0;
  private hunk: Hunk | undefined;
  private oldLine = 0;
  private newLine = 0;
  private oldLeft = 0;
  private newLeft = 0;
  private last: DiffLine | undefined;

  /** Reads the line text[start, stop); true when it was a hunk header or belonged to a hunk. */
  read(text: string, start: number, stop: number): boolean {
    const first = start < stop ? text.charCodeAt(start) : -1;
    if (first === 64 /* @ */ && text.startsWith('@@ ', start)) {
      const m = HUNK_HEADER.exec(text.slice(start, stop));
      if (m !== null) {
        this.open(m);
        return true;
      }
    }
    const hunk = this.hunk;
    if (hunk === undefined) return false;
    if (first === 43 /* + */) {
      this.push(hunk, { type: 'add', content: text.slice(start + 1, stop), newLine: this.newLine++ });
      this.newLeft--;
      this.additions++;
    } else if (first === 45 /* - */) {
      this.push(hunk, { type: 'del', content: text.slice(start + 1, stop), oldLine: this.oldLine++ });
      this.oldLeft--;
      this.deletions++;
    } else if (first === 32 /* space */ || (first === -1 && (this.oldLeft > 0 || this.newLeft > 0))) {
      // An empty line inside a hunk is a context line whose trailing space was stripped (mail, editors).
      this.push(hunk, {
        type: 'context',
        content: first === -1 ? '' : text.slice(start + 1, stop),
        oldLine: this.oldLine++,
        newLine: this.newLine++,
      });
      this.oldLeft--;
      this.newLeft--;
    } else if (first === 92 /* \ */) {
      // "\ No newline at end of file" (the text is localised, the backslash is not).
      if (this.last !== undefined) this.last.noNewlineAtEnd = true;
    } else {
      return false;
    }
    return true;
  }

  /** Ends the current hunk, e.g. at the next file's header. */
  close(): void {
    this.hunk = undefined;
    this.last = undefined;
  }

  private open(m: RegExpExecArray): void {
    const hunk: Hunk = {
      oldStart: toCount(m[1], 0),
      oldLines: toCount(m[2], 1),
      newStart: toCount(m[3], 0),
      newLines: toCount(m[4], 1),
      section: m[5] ?? '',
      lines: [],
    };
    this.hunks.push(hunk);
    this.hunk = hunk;
    this.last = undefined;
    // A range that starts at 0 is empty (new or deleted file); its first line, if any, is line 1.
    this.oldLine = hunk.oldStart === 0 ? 1 : hunk.oldStart;
    this.newLine = hunk.newStart === 0 ? 1 : hunk.newStart;
    this.oldLeft = hunk.oldLines;
    this.newLeft = hunk.newLines;
  }

  private push(hunk: Hunk, line: DiffLine): void {
    hunk.lines.push(line);
    this.last = line;
  }
}

/** Parses the `patch` of one file as GitHub's REST API gives it (hunks only, no file headers). */
export function parsePatch(patch: string): Hunk[] {
  if (typeof patch !== 'string' || patch.length === 0) return [];
  const reader = new HunkReader();
  forEachLine(patch, (start, stop) => void reader.read(patch, start, stop));
  return reader.hunks;
}

/** Added and deleted lines of parsed hunks. */
export function countChanges(hunks: readonly Hunk[]): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line.type === 'add') additions++;
      else if (line.type === 'del') deletions++;
    }
  }
  return { additions, deletions };
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
const utf8 = new TextDecoder('utf-8');

/**
 * Decodes a C-quoted name as git writes it (`"a/caf\303\251 \"x\"\tb"`, quotes included). Octal escapes
 * are bytes of UTF-8; invalid sequences become U+FFFD rather than an error. Unquoted input is returned as is.
 */
export function unquoteCString(quoted: string): string {
  if (quoted.length < 2 || quoted[0] !== '"' || quoted[quoted.length - 1] !== '"') return quoted;
  const bytes: number[] = [];
  const body = quoted.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\' || i === body.length - 1) {
      pushUtf8(bytes, body.codePointAt(i)!);
      if (body.codePointAt(i)! > 0xffff) i++;
      continue;
    }
    const next = body[++i];
    if (next >= '0' && next <= '7') {
      let value = 0;
      let digits = 0;
      while (digits < 3 && i < body.length && body[i] >= '0' && body[i] <= '7') {
        value = value * 8 + (body.charCodeAt(i) - 48);
        i++;
        digits++;
      }
      i--;
      bytes.push(value & 0xff);
    } else {
      bytes.push(C_ESCAPES[next] ?? next.charCodeAt(0));
    }
  }
  return utf8.decode(new Uint8Array(bytes));
}

function pushUtf8(bytes: number[], cp: number): void {
  if (cp < 0x80) bytes.push(cp);
  else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/** Reads one name at `from`: a C-quoted string, or plain text up to the end (or a tab git appended). */
function readName(text: string, from: number): { name: string; end: number } {
  if (text[from] === '"') {
    let i = from + 1;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    const end = Math.min(i + 1, text.length);
    return { name: unquoteCString(text.slice(from, end)), end };
  }
  return { name: text.slice(from), end: text.length };
}

/** The name on a `---`, `+++`, `rename from` … line; git appends a tab to unquoted names with spaces. */
function headerName(value: string): string {
  if (value.startsWith('"')) return readName(value, 0).name;
  const tab = value.indexOf('\t');
  return tab === -1 ? value : value.slice(0, tab);
}

function stripPrefix(name: string, prefix: string): string | null {
  if (name === '/dev/null') return null;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * The two names of `diff --git a/X b/Y`. Unquoted names may contain " b/", so when the names are equal
 * (everything but renames and copies, whose names come from their own header lines) the line is split
 * in the middle.
 */
function gitLineNames(rest: string): { from: string; to: string } | null {
  if (rest.startsWith('"')) {
    const first = readName(rest, 0);
    const second = rest.slice(first.end + 1);
    return { from: first.name, to: headerName(second) };
  }
  if ((rest.length - 1) % 2 === 0) {
    const half = (rest.length - 1) / 2;
    const from = rest.slice(0, half);
    const to = rest.slice(half + 1);
    if (rest[half] === ' ' && from.slice(2) === to.slice(2)) return { from, to };
  }
  const quotedTo = rest.indexOf(' "');
  if (quotedTo !== -1) return { from: rest.slice(0, quotedTo), to: readName(rest, quotedTo + 1).name };
  const split = rest.indexOf(' b/');
  if (split !== -1) return { from: rest.slice(0, split), to: rest.slice(split + 1) };
  return null;
}

const EMPTY_BLOB = 'e69de29';

interface FileDraft {
  lineFrom: string | null;
  lineTo: string | null;
  minusName?: string | null;
  plusName?: string | null;
  renameFrom?: string;
  renameTo?: string;
  copyFrom?: string;
  copyTo?: string;
  newFile: boolean;
  deletedFile: boolean;
  oldMode?: string;
  newMode?: string;
  binary: boolean;
  index?: { from: string; to: string };
  reader: HunkReader;
  inBinaryPatch: boolean;
  inHunks: boolean;
}

function finish(draft: FileDraft): ChangedFile | null {
  const oldPath = draft.renameFrom ?? draft.copyFrom ?? (draft.minusName !== undefined ? draft.minusName : draft.lineFrom);
  const newPath = draft.renameTo ?? draft.copyTo ?? (draft.plusName !== undefined ? draft.plusName : draft.lineTo);
  const path = newPath ?? oldPath;
  if (path === null || path === undefined || path === '') return null;

  let status: FileStatus;
  if (draft.newFile || (oldPath === null && newPath !== null)) status = 'added';
  else if (draft.deletedFile || newPath === null) status = 'removed';
  else if (draft.renameFrom !== undefined || draft.renameTo !== undefined) status = 'renamed';
  else if (draft.copyFrom !== undefined || draft.copyTo !== undefined) status = 'copied';
  else if (draft.reader.hunks.length === 0 && !draft.binary && draft.oldMode !== draft.newMode) status = 'changed';
  else status = 'modified';

  // The diff is asked for with --text, so attributes from the change itself cannot mark a file binary; a NUL
  // byte in its lines is git's own test of binary content, applied here instead.
  const binary = draft.binary || draft.reader.hunks.some((hunk) => hunk.lines.some((line) => line.content.includes('\0')));
  const { hunks, additions, deletions } = binary ? { hunks: [], additions: 0, deletions: 0 } : draft.reader;
  const index = draft.index;
  const contentChanged = index !== undefined && index.from !== index.to;
  const emptyBlobOnly =
    index !== undefined &&
    /^0+$/.test(index.from) !== /^0+$/.test(index.to) &&
    (index.from.startsWith(EMPTY_BLOB) || index.to.startsWith(EMPTY_BLOB));
  const file: ChangedFile = {
    path,
    status,
    additions,
    deletions,
    binary,
    // The blob changed but no hunk and no binary marker arrived: the diff was cut short.
    patchMissing: !binary && hunks.length === 0 && contentChanged && !emptyBlobOnly,
    hunks,
  };
  if ((status === 'renamed' || status === 'copied') && oldPath !== null && oldPath !== undefined) file.previousPath = oldPath;
  if (draft.oldMode !== undefined) file.oldMode = draft.oldMode;
  if (draft.newMode !== undefined) file.newMode = draft.newMode;
  return file;
}

/**
 * Parses the output of
 * `git -c core.quotepath=false diff --no-color --text --no-textconv --no-ext-diff --find-renames --find-copies --src-prefix=a/ --dst-prefix=b/ BASE HEAD`
 * into one ChangedFile per file (renames, copies, binary, deleted, new, mode-only, quoted paths).
 * Additions and deletions are counted from the hunks.
 */
export function parseGitDiff(diff: string): ChangedFile[] {
  const files: ChangedFile[] = [];
  if (typeof diff !== 'string' || diff.length === 0) return files;
  let draft: FileDraft | undefined;

  const flush = (): void => {
    if (draft === undefined) return;
    const file = finish(draft);
    if (file !== null) files.push(file);
    draft = undefined;
  };

  forEachLine(diff, (start, stop) => {
    if (diff.startsWith('diff --git ', start)) {
      flush();
      const names = gitLineNames(diff.slice(start + 11, stop));
      draft = {
        lineFrom: names === null ? null : stripPrefix(names.from, 'a/'),
        lineTo: names === null ? null : stripPrefix(names.to, 'b/'),
        newFile: false,
        deletedFile: false,
        binary: false,
        reader: new HunkReader(),
        inBinaryPatch: false,
        inHunks: false,
      };
      return;
    }
    const d = draft;
    if (d === undefined || d.inBinaryPatch) return;
    if (d.inHunks || diff.startsWith('@@ ', start)) {
      if (d.reader.read(diff, start, stop)) {
        d.inHunks = true;
        return;
      }
      // Past the hunks only a new file header can follow; anything else is noise.
      if (d.inHunks) return;
    }
    readExtendedHeader(d, diff.slice(start, stop));
  });
  flush();
  return files;
}

function readExtendedHeader(d: FileDraft, line: string): void {
  if (line.startsWith('--- ')) d.minusName = stripPrefix(headerName(line.slice(4)), 'a/');
  else if (line.startsWith('+++ ')) d.plusName = stripPrefix(headerName(line.slice(4)), 'b/');
  else if (line.startsWith('index ')) {
    const range = line.slice(6).split(' ');
    const dots = range[0].indexOf('..');
    if (dots !== -1) d.index = { from: range[0].slice(0, dots), to: range[0].slice(dots + 2) };
    if (range[1] !== undefined && d.oldMode === undefined) {
      // "index a..b 100644": the mode did not change; record it for both sides.
      d.oldMode = range[1];
      d.newMode = range[1];
    }
  } else if (line.startsWith('new file mode ')) {
    d.newFile = true;
    d.newMode = line.slice(14);
  } else if (line.startsWith('deleted file mode ')) {
    d.deletedFile = true;
    d.oldMode = line.slice(18);
  } else if (line.startsWith('old mode ')) d.oldMode = line.slice(9);
  else if (line.startsWith('new mode ')) d.newMode = line.slice(9);
  else if (line.startsWith('rename from ')) d.renameFrom = headerName(line.slice(12));
  else if (line.startsWith('rename to ')) d.renameTo = headerName(line.slice(10));
  else if (line.startsWith('copy from ')) d.copyFrom = headerName(line.slice(10));
  else if (line.startsWith('copy to ')) d.copyTo = headerName(line.slice(8));
  else if (line.startsWith('Binary files ') && line.endsWith(' differ')) d.binary = true;
  else if (line === 'GIT binary patch') {
    d.binary = true;
    d.inBinaryPatch = true;
  }
}
