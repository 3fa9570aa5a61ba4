/**
 * The CLI's publishers, one per `--format`: text for people at a terminal, the report as JSON, or GitHub
 * workflow commands (annotations on the diff without a token, and in a workflow the job summary).
 */
import { appendFile } from 'node:fs/promises';
import type { Report } from '../engine/report.js';
import { renderSummary } from '../present/markdown.js';
import { renderTerminal, type RangeFacts } from '../present/text.js';
import { renderGitHub } from '../present/workflow-commands.js';
import { useColour, type CliIO } from './io.js';

export type OutputFormat = 'text' | 'json' | 'github';

export interface ReportPublisher {
  publish(report: Report, range: RangeFacts): Promise<void>;
}

export function publisherFor(format: OutputFormat, io: CliIO): ReportPublisher {
  switch (format) {
    case 'json':
      return { publish: async (report) => void io.stdout.write(JSON.stringify(report, null, 2) + '\n') };
    case 'github':
      return {
        async publish(report) {
          io.stdout.write(renderGitHub(report));
          // In a workflow, the job's summary page gets the same table the check run shows.
          const summaryFile = io.env.GITHUB_STEP_SUMMARY;
          if (summaryFile) await appendFile(summaryFile, `## monoenv: ${report.title}\n\n${renderSummary(report)}\n`);
        },
      };
    default:
      return { publish: async (report, range) => void io.stdout.write(renderTerminal(report, range, useColour(io))) };
  }
}
