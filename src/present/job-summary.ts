/** The Action's job summary: per check run, a heading with its verdict, a link to it, its summary and text. */

export interface SummarizedRun {
  name: string;
  conclusion: string;
  title: string;
  summary: string;
  text?: string;
  htmlUrl?: string;
}

export function jobSummary(runs: readonly SummarizedRun[]): string {
  return runs
    .map((run) => {
      const icon = run.conclusion === 'failure' ? '❌' : run.conclusion === 'success' ? '✅' : 'ℹ️';
      // Markdown, not core.summary's HTML helpers: an HTML heading directly followed by the summary's table
      // would swallow the table into the HTML block.
      const parts = [`## ${icon} ${run.name}: ${run.title}`];
      if (run.htmlUrl) parts.push(`[The check run, with its annotations](${run.htmlUrl})`);
      if (run.summary) parts.push(run.summary);
      if (run.text) parts.push(run.text);
      return `${parts.join('\n\n')}\n\n`;
    })
    .join('');
}
