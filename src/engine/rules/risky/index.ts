/**
 * risky: code under `risky.paths` must change behaviour only behind a feature flag.
 *
 * Per risky file, every added or deleted line that changes behaviour (not blank, comment, import, type-only
 * or a lone closing bracket) is judged: it is guarded when a flag check is found at the configured evidence
 * level (hunk / file / pr), when the PR body declares a flag and `accept_declared` is on, or when it belongs
 * to a function, class or component the PR adds whose every added reference sits in flag-guarded code.
 * A deleted flag check whose key is not checked again fires as "flag removed".
 */
import type { RuleContext, RuleOutcome } from '../rule.js';
import type { ChangedFile } from '../../change.js';
import type { Finding, Level } from '../../report.js';
import type { MonoenvConfig } from '../../../config/schema.js';
import { firstMatchingGlob, pathMatcher, type PathMatcher } from '../../glob.js';
import { flagMatcherFor, type FlagCheck } from '../../flags/index.js';
import { bringsNewBehaviour, describeKind, kindInWords } from '../../kind.js';
import { isTestPath } from '../tests.js';
import { LOCKFILE_NAMES } from '../size.js';
import { FileView, escapeRegExp } from './view.js';
import { followGuards } from './follow.js';
import {
  EXAMPLE_CHECK,
  foundElsewhere,
  missingEvidence,
  ranges,
  readablePath,
  summarize,
  unreadWhole,
  type DefinitionVerdict,
} from './messages.js';
import { readWholeFiles } from './whole-file.js';
import { ExtractedLocals } from './rewrites.js';
import { keepsBehaviour } from './keeps-behaviour.js';
import { DECLARATIVE_TITLE, dataFileOf } from './data-files.js';
import { Syntax } from '../../syntax/index.js';
import type { LineVerdict } from '../../guards/analysis.js';

/** A deleted line long enough to recognise when it reappears (not a brace, `end` or `return`). */
function isSubstantial(content: string): boolean {
  const t = content.trim();
  return t.length >= 12 && /[A-Za-z]/.test(t);
}

/** Lockfiles: written by package managers and reviewed by nobody line by line (the size rule leaves them out too). */
const isLockfile = (path: string): boolean => LOCKFILE_NAMES.has(path.slice(path.lastIndexOf('/') + 1));

/** Test files (the tests rule's own definition): their flag calls are test setup, and they change no production behaviour. */
function testPathMatcher(config: MonoenvConfig): PathMatcher {
  return (path) => isTestPath(path, config);
}

/**
 * One `Feature-Flag: <key>` line of a PR body. Read line by line with `[ \t]*`: a declaration never spans
 * lines, and a whitespace run that could cross newlines would make the scan quadratic in the body's lines.
 */
