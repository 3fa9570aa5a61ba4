/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`): each finding becomes an annotation
 * on the pull request's diff, without any token. Escaping follows the runner's own rules (actions/toolkit
 * `command.ts`): `%`, CR and LF in the message; additionally `:` and `,` in property values.
 */
import type { Finding, Level, Report } from '../engine/report.js';
import { sortFindings } from './markdown.js';
import type { ConfigError } from '../config/load.js';

export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

type Command = 'error' | 'warning' | 'notice';
const COMMAND: Record<Level, Command> = { error: 'error', warning: 'warning', notice: 'notice' };

export function workflowCommand(command: Command, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${command}${props === '' ? '' : ` ${props}`}::${escapeData(message)}`;
}

function annotationOf(finding: Finding): string {
  const message = finding.suggestion === undefined ? finding.message : `${finding.message}\n\nWhat to do: ${finding.suggestion}`;
  return workflowCommand(
    COMMAND[finding.level],
    {
      file: finding.path,
      line: finding.path === undefined ? undefined : finding.startLine,
      endLine: finding.path === undefined ? undefined : (finding.endLine ?? finding.startLine),
      title: `monoenv ${finding.rule}: ${finding.title}`,
    },
    message,
  );
}

/** One annotation per finding, most severe first, then a notice with the title and the conclusion. */
export function renderGitHub(report: Report): string {
  const lines = sortFindings(report.findings).map(annotationOf);
  lines.push(workflowCommand('notice', { title: `monoenv: ${report.conclusion}` }, report.title));
  return lines.join('\n') + '\n';
}

/** Configuration errors as error annotations on the configuration file. */
export function renderGitHubConfigErrors(errors: readonly ConfigError[], file: string): string {
  return (
    errors
      .map((error) =>
        workflowCommand(
          'error',
          { file, line: error.line, col: error.column, title: 'Invalid monoenv configuration' },
          error.path === '' ? error.message : `${error.path}: ${error.message}`,
        ),
      )
      .join('\n') + '\n'
  );
}
