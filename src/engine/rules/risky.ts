/**
 * risky: code under `risky.paths` must change behaviour only behind a feature flag.
 *
 * Per risky file, every added or deleted line that changes behaviour (not blank, comment, import, type-only
 * or a lone closing bracket) is judged: it is guarded when a flag check is found at the configured evidence
 * level (hunk / file / pr), when the PR body declares a flag and `accept_declared` is on, or when it belongs
 * to a function, class or component the PR adds whose every added reference sits in flag-guarded code.
 * A deleted flag check whose key is not checked again fires as "flag removed".
 */
import type { RuleContext, RuleOutcome } from './rule.js';
import type { ChangedFile, DiffLine } from '../change.js';
import type { Finding, Level, RuleSummary } from '../report.js';
import type { MonoenvConfig } from '../../config/schema.js';
import { firstMatchingGlob, pathMatcher, type PathMatcher } from '../glob.js';
import { FlagMatcher, aliasesAssigned, type FlagCheck } from '../flags.js';
import {
  classifyLine,
  definitionsIn,
  guardedLines,
  languageOf,
  newClassifierState,
  type Definition,
  type Language,
  type LineKind,
} from '../symbols.js';
import { plural } from '../conclusion.js';
import { isTestPath } from './tests.js';

/** Test files (the tests rule's own definition): their flag calls are test setup, and they change no production behaviour. */
function testPathMatcher(config: MonoenvConfig): PathMatcher {
  return (path) => isTestPath(path, config);
}

/** The diff's own line objects, read in place (a big change has hundreds of thousands). */
type Row = DiffLine;

/** What the rule has read of one file, computed lazily: most files of a big change are never looked into. */
class FileView {
  readonly lang: Language;
  readonly rows: Row[];
  /** Index of each hunk's first row, plus the end. */
  readonly hunkStarts: number[] = [];
  private checksCache?: (FlagCheck[] | undefined)[];
  private kindsCache?: LineKind[];
  private aliasRefsCache?: boolean[];
  private aliasNamesCache?: { added: Set<string>; referencedOld: (string[] | undefined)[] };
  private guardedCache?: boolean[];
  private hunkEvidenceCache?: boolean[];

  constructor(
    readonly file: ChangedFile,
    private readonly matcher: FlagMatcher,
  ) {
    this.lang = languageOf(file.path);
    const hunks = file.hunks;
    let count = 0;
    for (let h = 0; h < hunks.length; h++) count += hunks[h].lines.length;
    // One hunk (most files): its own line array serves as the rows, no copy.
    this.rows = hunks.length === 1 ? hunks[0].lines : new Array<Row>(count);
    let at = 0;
    for (let h = 0; h < hunks.length; h++) {
      this.hunkStarts.push(at);
      const lines = hunks[h].lines;
      if (hunks.length === 1) {
        at = lines.length;
        break;
      }
      for (let k = 0; k < lines.length; k++, at++) this.rows[at] = lines[k];
    }
    this.hunkStarts.push(at);
  }

