/**
 * The risky rule's whole-file reading: the change's files with a head text and a loaded grammar are parsed,
 * and each changed line of a risky file gets a verdict from the guard analysis (src/engine/guards). Files
 * without a text or a grammar stay on the patch-only reading (view.ts), and the summary says so.
 */
import type { ChangedFile } from '../../change.js';
import type { FlagMatcher } from '../../flags/index.js';
import { ChangeAnalysis, type LineVerdict, type OutsideReach, type ParsedFile, type TextReference } from '../../guards/analysis.js';
import type { RepositorySearch } from '../rule.js';
import { wordsOf } from '../../guards/rewrites.js';
import { grammarOf, type Syntax } from '../../syntax/index.js';
import { guardedLines, languageOf } from '../../symbols.js';
import { escapeRegExp } from './view.js';
import { withoutTypes } from '../../guards/presentation.js';

export interface WholeFileReading {
  /** The verdict of a changed line (one-based) of a parsed file, or undefined when the file was not parsed. */
  verdict(file: ChangedFile, line: number): LineVerdict | undefined;
  parsed: ReadonlySet<string>;
  /** Risky files read from the patch alone, with why. */
  patchOnly: Map<string, string>;
}

export function readWholeFiles(
  files: readonly ChangedFile[],
  riskyFiles: readonly ChangedFile[],
  syntax: Syntax,
  matcher: FlagMatcher,
  repository?: {
    /** What the adapter found in the repository at the head, when it could search it. */
    search: RepositorySearch | undefined;
    /** Files whose uses do not count (tests). */
    ignore: (path: string) => boolean;
    /** Collects the names the analysis would follow into the repository, had they been searched. */
    wanted?: Set<string>;
  },
): WholeFileReading {
  const parsedFiles: ParsedFile[] = [];
  const parsed = new Set<string>();
  const patchOnly = new Map<string, string>();
  const templates: { path: string; lines: string[]; guarded: boolean[] }[] = [];
  const riskySet = new Set(riskyFiles);
  for (const file of files) {
    const head = file.text?.head;
    const grammar = grammarOf(file.path);
    if (head === undefined) {
      if (riskySet.has(file)) patchOnly.set(file.path, file.text?.unreadable ?? 'its text was not read');
      continue;
    }
    if (!grammar) {
      if (languageOf(file.path) === 'template') {
        const lines = head.split('\n');
        const checks = matcher.scan(lines);
        templates.push({
          path: file.path,
          lines,
          guarded: guardedLines(
            'template',
            lines.map((content, i) => ({ content, checksFlag: checks[i] !== undefined })),
          ),
        });
      }
      if (riskySet.has(file)) patchOnly.set(file.path, 'no grammar reads its language');
      continue;
    }
    if (!syntax.has(grammar)) {
      if (riskySet.has(file))
        patchOnly.set(
          file.path,
          syntax.unavailable.get(grammar) ? `the ${grammar} grammar could not be loaded` : `the ${grammar} grammar was not loaded`,
        );
      continue;
    }
    const tree = syntax.parse(grammar, head);
    if (!tree) {
      if (riskySet.has(file)) patchOnly.set(file.path, 'it is too large to parse');
      continue;
    }
    const added = new Set<number>();
    const oldText: string[] = [];
    const deletedWords = new Set<string>();
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.type === 'add' && line.newLine !== undefined) added.add(line.newLine - 1);
        else if (line.type !== 'add') oldText.push(line.content);
        if (line.type === 'del') for (const word of wordsOf(line.content)) deletedWords.add(word);
      }
    }
    const base = file.status === 'added' ? '' : (file.text?.base ?? oldText.join('\n'));
    const baseText = file.status === 'added' ? undefined : file.text?.base;
    let removedWithoutTypes: Set<string> | undefined;
    parsedFiles.push({
      path: file.path,
      tree,
      isAdded: (row) => added.has(row),
      deletedWords,
      // Typed languages only, and parsed once, when a changed line first asks.
      removedWithoutTypes: () => {
        if (removedWithoutTypes) return removedWithoutTypes;
        removedWithoutTypes = new Set();
        const before =
          baseText !== undefined && (grammar === 'typescript' || grammar === 'tsx') ? syntax.parse(grammar, baseText) : undefined;
        if (!before) return removedWithoutTypes;
        const starts = [0];
        for (let i = baseText!.indexOf('\n'); i >= 0; i = baseText!.indexOf('\n', i + 1)) starts.push(i + 1);
        for (const hunk of file.hunks)
          for (const line of hunk.lines)
            if (line.type === 'del' && line.oldLine !== undefined) removedWithoutTypes.add(withoutTypes(before, starts, line.oldLine - 1));
        removedWithoutTypes.delete('');
        return removedWithoutTypes;
      },
      existedBefore: (name) => base.length > 0 && new RegExp(`(?<![\\w$@])${escapeRegExp(name)}(?![\\w$])`).test(base),
    });
    parsed.add(file.path);
  }
  // Files outside the change that name what the analysis follows: read like the change's files, every row unchanged.
  const inChange = new Set(files.map((f) => f.path));
  const search = repository?.search;
  for (const [path, text] of search?.texts ?? []) {
    if (inChange.has(path) || repository!.ignore(path)) continue;
    const grammar = grammarOf(path);
    if (!grammar) {
      if (languageOf(path) === 'template') {
        const lines = text.split('\n');
        const checks = matcher.scan(lines);
        templates.push({
          path,
          lines,
          guarded: guardedLines(
            'template',
            lines.map((content, i) => ({ content, checksFlag: checks[i] !== undefined })),
          ),
        });
      }
      continue;
    }
    const tree = syntax.has(grammar) ? syntax.parse(grammar, text) : undefined;
    if (!tree) continue;
    parsedFiles.push({ path, tree, isAdded: () => false, existedBefore: () => true });
  }
  const reach: OutsideReach | undefined =
    repository === undefined
      ? undefined
      : {
          searched: (name) => {
            if (search === undefined || !search.files.has(name)) {
              repository.wanted?.add(name);
              return undefined;
            }
            if (search.truncated.has(name)) return 'partial';
            // A file naming it that could be neither parsed nor scanned holds uses that were not seen.
            const unseen = search.files
              .get(name)!
              .some(
                (path) =>
                  !inChange.has(path) && !repository.ignore(path) && !parsedFiles.some((f) => f.path === path) && readableCode(path),
              );
            return unseen ? 'partial' : 'complete';
          },
        };
  const textReferences = (name: string): TextReference[] => {
    const out: TextReference[] = [];
    const word = new RegExp(`(?<![\\w$@.])${escapeRegExp(name)}(?![\\w$])`);
    for (const t of templates)
      t.lines.forEach((line, i) => word.test(line) && out.push({ path: t.path, line: i + 1, guarded: t.guarded[i] }));
    return out;
  };
  const analysis = parsedFiles.length > 0 ? new ChangeAnalysis(parsedFiles, matcher, textReferences, reach) : undefined;
  return {
    verdict: (file, line) => (analysis && parsed.has(file.path) ? analysis.verdict(file.path, line - 1) : undefined),
    parsed,
    patchOnly,
  };
}

/** A file whose language the analysis reads (code or a template), as opposed to docs, data or config. */
function readableCode(path: string): boolean {
  return grammarOf(path) !== undefined || languageOf(path) === 'template';
}
