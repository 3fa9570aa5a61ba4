/**
 * The check run's Markdown: `renderSummary` for `output.summary` (one row per rule and the facts behind
 * them) and `renderDetails` for `output.text` (every finding in full, excluded files, the split plan and its commands).
 * GitHub refuses either field above 65,535 bytes, so both are laid out within a byte budget: whole
 * lines or whole findings are left out, never half a table row or half a character, and what is left
 * out says so.
 */
import type { Finding, Level, Report, RuleName, RuleStatus } from '../engine/report.js';
import { formatCount, plural } from '../engine/conclusion.js';
import { describeKind } from '../engine/kind.js';
import { stackSentence } from '../engine/rules/size.js';
import { shellWord, stackCommands, type StackCommands } from './split.js';

/** GitHub's limit for a check run's `output.summary` and `output.text`, in bytes of UTF-8. */
export const GITHUB_OUTPUT_LIMIT = 65_535;
export const RULES_DOCS_URL = 'https://github.com/monoenv/monoenv/blob/main/docs/rules.md';

export interface RenderOptions {
  /** Page the rule links point into (anchors #size, #tests, #risky, #review). */
  docsUrl?: string;
  /** Byte budget; defaults to GitHub's limit. */
  maxBytes?: number;
  /** How many findings became line annotations, and how many a cap left out. */
  annotations?: { sent: number; cut: number };
}

const encoder = new TextEncoder();
export const utf8Length = (text: string): number => encoder.encode(text).length;

// Grapheme clusters, so a cut never splits an emoji sequence or a letter from its accent.
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * `text` within `max` units of `measure` (its length in bytes, characters …), cut between graphemes and
 * marked with `ellipsis` when cut.
 */
export function truncateTo(text: string, max: number, measure: (text: string) => number, ellipsis = '…'): string {
  if (measure(text) <= max) return text;
  const room = max - measure(ellipsis);
  if (room < 0) return '';
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const size = measure(segment);
    if (used + size > room) break;
    used += size;
    end = index + segment.length;
  }
  return text.slice(0, end) + ellipsis;
}

/** `text` within `maxBytes` of UTF-8, cut between characters and marked with an ellipsis when cut. */
export const truncateUtf8 = (text: string, maxBytes: number, ellipsis = '…'): string => truncateTo(text, maxBytes, utf8Length, ellipsis);

/** A zero-width space: after `@` it stops a mention, after `#` a reference, inside `https://` or `www.` an autolink. */
const ZERO_WIDTH = '&#8203;';

/**
 * User-controlled text (paths, titles, commit subjects, logins, flag keys, messages) as inert inline
 * Markdown: no emphasis, links, images, HTML or table cells can be opened by it, it stays on one line, and
 * it mentions nobody (`@user`, `@org/team`), links nowhere (bare URLs) and cross-references no issue or pull
 * request (`#123`, `owner/repo#123`, `GH-123`, which would notify them). `mentions` are the logins monoenv
 * names on purpose (the merger, the reviewers: GitHub's own logins, never text from the change); only they
 * stay mentions; `references` are the pull requests it names on purpose (`#N` of the repository), which stay links.
 */
export function escapeMarkdown(
  text: string,
  mentions: ReadonlySet<string> = NO_MENTIONS,
  references: ReadonlySet<number> = NO_REFERENCES,
): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`*_[\]|~]/g, '\\$&')
      .replace(/\r\n?|\n/g, ' ')
      // Before the zero-width spaces are added (their entity holds `#8203`): `#123`, `owner/repo#123`, `GH-123`.
      .replace(/([\w.-]+\/[\w.-]+)?#(\d+)/g, (whole, repo: string | undefined, number: string) =>
        repo === undefined && references.has(Number(number)) ? whole : `${repo ?? ''}#${ZERO_WIDTH}${number}`,
      )
      .replace(/\b(GH)-(?=\d)/gi, `$1${ZERO_WIDTH}-`)
      .replace(/@([A-Za-z0-9][A-Za-z0-9-]*)(\/?)/g, (whole, login: string, slash: string) =>
        slash === '' && mentions.has(login) ? whole : `@${ZERO_WIDTH}${login}${slash}`,
      )
      .replace(/\b(https?|ftp)(:\/\/)/gi, `$1${ZERO_WIDTH}$2`)
      .replace(/\bwww\./gi, `www${ZERO_WIDTH}.`)
  );
}