  /**
   * The hunk a row belongs to, found in the hunk starts (a file has few hunks; a per-row array of them
   * would be one more array as long as the file for the garbage collector to copy).
   */
  hunkOf(row: number): number {
    const starts = this.hunkStarts;
    let lo = 0;
    let hi = starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  get checks(): (FlagCheck[] | undefined)[] {
    if (!this.checksCache) {
      const rows = this.rows;
      // A call's key may sit on the next line of the same side (and the same hunk).
      const sameSide = (from: number, to: number): boolean =>
        this.hunkOf(from) === this.hunkOf(to) && (rows[to].type === 'context' || rows[to].type === rows[from].type || rows[from].type === 'context');
      this.checksCache = this.matcher.scan(rows, sameSide);
    }
    return this.checksCache;
  }

  get kinds(): LineKind[] {
    if (!this.kindsCache) {
      const kinds = new Array<LineKind>(this.rows.length);
      let hunk = -1;
      let oldState = newClassifierState();
      let newState = newClassifierState();
      for (let i = 0; i < this.rows.length; i++) {
        const row = this.rows[i];
        if (i === this.hunkStarts[hunk + 1] || hunk < 0) {
          hunk = this.hunkOf(i);
          oldState = newClassifierState();
          newState = newClassifierState();
          const section = this.file.hunks[hunk].section;
          if (/^\s*(?:export\s+)?(?:interface|type)\s+\w+.*\{\s*$/.test(section)) newState.typeDepth = oldState.typeDepth = 1;
          if (/^\s*import\s*\($/.test(section)) newState.goImportBlock = oldState.goImportBlock = true;
        }
        if (row.type === 'add') kinds[i] = classifyLine(this.lang, row.content, newState);
        else if (row.type === 'del') kinds[i] = classifyLine(this.lang, row.content, oldState);
        else {
          kinds[i] = classifyLine(this.lang, row.content, newState);
          classifyLine(this.lang, row.content, oldState);
        }
      }
      this.kindsCache = kinds;
    }
    return this.kindsCache;
  }

  private computeAliases(): void {
    const checks = this.checks;
    const kinds = this.kinds;
    // Allocated only for files that use aliases at all.
    let refs: boolean[] | undefined;
    let referencedOld: (string[] | undefined)[] | undefined;
    const added = new Set<string>();
    // New side (added and context rows) and old side (deleted and context rows), each with the aliases
    // assigned so far and one regular expression of them, rebuilt only when a new alias appears.
    const newSide = { names: new Set<string>(), re: undefined as RegExp | undefined };
    const oldSide = { names: new Set<string>(), re: undefined as RegExp | undefined };
    const assign = (side: typeof newSide, names: string[]): void => {
      let grew = false;
      for (const name of names) if (!side.names.has(name)) (side.names.add(name), (grew = true));
      if (grew) side.re = aliasRegExp(side.names);
    };
    const namesIn = (side: typeof newSide, text: string): string[] | undefined => {
      // A substring test first: most lines name no alias, and `includes` allocates nothing.
      let any = false;
      for (const name of side.names) if (text.includes(name)) (any = true);
      if (!any) return undefined;
      const re = side.re!;
      let names: string[] | undefined;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) (names ??= []).push(m[1]);
      return names;
    };
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i];
      if (kinds[i] === 'comment' || kinds[i] === 'import') continue;
      const found = checks[i];
      if (found) {
        const names: string[] = [];
        for (const check of found) names.push(...aliasesAssigned(row.content, check));
        if (names.length === 0) continue;
        if (row.type !== 'del') assign(newSide, names);
        if (row.type !== 'add') assign(oldSide, names);
        if (row.type === 'add') names.forEach((n) => added.add(n));
        continue;
      }
      if (row.type !== 'del' && newSide.re) {
        const names = namesIn(newSide, row.content);
        if (names) {
          (refs ??= new Array<boolean>(this.rows.length).fill(false))[i] = true;
          if (row.type === 'add') names.forEach((n) => added.add(n));
        }
      } else if (row.type === 'del' && oldSide.re) {
        const names = namesIn(oldSide, row.content);
        if (names) (referencedOld ??= new Array<string[] | undefined>(this.rows.length))[i] = [...new Set(names)];
      }
    }
    this.aliasRefsCache = refs ?? NO_ROWS;
    this.aliasNamesCache = { added, referencedOld: referencedOld ?? NO_ROWS };
  }

  /** New-side rows that use an alias of a flag check assigned earlier in the file (`if (on)`). */
  get aliasRefs(): boolean[] {
    if (!this.aliasRefsCache) this.computeAliases();
    return this.aliasRefsCache!;
  }

  /** Alias names used or assigned on added rows, and alias names each deleted row used. */
  get aliasNames(): { added: Set<string>; referencedOld: (string[] | undefined)[] } {
    if (!this.aliasNamesCache) this.computeAliases();
    return this.aliasNamesCache!;
  }

  /** The row checks a flag on the new side (a call, or an alias of one). */
  checksFlag(i: number): boolean {
    const row = this.rows[i];
    if (row.type === 'del' || this.kinds[i] === 'comment') return false;
    return this.checks[i] !== undefined || this.aliasRefs[i];
  }

  /** Per hunk: a flag check (or alias use) among its added and context lines. */
  get hunkEvidence(): boolean[] {
    if (!this.hunkEvidenceCache) {
      this.hunkEvidenceCache = this.file.hunks.map((_, h) => {
        for (let i = this.hunkStarts[h]; i < this.hunkStarts[h + 1]; i++) if (this.checksFlag(i)) return true;
        return false;
      });
    }
    return this.hunkEvidenceCache;
  }

