/** The words of risky findings: what evidence is missing, where a check was found, ranges and the summary row. */
import type { Finding, Level, RuleSummary } from '../../report.js';
import type { Definition, Language } from '../../symbols.js';
import { plural } from '../../conclusion.js';
import type { FileView } from './view.js';

export const EXAMPLE_CHECK: Partial<Record<Language, string>> = {
  js: "if (ldClient.variation('new-thing', context, false)) { … }",
  go: 'if on, _ := client.BooleanValue(ctx, "new-thing", false, evalCtx); on { … }',
  java: 'if (client.getBooleanValue("new-thing", false)) { … }',
  php: "if (Feature::active('new-thing')) { … }",
  python: 'if flag_is_active(request, "new_thing"): …',
  ruby: 'if Flipper.enabled?(:new_thing, current_user) … end',
  template: '{% flag "new_thing" %} … {% endflag %}',
};

const STEP = ', and there ';
/** The first steps and the last one of a longer path are shown; the reviewer needs where it starts and ends. */
const STEPS_SHOWN = 3;

/**
 * A path of uses from the changed line to where it runs unflagged, in words a reviewer can read: a path of
 * many steps keeps its first two and its end, and says how many uses lie between.
 */
export function readablePath(why: string): string {
  const steps = why.split(STEP);
  if (steps.length <= STEPS_SHOWN + 1) return why;
  const hidden = steps.length - STEPS_SHOWN;
  return `${steps.slice(0, STEPS_SHOWN - 1).join(STEP)}, and so on through ${hidden} more uses, until ${steps[steps.length - 1]}`;
}

export function missingEvidence(evidence: 'hunk' | 'file' | 'pr'): string {
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
  const text = check
    ? `${check.call}` + (check.key !== '*' ? ` \`${check.key}\`` : '')
    : `\`${view.rows[row].content.trim().slice(0, 60)}\``;
  return `${check ? `\`${check.call}\`${check.key !== '*' ? ` of \`${check.key}\`` : ''}` : text} at \`${view.file.path}:${view.anchorLine(row)}\``;
}

/**
 * What evidence exists beyond the level that was asked for, so the reviewer knows what is missing. Only
 * what was read anyway: a change-wide search just for a message would cost a big change dearly.
 */
/** For a file judged on its patch because its whole text, asked for, could not be read: why, said plainly. */
export function unreadWhole(view: FileView): string {
  const why = view.file.text?.unreadable;
  return why === undefined ? '' : ` Its whole text could not be read (${why}), so only its patch was judged.`;
}

export function foundElsewhere(
  view: FileView,
  evidence: 'hunk' | 'file' | 'pr',
  prEvidence: () => { view: FileView; row: number } | null,
): string {
  if (evidence === 'pr') return prEvidence() ? '' : ' No flag check was found anywhere in this change.';
  const inFile = view.firstCheck();
  if (evidence === 'hunk' && inFile) {
    return ` A flag check exists elsewhere in this file (${describeCheck(view, inFile.row)}), but \`risky.evidence\` is \`hunk\`.`;
  }
  return '';
}

/** What a new definition is called in a finding: a constant or variable is a `value`, not a function. */
export type DefinitionKind = Definition['kind'] | 'value';

export type DefinitionVerdict = { name: string; kind: DefinitionKind; why: string } | null;

export interface Range {
  startLine: number;
  endLine: number;
  deletedOnly: boolean;
  definition?: { name: string; kind: DefinitionKind; why: string };
}

/**
 * Contiguous judged rows of one file merged into one annotation: same hunk, no unchanged line between
 * them (changed lines that change no behaviour, such as blank lines and comments, do not split a range),
 * and the same new definition (or none).
 */
export function ranges(view: FileView, rows: readonly number[], defs: Map<number, DefinitionVerdict> | undefined): Range[] {
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

export function summarize(
  findings: readonly Finding[],
  facts: {
    unflaggedCount: number;
    removedCount: number;
    /** Risky files whose content could not be read (binary, or no diff shown). */
    notInspected: number;
    /** The change's file list is incomplete: files beyond it were never seen. */
    listIncomplete: boolean;
    riskyFilesChanged: number;
    /** Risky files of strings and translations, not judged: text, not behaviour. */
    textFiles: number;
    /** Risky layouts and API descriptions, each noted and not judged line by line. */
    declarativeFiles: number;
    kindText: string;
    level: Level;
    softened: boolean;
    evidence: string;
    overrideLabel: string;
  },
): RuleSummary {
  const { unflaggedCount, removedCount, riskyFilesChanged, kindText } = facts;
  const levels = findings.map((f) => f.level);
  const status = levels.includes('error')
    ? 'error'
    : levels.includes('warning')
      ? 'warning'
      : levels.includes('notice')
        ? 'notice'
        : 'pass';
  const unread = facts.listIncomplete ? 'file list incomplete, the files beyond it not inspected' : undefined;
  const dataParts: string[] = [];
  if (facts.declarativeFiles > 0)
    dataParts.push(
      `${plural(facts.declarativeFiles, 'layout or API description')} noted, not judged line by line (no flag can be checked in them)`,
    );
  if (facts.textFiles > 0) dataParts.push(`${plural(facts.textFiles, 'string or translation file')} not judged (text, not behaviour)`);
  const data = dataParts.length > 0 ? ` · under risky paths, ${dataParts.join('; ')}` : '';
  if (riskyFilesChanged === 0) {
    if (unread !== undefined) {
      return {
        rule: 'risky',
        status,
        summary: `no risky path among the files listed; ${unread}${data} · read as ${kindText}`,
        advice: `Split the change, or add the label \`${facts.overrideLabel}\` to accept the files not inspected.`,
        headline: 'file list incomplete',
      };
    }
    if (data !== '') return { rule: 'risky', status, summary: `no risky code changed${data} · read as ${kindText}` };
    return { rule: 'risky', status: 'pass', summary: `no risky path changed · read as ${kindText}` };
  }
  const parts: string[] = [];
  if (unflaggedCount > 0) parts.push(`${plural(unflaggedCount, 'risky change')} unflagged`);
  if (removedCount > 0) parts.push(`${plural(removedCount, 'flag')} removed`);
  if (facts.notInspected > 0) parts.push(`${plural(facts.notInspected, 'risky file')} not inspected`);
  if (unread !== undefined) parts.push(unread);
  if (parts.length === 0) {
    return {
      rule: 'risky',
      status,
      summary: `${plural(riskyFilesChanged, 'risky file')} changed, every behaviour change behind a flag (evidence: ${facts.evidence})${data} · read as ${kindText}`,
    };
  }
  return {
    rule: 'risky',
    status,
    summary: `${parts.join(', ')} in ${plural(riskyFilesChanged, 'risky file')} (evidence: ${facts.evidence})${data} · read as ${kindText}${facts.softened && unflaggedCount > 0 ? ', so unflagged changes are notices' : ''}`,
    advice:
      unflaggedCount + removedCount > 0
        ? `Put new behaviour behind a feature-flag check (see the annotations), name your own flag helpers in \`risky.flag_calls\`, or add the label \`${facts.overrideLabel}\` when no flag is needed.`
        : `Review the files not inspected by hand, then add the label \`${facts.overrideLabel}\` to accept them.`,
    headline: parts.join(', '),
  };
}
