/** The report for people at a terminal: a header, one row per rule, each finding at `path:line`, the conclusion. */
import { createColors } from 'picocolors';
import type { Finding, Level, Report, RuleStatus } from '../engine/report.js';
import { sortFindings } from './markdown.js';
import { formatCount, plural } from '../engine/conclusion.js';
import { describeKind } from '../engine/kind.js';

/** The range the report is about, as the CLI resolved it. */
export interface RangeFacts {
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
  commits: number;
  configSource: string;
}

type Colours = ReturnType<typeof createColors>;
type Paint = (text: string) => string;

const MAX_EXCLUDED_SHOWN = 10;

function statusStyle(c: Colours): Record<RuleStatus, { icon: string; paint: Paint }> {
  return {
    pass: { icon: '✔', paint: c.green },
    notice: { icon: 'ℹ', paint: c.cyan },
    warning: { icon: '▲', paint: c.yellow },
    error: { icon: '✖', paint: c.red },
    off: { icon: '○', paint: c.dim },
    waived: { icon: '⊘', paint: c.magenta },
  };
}

function levelPaint(c: Colours): Record<Level, Paint> {
  return { error: c.red, warning: c.yellow, notice: c.cyan };
}

const short = (sha: string): string => sha.slice(0, 7);
const indent = (text: string, by: string): string =>
  text
    .split(/\r\n?|\n/)
    .map((line) => `${by}${line}`)
    .join('\n');

function where(finding: Finding): string {
  if (finding.path === undefined) return '';
  if (finding.startLine === undefined) return finding.path;
  return `${finding.path}:${finding.startLine}`;
}

export function renderTerminal(report: Report, range: RangeFacts, colour: boolean): string {
  const c = createColors(colour);
  const out: string[] = [];
  const { size } = report;

  out.push(`${c.bold('monoenv')}  ${report.title}`);
  const commits = plural(range.commits, 'commit');
  out.push(
    c.dim(
      `  ${range.base.ref} ${short(range.base.sha)} … ${range.head.ref} ${short(range.head.sha)} · ${commits} · config: ${range.configSource}`,
    ),
  );
  const excluded =
    size.excludedFiles > 0 ? ` · excluded ${plural(size.excludedLines, 'line')} in ${plural(size.excludedFiles, 'file')}` : '';
  out.push(
    c.dim(
      `  size ${size.class}: counted ${plural(size.lines, 'line')} in ${plural(size.files, 'file')}${excluded} · read as ${describeKind(report.kind)}`,
    ),
  );
  if (report.mode === 'advise') out.push(c.dim('  mode advise: findings never fail'));
  out.push('');

  const styles = statusStyle(c);
  const width = Math.max(...report.rules.map((r) => r.rule.length), 6);
  for (const rule of report.rules) {
    const { icon, paint } = styles[rule.status];
    out.push(`  ${paint(icon)} ${c.bold(rule.rule.padEnd(width))}  ${paint(rule.status.padEnd(7))}  ${rule.summary}`);
    if (rule.advice !== undefined && rule.status !== 'pass' && rule.status !== 'off') {
      out.push(`  ${' '.repeat(width + 13)}${c.dim('→')} ${rule.advice}`);
    }
  }
  for (const override of report.overrides) {
    out.push(c.dim(`  ${override.rule} waived by label "${override.label}"`));
  }

  const findings = sortFindings(report.findings);
  if (findings.length > 0) {
    out.push('', c.bold(`Findings (${formatCount(findings.length)})`));
    const paintLevel = levelPaint(c);
    for (const finding of findings) {
      const location = where(finding);
      const head = [
        location === '' ? undefined : c.bold(location),
        paintLevel[finding.level](finding.level),
        c.dim(finding.rule),
        finding.title,
      ];
      out.push(`  ${head.filter((part) => part !== undefined).join('  ')}`);
      if (finding.message !== '' && finding.message !== finding.title) out.push(indent(finding.message, '      '));
      if (finding.suggestion !== undefined) out.push(indent(`${c.dim('→')} ${finding.suggestion}`, '      '));
    }
  }

  if (size.excluded.length > 0) {
    out.push('', c.bold('Excluded from the size counts'));
    for (const file of size.excluded.slice(0, MAX_EXCLUDED_SHOWN)) {
      out.push(`  ${file.path}  ${c.dim(`${plural(file.lines, 'line')} · ${file.reason}`)}`);
    }
    const more = size.excluded.length - MAX_EXCLUDED_SHOWN;
    if (more > 0) out.push(c.dim(`  … ${plural(more, 'more file')}`));
  }

  out.push('', conclusionLine(report, c));
  return out.join('\n') + '\n';
}

function conclusionLine(report: Report, c: Colours): string {
  const count = (level: Level): number => report.findings.filter((f) => f.level === level).length;
  const counts = (['error', 'warning', 'notice'] as const).filter((level) => count(level) > 0).map((level) => plural(count(level), level));
  const tally = counts.length === 0 ? 'no findings' : counts.join(', ');
  switch (report.conclusion) {
    case 'failure':
      return `${c.red(c.bold('✖ failure'))}  ${tally}`;
    case 'neutral':
      return `${c.yellow(c.bold('● neutral'))}  ${tally} (advise mode: errors do not fail)`;
    default:
      return `${c.green(c.bold('✔ success'))}  ${tally}`;
  }
}