  /** The first new-side flag check of the file, for messages and file-level evidence. */
  firstCheck(): { row: number; check: FlagCheck | undefined } | undefined {
    if (this.firstCheckCache === undefined) {
      this.firstCheckCache = null;
      for (let i = 0; i < this.rows.length; i++) {
        if (this.checksFlag(i)) {
          this.firstCheckCache = { row: i, check: this.checks[i]?.[0] };
          break;
        }
      }
    }
    return this.firstCheckCache ?? undefined;
  }
  private firstCheckCache?: { row: number; check: FlagCheck | undefined } | null;

  /** New-side rows inside flag-guarded blocks (braces, indentation or template tags), per hunk. */
  get guarded(): boolean[] {
    if (!this.guardedCache) {
      const guarded = new Array<boolean>(this.rows.length).fill(false);
      for (let h = 0; h < this.file.hunks.length; h++) {
        if (!this.hunkEvidence[h]) continue;
        const indexes: number[] = [];
        for (let i = this.hunkStarts[h]; i < this.hunkStarts[h + 1]; i++) if (this.rows[i].type !== 'del') indexes.push(i);
        const result = guardedLines(
          this.lang,
          indexes.map((i) => ({ content: this.rows[i].content, checksFlag: this.checksFlag(i) })),
        );
        indexes.forEach((row, k) => (guarded[row] = result[k]));
      }
      this.guardedCache = guarded;
    }
    return this.guardedCache;
  }

  /**
   * Drops what was read line by line once the main pass is done with the file: on a big change these
   * arrays would otherwise survive into the old generation. Anything asked for later is read again.
   */
  release(keepKinds: boolean): void {
    this.firstCheck();
    this.checksCache = undefined;
    if (!keepKinds) this.kindsCache = undefined;
    this.aliasRefsCache = undefined;
    this.aliasNamesCache = undefined;
    this.guardedCache = undefined;
  }

  /** The new-file line nearest to a row (deleted rows have none of their own). */
  anchorLine(i: number): number {
    const row = this.rows[i];
    if (row.newLine !== undefined) return row.newLine;
    const h = this.hunkOf(i);
    for (let j = i + 1; j < this.hunkStarts[h + 1]; j++) if (this.rows[j].newLine !== undefined) return this.rows[j].newLine!;
    for (let j = i - 1; j >= this.hunkStarts[h]; j--) if (this.rows[j].newLine !== undefined) return this.rows[j].newLine!;
    return Math.max(1, this.file.hunks[h].newStart);
  }
}

/** Shared empty per-row array: reading any index gives undefined. */
const NO_ROWS: never[] = [];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Alias expressions by their names: files of one change (and changes of one repository) assign the same
 * few aliases, and compiling a RegExp per file and side would cost more than matching with it. Bounded.
 */
const aliasRegExps = new Map<string, RegExp>();

function aliasRegExp(names: Iterable<string>): RegExp {
  const alternation = [...names].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
  let re = aliasRegExps.get(alternation);
  if (re === undefined) {
    if (aliasRegExps.size >= 1000) aliasRegExps.clear();
    re = new RegExp(`(?<![\\w$@.])(${alternation})(?![\\w$])`, 'g');
    aliasRegExps.set(alternation, re);
  }
  return re;
}