const NO_MENTIONS: ReadonlySet<string> = new Set();
const NO_REFERENCES: ReadonlySet<number> = new Set();

/** Escaped text for a table cell: like escapeMarkdown, but keeps line breaks as `<br>`. */
function cell(text: string, maxBytes = 1_000): string {
  return truncateUtf8(text, maxBytes)
    .split(/\r\n?|\n/)
    .map((line) => escapeMarkdown(line))
    .join('<br>');
}

/**
 * `text` as a code span. The fence is one backtick longer than any run inside; in a table, pipes are
 * escaped (GFM reads `\|` as a pipe even inside code spans).
 */
export function codeSpan(text: string, inTable = false): string {
  let body = text.replace(/\r\n?|\n/g, ' ');
  if (inTable) body = body.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || body === '' ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

const STATUS_LABEL: Record<RuleStatus, string> = {
  pass: '✅ Pass',
  notice: 'ℹ️ Notice',
  warning: '⚠️ Warning',
  error: '❌ Error',
  off: '⚪ Off',
  waived: '🏷️ Waived',
};

const LEVEL_ICON: Record<Level, string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' };
const LEVEL_ORDER: Record<Level, number> = { error: 0, warning: 1, notice: 2 };

const comparePaths = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Most severe first, then by rule, path and line: the order people read and fix findings in. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      // Code-unit order: the same on every machine, and far cheaper than locale collation on thousands.
      comparePaths(a.path ?? '', b.path ?? '') ||
      (a.startLine ?? 0) - (b.startLine ?? 0),
  );
}

const ruleLink = (rule: RuleName | 'config', docsUrl: string): string => `[${rule}](${docsUrl}#${rule})`;

function location(finding: Finding): string {
  if (finding.path === undefined) return '';
  const { startLine, endLine } = finding;
  const lines =
    startLine === undefined ? '' : endLine !== undefined && endLine !== startLine ? ` lines ${startLine}–${endLine}` : ` line ${startLine}`;
  return `${codeSpan(finding.path)}${lines}`;
}

interface Section {
  /** Lines shown before the items when at least one item fits (e.g. a heading and table header). */
  header: string[];
  count: number;
  /** Item `index`, rendered only when reached (a cut leaves most of thousands of findings unrendered). */
  item: (index: number) => string;
  /** The notice for items left out. */
  omitted: (count: number) => string;
}

function section<T>(header: string[], list: readonly T[], render: (item: T) => string, omitted: (count: number) => string): Section {
  return { header, count: list.length, item: (index) => render(list[index]), omitted };
}

/**
 * Lays out `intro`, then as many items of each section as the budget allows, then `outro`. Once an item
 * does not fit, no later item is shown either (so what is shown is always a prefix in reading order), and
 * every section with items left out gets its notice.
 */
function layout(intro: string[], sections: Section[], outro: string[], maxBytes: number): string {
  const lineBytes = (lines: readonly string[]): number => lines.reduce((n, line) => n + utf8Length(line) + 1, 0);
  const out = [...intro];
  let used = lineBytes(intro) + lineBytes(outro);
  // Room for every notice that could still be needed, so adding one never overflows.
  let reserved = sections.reduce((n, s) => n + (s.count > 0 ? utf8Length(s.omitted(s.count)) + 2 : 0), 0);
  let full = false;
  for (const section of sections) {
    if (section.count === 0) continue;
    const notice = utf8Length(section.omitted(section.count)) + 2;
    reserved -= notice;
    let shown = 0;
    const headerBytes = lineBytes(section.header);
    if (!full && used + headerBytes + reserved + notice <= maxBytes) {
      const lines = [...section.header];
      let sectionUsed = headerBytes;
      for (let index = 0; index < section.count; index++) {
        const item = section.item(index);
        const size = utf8Length(item) + 1;
        if (used + sectionUsed + size + reserved + notice > maxBytes) break;
        lines.push(item);
        sectionUsed += size;
        shown++;
      }
      if (shown > 0) {
        out.push(...lines);
        used += sectionUsed;
      }
    }
    if (shown < section.count) {
      full = true;
      const line = section.omitted(section.count - shown);
      out.push('', line);
      used += utf8Length(line) + 2;
    }
  }
  out.push(...outro);
  // Sections each open with a blank line; where one follows another blank line, one is enough.
  const text = out.join('\n').replace(/\n{3,}/g, '\n\n');
  // Only reachable with a budget smaller than the fixed lines themselves (tiny maxBytes): cut at a line.
  return utf8Length(text) <= maxBytes ? text : cutAtLine(text, maxBytes);
}

