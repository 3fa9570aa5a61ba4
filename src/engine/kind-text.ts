/**
 * The kind of change as people write it: a title's conventional-commit type or its leading verb, an
 * error description, an issue it names; a label; a head branch's prefix; a body's "Fixes #12". Each reading
 * is a signal with its strength; `kind.ts` weighs them with the diff's shape.
 */
import type { ChangeKind } from './report.js';

export type SignalSource = 'title' | 'label' | 'branch' | 'body' | 'diff';

/** One reason to read a change as a kind, for people: `text` completes "read from …". */
export interface KindSignal {
  kind: ChangeKind;
  from: SignalSource;
  text: string;
  /**
   * How explicit it is: 3 a declared type (conventional prefix, label), 2 the title's own words, 1.5 the
   * branch's prefix, 1 the body's closing keyword and the diff's shape.
   */
  strength: number;
}

const TITLE_TYPES: Record<string, ChangeKind> = {
  feat: 'feature',
  feature: 'feature',
  // The author declares performance work; it changes timing, caching or queries, which is new behaviour.
  perf: 'perf',
  fix: 'fix',
  bugfix: 'fix',
  hotfix: 'fix',
  refactor: 'refactor',
  chore: 'chore',
  ci: 'chore',
  build: 'chore',
  style: 'chore',
  deps: 'deps',
  revert: 'revert',
  docs: 'docs',
  doc: 'docs',
  test: 'test',
  tests: 'test',
};

const LABEL_KINDS: Record<string, ChangeKind> = {
  feature: 'feature',
  enhancement: 'feature',
  'type: feature': 'feature',
  'kind/feature': 'feature',
  bug: 'fix',
  bugfix: 'fix',
  fix: 'fix',
  hotfix: 'fix',
  'type: bug': 'fix',
  'kind/bug': 'fix',
  regression: 'fix',
  performance: 'perf',
  perf: 'perf',
  refactor: 'refactor',
  refactoring: 'refactor',
  'kind/cleanup': 'refactor',
  'tech debt': 'refactor',
  chore: 'chore',
  maintenance: 'chore',
  dependencies: 'deps',
  deps: 'deps',
  revert: 'revert',
  documentation: 'docs',
  docs: 'docs',
  test: 'test',
  tests: 'test',
};

const CONVENTIONAL = /^\s*(\w+)(?:\(([^)]*)\))?(!)?:\s*\S/;
const REVERT_TITLE = /^\s*Revert\s+"/;
const BOT_DEPS_TITLE =
  /^\s*(?:(?:\[[^\]]*\]\s*)?Bump\s+\S+\s+from\s+\S+\s+to\s+\S+|Update\s+(?:dependency|module|gem|package)\s+\S+|Update\s+\S+\s+to\s+v?\d|Lock file maintenance)/i;

/** A version, a dependency or a runtime named after an upgrade verb: `to 3.14`, `v18`, `version 7.2`. */
const VERSION_WORDS = /\bv?\d+(?:\.\d+)+\b|\bv\d+\b|\bto\s+v?\d|\bversion\b|\bdependenc(?:y|ies)\b|\blockfile\b/i;

/**
 * Objects and conditions that name an edge case or a failure: what a guard verb (`Handle`, `Skip`, `Ignore`,
 * `Prevent`, `Avoid`) acts on in a fix's title. `Skip empty folders`, `Handle null account`, `Avoid NPE`, but
 * not `Skip the intro screen for returning users`, whose verb is what the feature does.
 */
const EDGE_CASE =
  '(?:null|nil|none|undefined|nan|nulls|missing|empty|blank|absent|invalid|malformed|corrupt(?:ed)?|duplicated?|duplicates|unknown|unexpected|unsupported|non-?existent|unset|stale|broken|zero|negative|deleted|orphan(?:ed|s)?|expired|out[- ]of[- ](?:range|bounds))';
const FAILURE =
  '(?:errors?|exceptions?|crash(?:es|ed|ing)?|failures?|npes?|null\\s*pointer(?:\\s*exceptions?)?|nullpointerexceptions?|panics?|timeouts?|race(?:\\s+conditions?)?|deadlocks?|leaks?|overflows?|infinite\\s+loops?)';
/** The edge case follows the verb within three words (`Skip empty …`, `Handle a null …`), or ends a short `when`/`if`/`where` clause. */
const guarded = (verb: string, object: string): RegExp =>
  new RegExp(
    `^(?:${verb})\\s+(?:(?:[^\\s.;:]+\\s+){0,3}?${object}|[^.;:]*?\\b(?:when|if|where|whose)\\s+(?:[^\\s.;:]+\\s+){0,4}?${object})\\b`,
    'i',
  );