const DECLARATION = /^\s*Feature[- ]Flag\s*:\s*`?([^\s`]+)`?/gim;

const EXAMPLE_CHECK: Partial<Record<Language, string>> = {
  js: "if (ldClient.variation('new-thing', context, false)) { … }",
  go: 'if on, _ := client.BooleanValue(ctx, "new-thing", false, evalCtx); on { … }',
  java: 'if (client.getBooleanValue("new-thing", false)) { … }',
  php: "if (Feature::active('new-thing')) { … }",
  python: 'if flag_is_active(request, "new_thing"): …',
  ruby: 'if Flipper.enabled?(:new_thing, current_user) … end',
  template: '{% flag "new_thing" %} … {% endflag %}',
};

/** Risky findings and the summary row. */
export function judgeRisky(ctx: RuleContext): RuleOutcome {
  const { change, config, kind } = ctx;
  const risky = config.risky;
  const kindText = `${kind.kind} (from ${kind.source})`;
  if (risky.level === 'off') return { findings: [], summary: { rule: 'risky', status: 'off', summary: 'off' } };
  if (risky.paths.length === 0) {
    return { findings: [], summary: { rule: 'risky', status: 'pass', summary: `no risky paths configured (risky.paths) · read as ${kindText}` } };
  }

  const isRisky = pathMatcher(risky.paths);
  const isTest = testPathMatcher(config);
  const matcher = new FlagMatcher({ flagCalls: risky.flag_calls, flagPatterns: risky.flag_patterns });
  const views = new Map<ChangedFile, FileView>();
  const viewOf = (file: ChangedFile): FileView => {
    let view = views.get(file);
    if (!view) views.set(file, (view = new FileView(file, matcher)));
    return view;
  };
  // Files whose lines can matter as evidence or references: present in the head, not tests, with a patch.
  const productionFiles = change.files.filter((f) => f.status !== 'removed' && !f.binary && !f.patchMissing && !isTest(f.path));

  const findings: Finding[] = [];
  const riskyViews: FileView[] = [];
  let riskyFilesChanged = 0;
  for (const file of change.files) {
    if (file.binary || file.status === 'removed' || !isRisky(file.path) || isTest(file.path)) continue;
    if ((file.status === 'renamed' || file.status === 'copied') && file.additions === 0 && file.deletions === 0) continue;
    riskyFilesChanged++;
    if (file.patchMissing) {
      findings.push({
        rule: 'risky',
        level: 'notice',
        title: 'risky change not inspected',
        message: `\`${file.path}\` is under the risky path \`${firstMatchingGlob(risky.paths, file.path)}\`, but its diff is too large for GitHub to show, so monoenv could not tell whether it is behind a flag. Review it by hand.`,
        path: file.path,
      });
      continue;
    }
    riskyViews.push(viewOf(file));
  }

  // Evidence anywhere in the change, computed only when asked for.
  let prEvidenceCache: { view: FileView; row: number } | null | undefined;
  const prEvidence = (): { view: FileView; row: number } | null => {
    if (prEvidenceCache === undefined) {
      prEvidenceCache = null;
      for (const file of productionFiles) {
        const first = viewOf(file).firstCheck();
        if (first) {
          prEvidenceCache = { view: viewOf(file), row: first.row };
          break;
        }
      }
    }
    return prEvidenceCache;
  };
  /**
   * The keys (of the given ones) still named on a line the change adds, in any production file: such a
   * flag is checked again (moved or rewritten), not removed. One alternation over each file's added text.
   */
  const stillNamed = (keys: Set<string>): Set<string> => {
    const named = new Set<string>();
    if (keys.size === 0) return named;
    const re = new RegExp(`(?<![\\w$-])(${[...keys].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')})(?![\\w$-])`, 'g');
    for (const file of productionFiles) {
      const added: string[] = [];
      for (const hunk of file.hunks) for (const line of hunk.lines) if (line.type === 'add') added.push(line.content);
      const text = added.join('\n');
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) named.add(m[1]);
      if (named.size === keys.size) break;
    }
    return named;
  };

  const declared = [...change.body.matchAll(DECLARATION)].map((m) => m[1]);
  const declaredAccepted = risky.accept_declared && declared.length > 0;

  const evidenceAt = (view: FileView, i: number): boolean => {
    switch (risky.evidence) {
      case 'hunk':
        return view.hunkEvidence[view.hunkOf(i)];
      case 'file':
        return view.firstCheck() !== undefined;
      default:
        return prEvidence() !== null;
    }
  };

  // 1. Lines each risky file changes that change behaviour, and removed flag checks. Rows are kept as
  // indexes per file (a big change has hundreds of thousands; one object each would keep the GC busy).
  const unguarded = new Map<FileView, number[]>();
  const removalCandidates: { view: FileView; row: number; keys: string[]; call: string }[] = [];
  for (const view of riskyViews) {
    const kinds = view.kinds;
    let rows: number[] | undefined;
    for (let i = 0; i < view.rows.length; i++) {
      const row = view.rows[i];
      if (row.type === 'context' || kinds[i] !== 'code') continue;
      if (row.type === 'del') {
        const checks = view.checks[i];
        const aliases = view.aliasNames.referencedOld[i];
        if (checks || aliases) {
          // The keys named, first seen first, without '*' (useFlags()).
          const named: string[] = [];
          if (checks) for (const c of checks) if (c.key !== '*' && !named.includes(c.key)) named.push(c.key);
          if (aliases) for (const a of aliases) if (a !== '*' && !named.includes(a)) named.push(a);
          if (named.length > 0) removalCandidates.push({ view, row: i, keys: named, call: checks?.[0]?.call ?? named[0] });
          continue;
        }
      }
      if (declaredAccepted || evidenceAt(view, i)) continue;
      (rows ??= []).push(i);
    }
    if (rows) unguarded.set(view, rows);
    // Definitions in files with unguarded lines are read from the line kinds next.
    view.release(rows !== undefined);
  }

  const removedKeys = new Set<string>();
  for (const candidate of removalCandidates) for (const key of candidate.keys) removedKeys.add(key);
  const rechecked = stillNamed(removedKeys);
  const removals = removalCandidates
    .map((r) => ({ ...r, keys: r.keys.filter((key) => !rechecked.has(key)) }))
    .filter((r) => r.keys.length > 0);

  // 2. Guards follow the change: new definitions whose every added reference sits in guarded code.
  const definitionOf = followGuards(unguarded, riskyViews, productionFiles, viewOf, isRisky, evidenceAt);

  // 3. Findings.
  const softened = risky.applies_to === 'features' && kind.kind !== 'feature';
  const level: Level = softened ? 'notice' : (risky.level as Level);
  const kindPrefix = softened ? `Read as a ${kind.kind} from ${kind.source}, so this is a notice. ` : '';
  const declaredNote =
    declared.length > 0 && !risky.accept_declared
      ? ` The PR body declares \`Feature-Flag: ${declared.join(', ')}\`, but declarations count only with \`risky.accept_declared: true\`.`
      : '';

  // Per file and hunk: the removed flag checks. The unguarded lines of such a hunk are what the removed
  // flag guarded, so they join its one "flag removed" finding.
  const removalHunks = new Map<FileView, Map<number, { rows: number[]; keys: Set<string>; calls: Set<string> }>>();
  for (const removal of removals) {
    let perView = removalHunks.get(removal.view);
    if (!perView) removalHunks.set(removal.view, (perView = new Map()));
    const hunk = removal.view.hunkOf(removal.row);
    let entry = perView.get(hunk);
    if (!entry) perView.set(hunk, (entry = { rows: [], keys: new Set(), calls: new Set() }));
    entry.rows.push(removal.row);
    removal.keys.forEach((k) => entry!.keys.add(k));
    entry.calls.add(removal.call);
  }
  let unflaggedCount = 0;
  for (const [view, rows] of unguarded) {
    const defs = definitionOf.get(view);
    const removedIn = removalHunks.get(view);
    const kept: number[] = [];
    for (const row of rows) {
      if (defs?.get(row) === null) continue;
      const entry = removedIn?.get(view.hunkOf(row));
      if (entry) entry.rows.push(row);
      else kept.push(row);
    }
    for (const range of ranges(view, kept, defs)) {
      unflaggedCount++;
      const glob = firstMatchingGlob(risky.paths, view.file.path);
      const where = range.startLine === range.endLine ? `Line ${range.startLine}` : `Lines ${range.startLine}–${range.endLine}`;
      let message: string;
      if (range.definition) {
        message = `New ${range.definition.kind} \`${range.definition.name}\` ${range.definition.why}`;
      } else if (range.deletedOnly) {
        message = `${where}: lines deleted here change behaviour under the risky path \`${glob}\` with ${missingEvidence(risky.evidence)}.`;
      } else {
        message = `${where} change behaviour under the risky path \`${glob}\` with ${missingEvidence(risky.evidence)}.`;
      }
      message += foundElsewhere(view, risky.evidence, prEvidence);
      findings.push({
        rule: 'risky',
        level,
        title: 'risky change unflagged',
        message: `${kindPrefix}${message}${declaredNote}`,
        path: view.file.path,
        startLine: range.startLine,
        endLine: range.endLine,
        suggestion: `Put the change behind a flag check, e.g. \`${EXAMPLE_CHECK[view.lang] ?? EXAMPLE_CHECK.js}\`, list your own helper in \`risky.flag_calls\`, or add the label \`${config.overrides.risky}\` when no flag is needed.`,
      });
    }
  }
  let removedCount = 0;
  for (const [view, perView] of removalHunks) {
    for (const entry of perView.values()) {
      removedCount++;
      const lines = entry.rows.map((r) => view.anchorLine(r));
      const keys = [...entry.keys].map((k) => `\`${k}\``).join(', ');
      const oldLines = entry.rows.map((r) => view.rows[r].oldLine).filter((n): n is number => n !== undefined);
      findings.push({
        rule: 'risky',
        level: risky.level as Level,
        title: 'flag removed',
        message:
          `The check of flag ${keys} (${[...entry.calls].map((c) => `\`${c}\``).join(', ')}, old line ${Math.min(...oldLines)}) is removed and not checked again in this change: ` +
          `the behaviour it guarded now applies to everyone. If the rollout is complete, add the label \`${config.overrides.risky}\` to record it.`,
        path: view.file.path,
        startLine: Math.min(...lines),
        endLine: Math.max(...lines),
      });
    }
  }

  if (declared.length > 0 && riskyFilesChanged > 0) {
    const detected = new Set<string>();
    for (const file of productionFiles) {
      const view = viewOf(file);
      view.checks.forEach((checks, i) => {
        if (view.rows[i].type !== 'del') for (const c of checks ?? []) detected.add(c.key);
      });
    }
    const notDetected = declared.filter((key) => !detected.has(key));
    if (notDetected.length > 0) {
      findings.push({
        rule: 'risky',
        level: 'notice',
        title: 'flag declared, not detected',
        message:
          `The PR body declares \`Feature-Flag: ${notDetected.join(', ')}\`, but no check of it was detected in the code. ` +
          (risky.accept_declared
            ? 'The declaration is accepted (risky.accept_declared: true); reviewers should confirm the flag guards the change.'
            : 'It does not satisfy the rule unless `risky.accept_declared: true`.'),
      });
    }
  }

  return { findings, summary: summarize(findings, { unflaggedCount, removedCount, riskyFilesChanged, kindText, level, softened, evidence: risky.evidence, overrideLabel: config.overrides.risky }) };
}