function cutAtLine(text: string, maxBytes: number): string {
  const notice = '\n… output cut to fit the size limit';
  const room = maxBytes - utf8Length(notice);
  if (room <= 0) return truncateUtf8(text, maxBytes);
  const head = truncateUtf8(text, room, '');
  const lastBreak = head.lastIndexOf('\n');
  return (lastBreak > 0 ? head.slice(0, lastBreak) : head) + notice;
}

function sizeLine(report: Report): string {
  const size = report.size;
  const counted = `${plural(size.lines, 'line')} in ${plural(size.files, 'file')} counted`;
  const excluded =
    size.excludedFiles > 0
      ? ` · ${plural(size.excludedLines, 'line')} in ${plural(size.excludedFiles, 'file')} excluded (lockfiles, generated, vendored; listed in the details)`
      : ' · nothing excluded';
  const fromTotals = size.fromTotals ? ' · judged from the pull request totals (the file list was incomplete)' : '';
  const stacked = size.stack === undefined ? '' : ` · ${escapeMarkdown(stackSentence(size.stack))}`;
  return `**Size:** ${size.class} · ${counted}${excluded}${fromTotals}${stacked}`;
}

/** The stack commands for a split plan made in the App or the Action: run on the branch, against the remote's base. */
function commandsOf(report: Report): StackCommands | undefined {
  const from = report.size.splitFrom;
  if (from === undefined || report.size.parts.length < 2) return undefined;
  return stackCommands({ branch: from.branch, base: `origin/${from.base}`, prBase: from.base, parts: report.size.parts });
}

/** The split plan in landing order, the branch each part gets, and the commands that make the stack. */
function splitPlanSections(report: Report): Section[] {
  const { parts } = report.size;
  const commands = commandsOf(report);
  const plan = section(
    [
      '',
      `### Split plan (${plural(parts.length, 'part')}, in landing order)`,
      '',
      '| # | Part | Lines | Files | Needs |',
      '| --: | :-- | --: | :-- | :-- |',
    ],
    parts.map((part, index) => ({ part, index })),
    ({ part, index }) => {
      const files = [...part.files, ...(part.carried ?? [])];
      const shown = files.slice(0, 5).map((file) => codeSpan(file, true));
      if (files.length > shown.length) shown.push(`and ${formatCount(files.length - shown.length)} more`);
      const branch = commands === undefined ? '' : `<br>${codeSpan(commands.branches[index], true)}`;
      return `| ${index + 1} | ${cell(part.name, 300)}${branch} | ${formatCount(part.lines)} | ${shown.join(', ')} | ${cell((part.needs ?? []).join(', '), 300)} |`;
    },
    (n) => `… ${plural(n, 'more part')} not shown.`,
  );
  if (commands === undefined) return [plan];
  const script = [
    '```sh',
    `git fetch origin && git checkout ${shellWord(report.size.splitFrom!.branch)}`,
    `${commands.apply}   # one branch per part, each one commit on the one before; the branch itself is left as it is`,
    commands.push,
    ...commands.pullRequests,
    '```',
  ].join('\n');
  return [
    plan,
    section(
      ['', '**Make it a stack of pull requests**', ''],
      [script],
      (text) => text,
      () => 'The commands did not fit.',
    ),
  ];
}

/** One line for the summary: the plan's parts in order and the command that makes the stack. */
function splitLine(report: Report): string | undefined {
  const { parts } = report.size;
  const commands = commandsOf(report);
  if (commands === undefined) return undefined;
  const shown = parts.slice(0, 8).map((part, i) => `${i + 1}. ${codeSpan(part.name)}`);
  if (parts.length > shown.length) shown.push(`… ${plural(parts.length - shown.length, 'more part')}`);
  return `**Split plan:** ${shown.join(' → ')} · on ${codeSpan(report.size.splitFrom!.branch)} run ${codeSpan(commands.apply)} to make it a stack of branches (push and \`gh pr create\` commands in the details)`;
}

const moreFindings = (n: number): string =>
  `… ${plural(n, 'more finding')} not shown (GitHub limits this field to ${formatCount(GITHUB_OUTPUT_LIMIT)} bytes).`;

