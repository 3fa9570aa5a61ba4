/** The terminal summary: the figures that matter first, then one row per week. */
import { createColors } from 'picocolors';
import { SIZE_CLASSES, type FlagDebtWeek, type ReportData } from '../model.js';
import { WHAT_IF_RULES } from '../whatif.js';
import { configLine, count, day, decimal, heading, hours, lines, percent } from './format.js';

export function renderHistoryText(data: ReportData, options: { color: boolean; weeks?: number }): string {
  const c = createColors(options.color);
  const t = data.totals;
  const out: string[] = [];
  const row = (name: string, value: string): void => {
    out.push(`${c.bold(name.padEnd(14))}${value}`);
  };
  out.push(c.bold(`monoenv report · ${data.repository}`), c.dim(heading(data)), '');
  row(
    'Changes',
    `${count(t.changes)} (${decimal(t.changesPerWeek)}/week) · ${count(t.viaPullRequest)} via pull requests · ${count(t.direct)} direct pushes`,
  );
  const dist = SIZE_CLASSES.map((k) => `${k} ${percent(t.changes === 0 ? null : t.sizeClasses[k] / t.changes)}`).join('  ');
  row('Size', `median ${lines(t.medianLines)} lines · ${dist}`);
  row(
    'Tests',
    t.needsTests === 0
      ? 'no change touched source files'
      : `${percent(t.testsShare)} of ${count(t.needsTests)} changes to source came with tests`,
  );
  row(
    'Risky',
    t.riskyTouched === 0
      ? 'no change touched risky.paths'
      : `${count(t.riskyUnflagged)} of ${count(t.riskyTouched)} risky changes without a feature flag (${percent(t.riskyUnflaggedShare)})`,
  );
  const f = data.flagDebt;
  if (f) {
    row(
      'Flags',
      `${count(f.flags)} in the code · ${count(f.stale)} stale (in the code for more than ${count(f.staleAfterDays)} days) · ` +
        `${count(f.added)} added, ${count(f.removed)} removed in the window` +
        (f.medianDaysToRemoval === null ? '' : ` (removed after ${count(f.medianDaysToRemoval)} days, median)`),
    );
    if (f.oldest.length > 0)
      row(
        '  Oldest',
        f.oldest
          .slice(0, 5)
          .map((o) => `${o.key} ${o.atLeast ? '≥' : ''}${count(o.ageDays)} d`)
          .join(' · ') + c.dim(' (monoenv flags lists them all)'),
      );
  }
  const r = data.review;
  if (r) {
    row(
      'Review',
      `coverage ${percent(r.coverage)} · unreviewed merges ${percent(r.unreviewedMergeRate)} (${count(r.unreviewed)} of ${count(r.reviewed + r.unreviewed)}) · ${count(r.exempt)} exempt`,
    );
    row('Time to merge', `median ${hours(r.medianHoursToMerge)} · p90 ${hours(r.p90HoursToMerge)}`);
    if (r.reviewers.length > 0) {
      row(
        'Reviewers',
        r.reviewers
          .slice(0, 5)
          .map((l) => `${l.login} ${count(l.reviewed)} (${count(l.approved)} approved)`)
          .join(' · '),
      );
    }
  }
  const d = data.dora;
  if (d) {
    const b = d.band;
    const word = (x: typeof b.overall) => (x === null ? 'n/a' : x);
    row('DORA', `band ${c.bold(word(b.overall))} (${b.reference}) · deployments from ${d.sourceNote}`);
    row('  Frequency', `${decimal(d.deploymentsPerWeek)} deployments/week (${count(d.deployments)}) · ${word(b.frequency)}`);
    row(
      '  Lead time',
      `median ${hours(d.leadTime.medianHours)} · p90 ${hours(d.leadTime.p90Hours)} over ${count(d.leadTime.changes)} changes · ${word(b.leadTime)}`,
    );
    row(
      '  Failures',
      `${percent(d.changeFailure.rate)} of ${count(d.changeFailure.total)} deployments (${d.changeFailure.byCause.status} by status, ${d.changeFailure.byCause.revert} reverted, ${d.changeFailure.byCause.hotfix} hotfixed) · ${word(b.changeFailure)}`,
    );
    row(
      '  Restore',
      `median ${hours(d.restore.medianHours)} over ${count(d.restore.restored)} failures${d.restore.open > 0 ? ` (${d.restore.open} not restored yet)` : ''} · ${word(b.restore)}`,
    );
  }
  const w = data.whatIf;
  if (w) {
    out.push('', c.bold(`What if: ${w.proposedFile}`), w.summary.charAt(0).toUpperCase() + w.summary.slice(1));
    const rules = WHAT_IF_RULES.filter((r) => r !== 'review' || w.reviewJudged);
    for (const rule of rules) {
      const now = w.current.byRule[rule];
      const then = w.proposed.byRule[rule];
      const worst = w.worst[rule].slice(0, 3).map((o) => o.url ?? (o.pr !== undefined ? `#${o.pr}` : o.sha.slice(0, 7)));
      row(
        `  ${rule}`,
        `errors ${count(now.error)} → ${count(then.error)} · warnings ${count(now.warning)} → ${count(then.warning)}${worst.length ? ` · worst: ${worst.join(' ')}` : ''}`,
      );
    }
  }
  row('Config', configLine(data));
  if (data.history.skipped.length > 0) {
    row('Not judged', data.history.skipped.map((s) => `${s.sha.slice(0, 7)} (${s.reason})`).join(', '));
  }

  const weeks = data.weeks.slice(-(options.weeks ?? data.weeks.length));
  const flagWeeks = f ? new Map(f.weeks.map((fw) => [fw.week, fw])) : undefined;
  const flagCells = (fw: FlagDebtWeek | undefined): string[] =>
    fw === undefined
      ? ['–'.padStart(11), '–'.padStart(6)]
      : [`+${count(fw.added)}/−${count(fw.removed)}`.padStart(11), count(fw.stale).padStart(6)];
  out.push(
    '',
    c.bold(
      [
        'week'.padEnd(11),
        'changes',
        ' direct',
        ' median',
        ...SIZE_CLASSES.map((k) => k.padStart(4)),
        '  tests',
        ...(f ? ['  flags +/−', ' stale'] : []),
        ...(r ? [' reviewed'] : []),
      ].join(' '),
    ),
  );
  for (const w of weeks) {
    const cells = [
      w.week.padEnd(11),
      count(w.changes).padStart(7),
      count(w.direct).padStart(7),
      lines(w.medianLines).padStart(7),
      ...SIZE_CLASSES.map((k) => count(w.sizeClasses[k]).padStart(4)),
      (w.needsTests === 0 ? '–' : percent(w.withTests / w.needsTests)).padStart(7),
      ...(flagWeeks ? flagCells(flagWeeks.get(w.week)) : []),
      ...(w.review
        ? [
            (w.review.reviewed + w.review.unreviewed === 0
              ? '–'
              : percent(w.review.reviewed / (w.review.reviewed + w.review.unreviewed))
            ).padStart(9),
          ]
        : []),
    ];
    out.push(w.changes === 0 ? c.dim(cells.join(' ')) : cells.join(' '));
  }
  if (data.missing.length > 0) {
    out.push('', c.yellow(c.bold('Missing or partial')));
    for (const m of data.missing) out.push(c.yellow(`- ${m}`));
  }
  out.push('', c.dim(`Generated ${day(data.generatedAt)}; weeks start on Monday (UTC).`));
  return `${out.join('\n')}\n`;
}