function missingEvidence(evidence: 'hunk' | 'file' | 'pr'): string {
  switch (evidence) {
    case 'hunk':
      return 'no feature-flag check in the same hunk (nor an alias of one assigned earlier in the file)';
    case 'file':
      return 'no feature-flag check anywhere in this file';
    default:
      return 'no feature-flag check anywhere in this change';
  }
}

function describeCheck(view: FileView, row: number): string {
  const check = view.checks[row]?.[0];
  const text = check ? `${check.call}` + (check.key !== '*' ? ` \`${check.key}\`` : '') : `\`${view.rows[row].content.trim().slice(0, 60)}\``;
  return `${check ? `\`${check.call}\`${check.key !== '*' ? ` of \`${check.key}\`` : ''}` : text} at \`${view.file.path}:${view.anchorLine(row)}\``;
}

/**
 * What evidence exists beyond the level that was asked for, so the reviewer knows what is missing. Only
 * what was read anyway: a change-wide search just for a message would cost a big change dearly.
 */
function foundElsewhere(view: FileView, evidence: 'hunk' | 'file' | 'pr', prEvidence: () => { view: FileView; row: number } | null): string {
  if (evidence === 'pr') return prEvidence() ? '' : ' No flag check was found anywhere in this change.';
  const inFile = view.firstCheck();
  if (evidence === 'hunk' && inFile) {
    return ` A flag check exists elsewhere in this file (${describeCheck(view, inFile.row)}), but \`risky.evidence\` is \`hunk\`.`;
  }
  return '';
}