/** The check run's `output.summary`. */
export function renderSummary(report: Report, options: RenderOptions = {}): string {
  const docsUrl = options.docsUrl ?? RULES_DOCS_URL;
  const intro = ['| Rule | Status | Found | What to do |', '| :-- | :-- | :-- | :-- |'];
  for (const rule of report.rules) {
    const status = rule.status === 'error' && report.mode === 'advise' ? '❌ Error (advise)' : STATUS_LABEL[rule.status];
    intro.push(`| ${ruleLink(rule.rule, docsUrl)} | ${status} | ${cell(rule.summary)} | ${cell(rule.advice ?? '')} |`);
  }
  intro.push('');
  // One fact per list item: consecutive lines would run together into one paragraph.
  const facts: string[] = [];
  if (report.audit === undefined) {
    facts.push(sizeLine(report));
    const split = splitLine(report);
    if (split !== undefined) facts.push(split);
    facts.push(`**Kind of change:** ${escapeMarkdown(describeKind(report.kind))}`);
  }
  if (report.overrides.length > 0) {
    const waived = report.overrides.map((o) => `${o.rule} waived by label ${codeSpan(o.label)}`).join(' · ');
    facts.push(`**Overrides:** ${waived}`);
  }
  if (report.mode === 'advise') {
    const errors = report.findings.filter((f) => f.level === 'error').length;
    facts.push(
      `**Mode:** advise · findings never fail this check${errors > 0 ? ` (${plural(errors, 'error')} would fail it in enforce mode)` : ''}`,
    );
  }
  if (report.draft) facts.push('**Draft:** shown for early feedback.');
  const annotated = options.annotations;
  if (annotated !== undefined && annotated.cut > 0) {
    facts.push(
      `**Annotations:** ${formatCount(annotated.sent)} of ${formatCount(annotated.sent + annotated.cut)} placed on lines; every finding is listed in the details.`,
    );
  }

  intro.push(...facts.map((fact) => `- ${fact}`));

  const findings = sortFindings(report.findings);
  const findingLine = (f: Finding): string => {
    const where = location(f);
    return `- ${LEVEL_ICON[f.level]} ${f.rule} · ${where === '' ? '' : `${where} · `}${escapeMarkdown(truncateUtf8(f.title, 500))}`;
  };
  const sections = [section(['', `**Findings (${formatCount(findings.length)})**`, ''], findings, findingLine, moreFindings)];
  const outro = ['', `[How monoenv judges changes](${docsUrl})`];
  return layout(intro, sections, outro, options.maxBytes ?? GITHUB_OUTPUT_LIMIT);
}

/** The check run's `output.text`: every finding in full, then the files excluded from size and the split plan with the commands that make it a stack. */
export function renderDetails(report: Report, options: RenderOptions = {}): string {
  const docsUrl = options.docsUrl ?? RULES_DOCS_URL;
  const findingBlock = (f: Finding): string => {
    const where = location(f);
    const block = [`#### ${LEVEL_ICON[f.level]} ${ruleLink(f.rule, docsUrl)} · ${escapeMarkdown(truncateUtf8(f.title, 500))}`];
    if (where !== '') block.push(where);
    // Each line of the message stays a line (multi-line messages list reasons), each escaped on its own.
    block.push(
      '',
      ...truncateUtf8(f.message, 8_000)
        .split(/\r\n?|\n/)
        .map((line) => `${escapeMarkdown(line)}  `),
    );
    if (f.suggestion !== undefined) block.push('', `**What to do:** ${escapeMarkdown(truncateUtf8(f.suggestion, 2_000))}`);
    block.push('');
    return block.join('\n');
  };
  const findings = sortFindings(report.findings);
  const sections = [section([`### Findings (${formatCount(findings.length)})`, ''], findings, findingBlock, moreFindings)];
  if (report.audit === undefined) {
    const { excluded } = report.size;
    sections.push(
      section(
        ['', `### Excluded from size (${formatCount(excluded.length)})`, '', '| File | Lines | Why |', '| :-- | --: | :-- |'],
        excluded,
        (e) => `| ${codeSpan(e.path, true)} | ${formatCount(e.lines)} | ${cell(e.reason, 300)} |`,
        (n) => `… ${plural(n, 'more excluded file')} not shown.`,
      ),
      ...splitPlanSections(report),
    );
  }
  return layout([], sections, [], options.maxBytes ?? GITHUB_OUTPUT_LIMIT);
}