/** The title's leading verb, after tags such as `[Rails upgrade]` or `WIP:`. */
const LEADING: readonly { re: RegExp; kind: ChangeKind; needsVersion?: boolean }[] = [
  { re: /^(?:hot|bug)?fix(?:e[sd]|ing)?\b|^bug\s*fix\b|^patch(?:e[sd])?\s+(?:a\s+|the\s+)?(?:bug|crash|leak|error)/i, kind: 'fix' },
  { re: /^(?:bump(?:s|ed)?|pin(?:s|ned)?)\b/i, kind: 'deps' },
  { re: /^(?:upgrade[sd]?|update[sd]?|downgrade[sd]?|migrate[sd]?\s+to)\b/i, kind: 'deps', needsVersion: true },
  { re: /^revert(?:s|ed)?\b/i, kind: 'revert' },
  {
    re: /^(?:rename[sd]?|extract(?:s|ed)?|move[sd]?|moving|refactor(?:s|ed|ing)?|restructure[sd]?|reorgani[sz]e[sd]?|simplif(?:y|ies|ied)|clean(?:s|ed)?\s*up|cleanup|tidy|tidies|inline[sd]?|replace[sd]?\s+\S.*\s+(?:with|by)\s)/i,
    kind: 'refactor',
  },
  {
    re: /^(?:(?:improve[sd]?|increase[sd]?|boost(?:s|ed)?)\s+(?:the\s+)?(?:perf\w*|effi\w*|speed|throughput|latency)|speed(?:s|ed)?\s+up|optimi[sz](?:e[sd]?|ing)|make\s+\S+(?:\s+\S+)?\s+faster|reduce[sd]?\s+(?:the\s+)?(?:latency|memory|allocations|queries))\b/i,
    kind: 'perf',
  },
  // Work done again for nothing, removed: `Don't generate reports twice…`, `Avoid redundant queries…`.
  {
    re: /^(?:avoid(?:s|ed|ing)?|don'?t|do\s+not|stop(?:s|ped)?|skip(?:s|ped)?)\s(?:[^.;]*?\s)?(?:twice|again|repeated(?:ly)?|redundant(?:ly)?|unnecessar(?:y|ily)|needless(?:ly)?|duplicate)\b/i,
    kind: 'perf',
  },
  // Verbs that only ever repair: `Correct the VAT rounding`, `Tolerate missing header…`, `Guard against …`.
  {
    re: /^(?:correct(?:s|ed|ing|ly)?|properly|repair(?:s|ed|ing)?|tolerat(?:e[sd]?|ing)|(?:guard|protect)(?:s|ed|ing)?\s+against|work(?:s|ed)?\s*around)\b/i,
    kind: 'fix',
  },
  // Guard verbs, when what they act on is an edge case or a failure: `Handle null account…`, `Skip empty folders…`.
  {
    re: guarded(
      'handl(?:e[sd]?|ing)(?:\\s+of)?|skip(?:s|ped|ping)?|ignor(?:e[sd]?|ing)|guard(?:s|ed|ing)?|check(?:s|ed|ing)?\\s+for|prevent(?:s|ed|ing)?|avoid(?:s|ed|ing)?|account(?:s|ed)?\\s+for|treat(?:s|ed|ing)?|fall(?:s|ing)?\\s+back|default(?:s|ed)?\\s+to|cope\\s+with|deal\\s+with',
      `(?:${EDGE_CASE}|${FAILURE})`,
    ),
    kind: 'fix',
  },
  { re: guarded('catch(?:es|ing)?|rescu(?:e[sd]?|ing)|recover(?:s|ed|ing)?\\s+from', FAILURE), kind: 'fix' },
  // `Don't crash on …`, `Do not fail when …`, `Stop losing drafts`: a failure that no longer happens.
  {
    re: /^(?:don'?t|do\s+not|never|no\s+longer|stop(?:s|ped)?)\s+(?:crash|fail|throw|rais|panic|error|break|hang|freez|los[ei]|drop|leak|duplicat)\w*/i,
    kind: 'fix',
  },
  // A behaviour that used to work, back: `Restore the previous scroll position`, `Restore support for …`.
  {
    re: /^restor(?:e[sd]?|ing)\s+(?:[^\s.;:]+\s+){0,2}?(?:previous|original|old|former|missing|lost|broken|default|correct|proper|expected|behaviou?r|support|compat(?:ibility)?)\b/i,
    kind: 'fix',
  },
  {
    re: /^add(?:s|ed)?\s+(?:a\s+|the\s+)?(?:missing\s+)?(?:null|nil|none|undefined|bounds?|sanity)[-\s]*(?:checks?|guards?)\b/i,
    kind: 'fix',
  },
  { re: /^(?:document(?:s|ed)?|update[sd]?\s+(?:the\s+)?(?:docs?|readme|changelog))\b/i, kind: 'docs' },
  { re: /^(?:add(?:s|ed)?|write|cover)\s+(?:missing\s+|more\s+|a\s+|an\s+)?(?:unit\s+|e2e\s+|regression\s+)?tests?\b/i, kind: 'test' },
  { re: /^(?:add(?:s|ed)?|introduce[sd]?|implement(?:s|ed)?|support(?:s|ed)?|allow(?:s|ed)?|enable[sd]?|new)\b/i, kind: 'feature' },
];

/** A title that describes a failure: `Error 500 checking out…`, `…crashes when…`, `Regression in…`, `… when one tries to …`. */
const ERROR_DESCRIPTION =
  /\b(?:error\s+\d{3}|\d{3}\s+error|(?:internal\s+server|unhandled|uncaught)\s+error|exception|npe\b|null\s*pointer|segfault|segmentation\s+fault|out\s+of\s+memory|infinite\s+loop|race\s+condition|data\s+loss|crash(?:es|ed|ing)?|regression|deadlock|memory\s+leak|times?\s+out|timing\s+out|timeouts?|not\s+working|(?:does\s*n[o']t|doesn't|don't|won't|can't|cannot)\s+(?:work|load|save|open|render|show)|is\s+broken|broke\b|when\s+(?:one|you|someone|somebody|a\s+user|the\s+user|users)\s+tr(?:y|ies)\s+to\b|when\s+trying\s+to\b)/i;

/** An issue named in the title, not the `(#123)` a squash merge appends: `… paid orders 7603`, `#7603`, `issue 12`. */
const ISSUE_IN_TITLE = /(?:^|[\s([])(?:#\d{2,}|(?:issue|bug|ticket)\s+#?\d+)\b|\s\d{3,6}$/i;
const SQUASH_SUFFIX = /\s*\(#\d+\)\s*$/;
/**
 * Issue-tracker keys leading a title (`SHOP-123 - Fix …`, `PAY-12: fix(orders): …`, `[OPS-7] …`, `PAY-1, PAY-2 …`):
 * they name a ticket, which features and fixes alike have, so the kind is read from the words after them. A key
 * is upper-case letters, a hyphen and a number, standing alone (`CVE-2024-1234` is not one).
 */
const TRACKER_KEYS = /^\s*(?:\[?[A-Z][A-Z0-9_]*-\d+\]?(?=[\s:|,\]]|$)[\s,]*)+(?:[:|\u2013\u2014-]+\s*)?/;

const quote = (text: string): string => (text.length > 60 ? `${text.slice(0, 57).trimEnd()}…` : text.trim());

/**
 * A title saying the code now answers differently (`return 400 on bad input`, `respond with 404`, `reject
 * invalid …`): even as a fix, it changes a contract callers rely on, which reviewers want rolled out behind
 * a flag. Read as a feature beside the fix, at the same strength, so it wins.
 */
const CONTRACT =
  /\b(?:return(?:s|ed|ing)?|respond(?:s|ed|ing)?\s+with|answer(?:s|ed)?\s+with|fail(?:s|ed)?\s+with)\s+(?:an?\s+|http\s+|status\s+)*[1-5]\d\d\b|\breject(?:s|ed|ing)?\s+(?:all\s+|any\s+)?(?:invalid|incorrect|malformed|bad|unknown|oversized)\b/i;

function changesContract(title: string, shown: string): (kind: ChangeKind, strength: number) => KindSignal[] {
  const match = CONTRACT.exec(title);
  return (kind, strength) =>
    match && kind !== 'feature' && kind !== 'revert'
      ? [{ kind: 'feature', from: 'title', text: `${shown}, which changes what the code answers (\`${match[0]}\`)`, strength }]
      : [];
}

/** Signals of the PR title: its conventional type, or its own words. */
export function titleSignals(fullTitle: string): KindSignal[] {
  const shown = `the title \`${quote(fullTitle)}\``;
  const keys = TRACKER_KEYS.exec(fullTitle);
  const title = keys && keys[0].length < fullTitle.length ? fullTitle.slice(keys[0].length) : fullTitle;
  const conventional = CONVENTIONAL.exec(title);
  const contract = changesContract(title, shown);
  if (conventional) {
    const type = conventional[1].toLowerCase();
    const scope = (conventional[2] ?? '').toLowerCase();
    let kind: ChangeKind | undefined = TITLE_TYPES[type];
    // Breaking changes are new behaviour whatever their type; `build(deps):`, `chore(deps):`, `fix(deps):`
    // are Dependabot's and Renovate's dependency bumps.
    if (conventional[3] === '!') kind = 'feature';
    else if (kind !== undefined && kind !== 'feature' && /^deps(?:-dev)?$/.test(scope)) kind = 'deps';
    if (kind !== undefined) return [{ kind, from: 'title', text: shown, strength: 3 }, ...contract(kind, 3)];
  }
  if (REVERT_TITLE.test(title)) return [{ kind: 'revert', from: 'title', text: shown, strength: 3 }];
  if (BOT_DEPS_TITLE.test(title)) return [{ kind: 'deps', from: 'title', text: shown, strength: 3 }];

  // Free text: tags (`[Rails upgrade]`, `WIP:`, an emoji) are not the verb.
  const words = title.replace(SQUASH_SUFFIX, '').replace(/^(?:\s*(?:\[[^\]]*\]|\([^)]*\)|wip:?|draft:?|[^\p{L}\p{N}\s]+))*\s*/iu, '');
  for (const { re, kind, needsVersion } of LEADING) {
    const verb = re.exec(words);
    if (verb && (!needsVersion || VERSION_WORDS.test(words.slice(verb[0].length)))) {
      return [{ kind, from: 'title', text: `${shown} (\`${verb[0].trim()}…\`)`, strength: 2 }, ...contract(kind, 2)];
    }
  }
  const failure = ERROR_DESCRIPTION.exec(words);
  if (failure)
    return [
      { kind: 'fix', from: 'title', text: `${shown}, which describes a failure (\`${failure[0]}\`)`, strength: 2 },
      ...contract('fix', 2),
    ];
  const issue = ISSUE_IN_TITLE.exec(words);
  if (issue) return [{ kind: 'fix', from: 'title', text: `${shown}, which names issue \`${issue[0].trim()}\``, strength: 2 }];
  return [];
}

export function labelSignals(labels: readonly string[]): KindSignal[] {
  const signals: KindSignal[] = [];
  for (const raw of labels) {
    const label = raw.toLowerCase().trim();
    const kind = LABEL_KINDS[label];
    if (kind !== undefined) signals.push({ kind, from: 'label', text: `the label \`${raw}\``, strength: 3 });
  }
  return signals;
}

const BRANCH_PREFIXES: readonly [RegExp, ChangeKind][] = [
  [/^(?:dependabot|renovate|deps|dependencies|greenkeeper|snyk-upgrade)[/-]/i, 'deps'],
  [/^(?:fix|fixes|bugfix|bug|hotfix|patch)[/-]/i, 'fix'],
  [/^revert-\d+-|^revert[/-]/i, 'revert'],
  [/^(?:refactor|refactoring|cleanup|clean-up|tidy)[/-]/i, 'refactor'],
  [/^(?:chore|ci|build)[/-]/i, 'chore'],
  [/^(?:docs?)[/-]/i, 'docs'],
  [/^(?:perf|performance)[/-]/i, 'perf'],
  [/^(?:feat|feature|features)[/-]/i, 'feature'],
];

/** The head branch's prefix (`fix/…`, `dependabot/…`, GitHub's `revert-12-…`); a user prefix (`jo/fix-…`) is skipped. */
export function branchSignals(branch: string | undefined): KindSignal[] {
  if (!branch || branch === 'HEAD') return [];
  const name = branch.replace(/^refs\/heads\//, '');
  const candidates = [name];
  const slash = name.indexOf('/');
  // `jo/fix-cart`, `users/jo/fix/cart`: the part after a personal prefix.
  if (slash > 0 && !BRANCH_PREFIXES.some(([re]) => re.test(name))) candidates.push(name.slice(slash + 1));
  for (const candidate of candidates) {
    for (const [re, kind] of BRANCH_PREFIXES) {
      if (re.test(candidate)) return [{ kind, from: 'branch', text: `the branch \`${quote(name)}\``, strength: 1.5 }];
    }
  }
  return [];
}

/** GitHub's closing keywords of the fix family: `Fixes #12`, `fixed org/repo#12`, `Fix https://…/issues/12`. */
const FIXES_ISSUE = /\b(fix(?:e[sd])?)\s*:?\s+((?:[\w.-]+\/[\w.-]+)?#\d+|https?:\/\/\S+\/issues\/\d+)/i;

/** The body's linked issue, when it says the change fixes it. */
export function bodySignals(body: string): KindSignal[] {
  const fixes = FIXES_ISSUE.exec(body.slice(0, 20_000));
  return fixes ? [{ kind: 'fix', from: 'body', text: `the body's \`${fixes[1]} ${quote(fixes[2])}\``, strength: 1 }] : [];
}