type DefinitionVerdict = { name: string; kind: Definition['kind']; why: string } | null;

interface Range {
  startLine: number;
  endLine: number;
  deletedOnly: boolean;
  definition?: { name: string; kind: Definition['kind']; why: string };
}

/**
 * Contiguous judged rows of one file merged into one annotation: same hunk, no unchanged line between
 * them (changed lines that change no behaviour, such as blank lines and comments, do not split a range),
 * and the same new definition (or none).
 */
function ranges(view: FileView, rows: readonly number[], defs: Map<number, DefinitionVerdict> | undefined): Range[] {
  const out: Range[] = [];
  let current: Range | undefined;
  let last = -1;
  for (const row of rows) {
    const line = view.anchorLine(row);
    const definition = defs?.get(row) ?? undefined;
    const deleted = view.rows[row].type === 'del';
    // Deleted lines join the new lines beside them (a rewritten line is one change), whatever the group.
    const sameGroup = current && (deleted || current.deletedOnly || current.definition?.name === definition?.name);
    if (current && sameGroup && line >= current.endLine && contiguous(view, last, row)) {
      current.endLine = Math.max(current.endLine, line);
      if (current.deletedOnly && !deleted && definition) current.definition = definition;
      current.deletedOnly &&= deleted;
    } else {
      current = { startLine: line, endLine: line, deletedOnly: deleted, ...(definition ? { definition } : {}) };
      out.push(current);
    }
    last = row;
  }
  return out;
}