const DECLARATION_LINE = /^[ \t]*Feature[- ]Flag[ \t]*:[ \t]*`?([^\s`]+)`?/i;

/** The flag keys a PR body declares, one per `Feature-Flag:` line. */
export function declaredFlags(body: string): string[] {
  const keys: string[] = [];
  for (const line of body.split('\n')) {
    const match = DECLARATION_LINE.exec(line);
    if (match !== null) keys.push(match[1]);
  }
  return keys;
}

/** Risky findings and the summary row. */
export function judgeRisky(ctx: RuleContext): RuleOutcome {
  const { change, config, kind } = ctx;
  const risky = config.risky;
  const kindText = describeKind(kind);
  if (risky.level === 'off') return { findings: [], summary: { rule: 'risky', status: 'off', summary: 'off' } };
  if (risky.paths.length === 0) {
    return {
      findings: [],
      summary: { rule: 'risky', status: 'pass', summary: `no risky paths configured (risky.paths) · read as ${kindText}` },
    };
  }

  const isRisky = pathMatcher(risky.paths);
  const isTest = testPathMatcher(config);
  const matcher = flagMatcherFor(risky.flag_calls, risky.flag_patterns);
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
  // What could not be read is judged at the rule's own level, unsoftened by the title or labels the change
  // chose: an unread file is no evidence of a flag. The override label waives it, and the summary says so.
  const unreadLevel = risky.level;
  let notInspected = 0;
  // Data under risky paths (data-files.ts): text and appearance are not judged, declarative files get a notice.
  let textFiles = 0;
  let declarativeFiles = 0;
  for (const file of change.files) {
    if (file.status === 'removed' || !isRisky(file.path) || isTest(file.path) || isLockfile(file.path)) continue;
    if ((file.status === 'renamed' || file.status === 'copied') && file.additions === 0 && file.deletions === 0) continue;
    const data = dataFileOf(file);
    if (data?.kind === 'appearance') continue;
    if (data?.kind === 'text') {
      textFiles++;
      continue;
    }
    if (data?.kind === 'declarative') {
      declarativeFiles++;
      findings.push({
        rule: 'risky',
        level: 'notice',
        title: DECLARATIVE_TITLE,
        message: `\`${file.path}\` is under the risky path \`${firstMatchingGlob(risky.paths, file.path)}\`, but it is ${data.what}: it declares, and no flag can be checked in it, so its lines were not judged; ${data.where} is judged on its own lines. If the application reads it at runtime to decide what to do, review it as code.`,
        path: file.path,
      });
      continue;
    }
    riskyFilesChanged++;
    if (file.patchMissing || file.binary) {
      notInspected++;
      const why = file.binary ? 'its content is binary (or was marked so)' : 'its diff was too large to be shown';
      findings.push({
        rule: 'risky',
        level: unreadLevel,
        title: 'risky change not inspected',
        message: `\`${file.path}\` is under the risky path \`${firstMatchingGlob(risky.paths, file.path)}\`, but ${why}, so monoenv could not tell whether it is behind a flag. Review it by hand, then add the label \`${config.overrides.risky}\` to accept it.`,
        path: file.path,
      });
      continue;
    }
    riskyViews.push(viewOf(file));
  }
  const listIncomplete = !change.filesComplete;
  if (listIncomplete) {
    findings.push({
      rule: 'risky',
      level: unreadLevel,
      title: 'file list incomplete',
      message: `Only ${change.files.length} of the ${change.totals.files} changed files could be listed (GitHub lists at most 3,000 files of a pull request, 300 of a comparison), so the others were not inspected for risky paths. Split the change, or add the label \`${config.overrides.risky}\` to accept it.`,
    });
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
    const re = new RegExp(
      `(?<![\\w$-])(${[...keys]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|')})(?![\\w$-])`,
      'g',
    );
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

  // Declarations only matter to a change that touches risky files.
  const declared = riskyFilesChanged > 0 ? declaredFlags(change.body) : [];
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

  // Whole files, where the adapter read them and a grammar is loaded: each changed line gets a verdict from
  // the guard analysis. Other files are read from the patch alone.
  const riskyFiles = riskyViews.map((v) => v.file);
  const reading = riskyFiles.some((f) => f.text?.head !== undefined)
    ? readWholeFiles(
        productionFiles,
        riskyFiles,
        ctx.syntax ?? Syntax.none(),
        matcher,
        // Where the adapter can search the repository at the head, code that existed before is followed through its uses there.
        ctx.facts?.repository !== undefined || ctx.repositoryWanted !== undefined
          ? { search: ctx.facts?.repository, ignore: isTest, ...(ctx.repositoryWanted ? { wanted: ctx.repositoryWanted } : {}) }
          : undefined,
      )
    : undefined;
  // Lines this change deletes anywhere, trimmed: an added line equal to one of them is moved code (re-indented
  // under a new check, or carried to another file), judged where it now sits only through the lines around it.
  // Code moved out of a conditional loses a level of indentation, so only lines moved to another file, or
  // kept at their indentation, count as moved.
  const moved = new Map<string, { path: string; indent: string }[]>();
  if (reading) {
    for (const file of change.files) {
      if (file.binary || isTest(file.path)) continue;
      for (const hunk of file.hunks) {
        for (const line of hunk.lines) {
          if (line.type !== 'del' || !isSubstantial(line.content)) continue;
          const key = line.content.trim();
          const list = moved.get(key) ?? [];
          list.push({ path: file.path, indent: line.content.slice(0, line.content.length - line.content.trimStart().length) });
          moved.set(key, list);
        }
      }
    }
  }
  const isMoved = (path: string, content: string): boolean => {
    const from = moved.get(content.trim());
    const indent = content.slice(0, content.length - content.trimStart().length);
    return from !== undefined && from.some((m) => m.path !== path || m.indent === indent);
  };

  // 1. Lines each risky file changes that change behaviour, and removed flag checks. Rows are kept as
  // indexes per file (a big change has hundreds of thousands; one object each would keep the GC busy).
  const unguarded = new Map<FileView, number[]>();
  const uncertain = new Map<FileView, number[]>();
  const verdicts = new Map<FileView, Map<number, LineVerdict>>();
  const removalCandidates: { view: FileView; row: number; keys: string[]; call: string }[] = [];
  for (const view of riskyViews) {
    // An edit that leaves the syntax tree unchanged modulo names, comments, layout and log text adds nothing.
    if (reading?.parsed.has(view.file.path) && keepsBehaviour(view.file, ctx.syntax)) {
      view.release(false);
      continue;
    }
    const kinds = view.kinds;
    const parsed = reading?.parsed.has(view.file.path) ?? false;
    const addsCode = view.rows.some((row, i) => row.type === 'add' && kinds[i] === 'code');
    const extracted = addsCode ? new ExtractedLocals(view.file) : undefined;
    let rows: number[] | undefined;
    let unsure: number[] | undefined;
    for (let i = 0; i < view.rows.length; i++) {
      const row = view.rows[i];
      if (row.type === 'context' || kinds[i] !== 'code') continue;
      if (row.type === 'del') {
        const checks = view.checks[i];
        const aliases = view.aliasNames.referencedOld[i];
        if (checks || aliases) {
          // The keys named, first seen first, without '*' (useFlags()).
          const named: string[] = [];
          if (checks) for (const c of checks) if (c.key !== '*' && !named.includes(checkName(c))) named.push(checkName(c));
          if (aliases && named.length === 0) for (const a of aliases) if (a !== '*' && !named.includes(a)) named.push(a);
          if (named.length > 0) removalCandidates.push({ view, row: i, keys: named, call: checks?.[0]?.call ?? named[0] });
          continue;
        }
        if (declaredAccepted || evidenceAt(view, i)) continue;
        // Removed lines beside added ones are one rewrite, judged by what was added. A file that only loses
        // lines cannot be told apart from the clean-up of code that no longer runs: a warning, not an error.
        if (addsCode) {
          if (!parsed) (rows ??= []).push(i);
          continue;
        }
        (unsure ??= []).push(i);
        continue;
      }
      if (declaredAccepted) continue;
      if (extracted?.keepsBehaviour(row.content)) continue;
      if (parsed) {
        if (isMoved(view.file.path, row.content)) continue;
        const verdict = reading!.verdict(view.file, row.newLine!);
        if (!verdict || verdict.evidence === 'guarded') continue;
        let perView = verdicts.get(view);
        if (!perView) verdicts.set(view, (perView = new Map<number, LineVerdict>()));
        perView.set(i, verdict);
        if (verdict.evidence === 'unguarded') (rows ??= []).push(i);
        else (unsure ??= []).push(i);
        continue;
      }
      if (evidenceAt(view, i)) continue;
      (rows ??= []).push(i);
    }
    if (rows) unguarded.set(view, rows);
    if (unsure) uncertain.set(view, unsure);
    // Definitions in files with unguarded lines are read from the line kinds next.
    view.release(rows !== undefined || unsure !== undefined);
  }

  const removedKeys = new Set<string>();
  for (const candidate of removalCandidates) for (const key of candidate.keys) removedKeys.add(key);
  const rechecked = removedKeys.size > 0 ? stillNamed(removedKeys) : new Set<string>();
  // A pattern's check without a key group is named by what it matched: the same check on an added line is kept.
  if (removedKeys.size > rechecked.size) {
    for (const file of productionFiles) {
      const view = viewOf(file);
      view.checks.forEach((checks, i) => {
        if (view.rows[i].type === 'add') for (const c of checks ?? []) if (removedKeys.has(checkName(c))) rechecked.add(checkName(c));
      });
    }
  }
  const removals = removalCandidates
    .map((r) => ({ ...r, keys: r.keys.filter((key) => !rechecked.has(key)) }))
    .filter((r) => r.keys.length > 0);

  // 2. Guards follow the change: new definitions whose every added reference sits in guarded code.
  const patchOnlyUnguarded = new Map([...unguarded].filter(([view]) => !reading?.parsed.has(view.file.path)));
  const definitionOf = followGuards(patchOnlyUnguarded, riskyViews, productionFiles, viewOf, isRisky, evidenceAt);
  for (const [view, perView] of verdicts) {
    let defs = definitionOf.get(view);
    if (!defs) definitionOf.set(view, (defs = new Map<number, DefinitionVerdict>()));
    for (const [row, verdict] of perView) {
      if (verdict.definition)
        defs.set(row, {
          name: verdict.definition.name,
          kind: verdict.definition.kind,
          why: verdict.why,
        });
    }
  }

  // 3. Findings.
  const softened = risky.applies_to === 'features' && !bringsNewBehaviour(kind);
  const level: Level = softened ? 'notice' : risky.level;
  const kindPrefix = softened ? `Read as ${kindInWords(kind.kind)} from ${kind.source}, so this is a notice. ` : '';
  const declaredNote =
    declared.length > 0 && !risky.accept_declared
      ? ` The PR body declares \`Feature-Flag: ${declared.join(', ')}\`, but declarations count only with \`risky.accept_declared: true\`.`
      : '';

  // Per file and hunk: the removed flag checks. The unguarded lines of such a hunk are what the removed
  // flag guarded, so they join its one "flag removed" finding.
  const removalHunks = new Map<FileView, Map<number, { rows: number[]; keys: Set<string>; calls: Set<string> }>>();
  for (const removal of removals) {
    let perView = removalHunks.get(removal.view);
    if (!perView) removalHunks.set(removal.view, (perView = new Map<number, { rows: number[]; keys: Set<string>; calls: Set<string> }>()));
    const hunk = removal.view.hunkOf(removal.row);
    let entry = perView.get(hunk);
    if (!entry) perView.set(hunk, (entry = { rows: [], keys: new Set(), calls: new Set() }));
    entry.rows.push(removal.row);
    removal.keys.forEach((k) => entry.keys.add(k));
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
    const whole = verdicts.get(view);
    for (const range of ranges(view, kept, defs)) {
      unflaggedCount++;
      const glob = firstMatchingGlob(risky.paths, view.file.path);
      const oneLine = range.startLine === range.endLine;
      const where = oneLine ? `Line ${range.startLine}` : `Lines ${range.startLine}–${range.endLine}`;
      const changes = oneLine ? 'changes' : 'change';
      const verdict = whole ? firstVerdict(view, whole, range) : undefined;
      let message: string;
      if (verdict) {
        message = range.definition
          ? `New ${range.definition.kind} \`${range.definition.name}\` changes behaviour under the risky path \`${glob}\` unflagged: ${readablePath(verdict.why)}.`
          : `${where} ${changes} behaviour under the risky path \`${glob}\` unflagged: ${readablePath(verdict.why)}.`;
      } else if (range.definition) {
        message = `New ${range.definition.kind} \`${range.definition.name}\` ${range.definition.why}`;
      } else if (range.deletedOnly) {
        message = `${where}: lines deleted here change behaviour under the risky path \`${glob}\` with ${missingEvidence(risky.evidence)}.`;
      } else {
        message = `${where} ${changes} behaviour under the risky path \`${glob}\` with ${missingEvidence(risky.evidence)}.`;
      }
      if (!verdict) message += foundElsewhere(view, risky.evidence, prEvidence) + unreadWhole(view);
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
  // Not seen far enough: the code's callers lie outside what could be read, or lines are only removed.
  const unseenLevel = risky.unseen === 'off' ? undefined : softened ? 'notice' : risky.unseen;
  for (const [view, rows] of unseenLevel ? uncertain : []) {
    const defs = definitionOf.get(view);
    const whole = verdicts.get(view);
    for (const range of ranges(view, rows, defs)) {
      const glob = firstMatchingGlob(risky.paths, view.file.path);
      const where = range.startLine === range.endLine ? `Line ${range.startLine}` : `Lines ${range.startLine}–${range.endLine}`;
      const verdict = whole ? firstVerdict(view, whole, range) : undefined;
      const subject = range.definition ? `New ${range.definition.kind} \`${range.definition.name}\`` : where;
      const why =
        verdict?.why ??
        'lines are only removed here, and monoenv cannot tell removed behaviour from the clean-up of code that no longer runs';
      findings.push({
        rule: 'risky',
        level: unseenLevel!,
        title: 'risky change, not seen far enough',
        message: `${kindPrefix}${subject} under the risky path \`${glob}\`: ${why}. Whether a flag guards it could not be settled; reviewers should check.${declaredNote}`,
        path: view.file.path,
        startLine: range.startLine,
        endLine: range.endLine,
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
        level,
        title: 'flag removed',
        message:
          `${kindPrefix}The check of flag ${keys} (${[...entry.calls].map((c) => `\`${c}\``).join(', ')}, old line ${Math.min(...oldLines)}) is removed and not checked again in this change: ` +
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

  const summary = summarize(findings, {
    unflaggedCount,
    removedCount,
    notInspected,
    listIncomplete,
    riskyFilesChanged,
    textFiles,
    declarativeFiles,
    kindText,
    level,
    softened,
    evidence: risky.evidence,
    overrideLabel: config.overrides.risky,
  });
  return { findings, summary: riskyFilesChanged > 0 ? { ...summary, judged: riskyFilesChanged } : summary };
}

/** A check's name for people and for matching a removal with a re-check: its key, or what a key-less pattern matched. */
function checkName(check: FlagCheck): string {
  return check.text?.replace(/\s+/g, ' ').trim() ?? check.key;
}

/** The whole-file verdict of the first judged row of a range. */
function firstVerdict(
  view: FileView,
  verdicts: Map<number, LineVerdict>,
  range: { startLine: number; endLine: number },
): LineVerdict | undefined {
  for (const [row, verdict] of verdicts) {
    const line = view.anchorLine(row);
    if (line >= range.startLine && line <= range.endLine) return verdict;
  }
  return undefined;
}