function contiguous(view: FileView, from: number, to: number): boolean {
  if (view.hunkOf(from) !== view.hunkOf(to)) return false;
  for (let i = from + 1; i < to; i++) if (view.rows[i].type === 'context') return false;
  return true;
}

/**
 * Guards follow the change. For each definition a risky file adds (and that holds unguarded lines), find
 * every reference to its name on the lines the change adds, in any production file. The definition is
 * guarded when it has references and each sits in flag-guarded code (or on a line the risky rule itself
 * counts as guarded, or inside another new definition that is guarded, found by iterating to a fixed point).
 * Returns, per view and row, null for rows guarded this way, or why a definition stays unguarded.
 */
function followGuards(
  unguarded: ReadonlyMap<FileView, number[]>,
  riskyViews: readonly FileView[],
  productionFiles: readonly ChangedFile[],
  viewOf: (file: ChangedFile) => FileView,
  isRisky: PathMatcher,
  evidenceAt: (view: FileView, row: number) => boolean,
): Map<FileView, Map<number, DefinitionVerdict>> {
  const result = new Map<FileView, Map<number, DefinitionVerdict>>();
  const needed = new Set(unguarded.keys());
  interface Def extends Definition {
    view: FileView;
    rowStart: number;
    rowEnd: number;
    refs: { view: FileView; row: number }[];
    guarded: boolean;
  }
  const defs: Def[] = [];
  for (const view of riskyViews) {
    if (!needed.has(view)) continue;
    for (let h = 0; h < view.file.hunks.length; h++) {
      const indexes: number[] = [];
      for (let i = view.hunkStarts[h]; i < view.hunkStarts[h + 1]; i++) if (view.rows[i].type !== 'del') indexes.push(i);
      const lines = indexes.map((i) => view.rows[i].content);
      for (const def of definitionsIn(view.lang, lines, (k) => view.rows[indexes[k]].type === 'add' && view.kinds[indexes[k]] === 'code')) {
        // A definition rewritten in place (its old line deleted in the same hunk) is not new.
        const word = new RegExp(`(?<![\\w$])${escapeRegExp(def.name)}(?![\\w$])`);
        let rewritten = false;
        for (let i = view.hunkStarts[h]; i < view.hunkStarts[h + 1] && !rewritten; i++) {
          rewritten = view.rows[i].type === 'del' && word.test(view.rows[i].content) && /\b(?:def|func|fun|function|class|const|let|var|type)\b/.test(view.rows[i].content);
        }
        if (rewritten) continue;
        defs.push({ ...def, view, rowStart: indexes[def.start], rowEnd: indexes[def.end], refs: [], guarded: false });
      }
    }
  }
  if (defs.length === 0) return result;

  const byName = new Map<string, Def[]>();
  for (const def of defs) byName.set(def.name, [...(byName.get(def.name) ?? []), def]);
  const namesRe = new RegExp(`(?<![\\w$])(${[...byName.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')})(?![\\w$?!])`, 'g');
  const prefilter = new RegExp(namesRe.source.replace('(?<![\\w$])', '\\b').replace('(?![\\w$?!])', ''));
  for (const file of productionFiles) {
    const view = viewOf(file);
    const text = view.rows.map((r) => (r.type === 'add' ? r.content : '')).join('\n');
    if (!prefilter.test(text)) continue;
    const kinds = view.kinds;
    view.rows.forEach((row, i) => {
      if (row.type !== 'add' || kinds[i] !== 'code') return;
      namesRe.lastIndex = 0;
      for (const match of row.content.matchAll(namesRe)) {
        for (const def of byName.get(match[1]) ?? []) {
          if (def.view === view && i >= def.rowStart && i <= def.rowEnd) continue;
          if (!def.refs.some((r) => r.view === view && r.row === i)) def.refs.push({ view, row: i });
        }
      }
    });
  }

  const siteGuarded = (ref: { view: FileView; row: number }): boolean =>
    ref.view.guarded[ref.row] || (isRisky(ref.view.file.path) && evidenceAt(ref.view, ref.row));
  const insideGuardedDef = (ref: { view: FileView; row: number }, self: Def): boolean =>
    defs.some((d) => d !== self && d.guarded && d.view === ref.view && ref.row >= d.rowStart && ref.row <= d.rowEnd);
  for (let changed = true; changed; ) {
    changed = false;
    for (const def of defs) {
      if (def.guarded || def.refs.length === 0) continue;
      if (def.refs.every((ref) => siteGuarded(ref) || insideGuardedDef(ref, def))) {
        def.guarded = true;
        changed = true;
      }
    }
  }

  // Inner definitions (methods of a new class) take the outer one's verdict only when they have none.
  defs.sort((a, b) => b.rowEnd - b.rowStart - (a.rowEnd - a.rowStart));
  for (const def of defs) {
    let perView = result.get(def.view);
    if (!perView) result.set(def.view, (perView = new Map()));
    let why: DefinitionVerdict;
    if (def.guarded) why = null;
    else if (def.refs.length === 0) {
      why = { name: def.name, kind: def.kind, why: `is not referenced from any line this change adds, and its own lines have no flag check (${missingEvidenceShort(def.view, evidenceAt, def.rowStart)}).` };
    } else {
      const open = def.refs.find((ref) => !siteGuarded(ref) && !insideGuardedDef(ref, def))!;
      why = {
        name: def.name,
        kind: def.kind,
        why: `is ${def.kind === 'class' ? 'used' : def.kind === 'component' ? 'rendered' : 'called'} from \`${open.view.file.path}:${open.view.anchorLine(open.row)}\`, which is not behind a flag.`,
      };
    }
    for (let i = def.rowStart; i <= def.rowEnd; i++) {
      if (why === null || !perView.has(i) || perView.get(i) !== null) perView.set(i, why);
    }
  }
  return result;
}

function missingEvidenceShort(view: FileView, evidenceAt: (view: FileView, row: number) => boolean, row: number): string {
  return evidenceAt(view, row) ? 'found' : 'none found at the configured evidence level';
}

function summarize(
  findings: readonly Finding[],
  facts: {
    unflaggedCount: number;
    removedCount: number;
    riskyFilesChanged: number;
    kindText: string;
    level: Level;
    softened: boolean;
    evidence: string;
    overrideLabel: string;
  },
): RuleSummary {
  const { unflaggedCount, removedCount, riskyFilesChanged, kindText } = facts;
  const levels = findings.map((f) => f.level);
  const status = levels.includes('error') ? 'error' : levels.includes('warning') ? 'warning' : levels.includes('notice') ? 'notice' : 'pass';
  if (riskyFilesChanged === 0) {
    return { rule: 'risky', status: 'pass', summary: `no risky path changed · read as ${kindText}` };
  }
  const parts: string[] = [];
  if (unflaggedCount > 0) parts.push(`${plural(unflaggedCount, 'risky change')} unflagged`);
  if (removedCount > 0) parts.push(`${plural(removedCount, 'flag')} removed`);
  if (parts.length === 0) {
    return {
      rule: 'risky',
      status,
      summary: `${plural(riskyFilesChanged, 'risky file')} changed, every behaviour change behind a flag (evidence: ${facts.evidence}) · read as ${kindText}`,
    };
  }
  return {
    rule: 'risky',
    status,
    summary: `${parts.join(', ')} in ${plural(riskyFilesChanged, 'risky file')} (evidence: ${facts.evidence}) · read as ${kindText}${facts.softened && unflaggedCount > 0 ? ', so unflagged changes are notices' : ''}`,
    advice: `Put new behaviour behind a feature-flag check (see the annotations), name your own flag helpers in \`risky.flag_calls\`, or add the label \`${facts.overrideLabel}\` when no flag is needed.`,
    headline: parts.join(', '),
  };
}
