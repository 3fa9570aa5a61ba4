/** Reports → check-run output: the engine's renderer for the text, findings on lines as annotations. */
import type { Report } from '../engine/report.js';
import { toAnnotations, MAX_ANNOTATIONS } from './annotations.js';
import { renderSummary, renderDetails, truncateUtf8, GITHUB_OUTPUT_LIMIT } from './markdown.js';
import { formatConfigError, isTooLarge, type ConfigError } from '../config/load.js';
import { CONFIG_PATH } from '../config/path.js';
import type { CheckAnnotation } from './annotations.js';

/** What a `monoenv` check run shows: its conclusion, title, Markdown summary and text, and line annotations. */
export interface CheckOutput {
  conclusion: 'success' | 'neutral' | 'failure';
  title: string;
  summary: string;
  text?: string;
  annotations: CheckAnnotation[];
}

export const INVALID_CONFIG_TITLE = 'Invalid monoenv configuration';
export const EVALUATION_FAILED_TITLE = 'monoenv could not evaluate this change';
export const AUDIT_FAILED_TITLES = { merge: 'monoenv could not audit this merge', push: 'monoenv could not audit this push' } as const;

export function reportOutput(report: Report): CheckOutput {
  const { annotations, cut } = toAnnotations(report.findings);
  const counts = { sent: annotations.length, cut };
  return {
    conclusion: report.conclusion,
    title: report.title,
    summary: renderSummary(report, { annotations: counts }),
    text: renderDetails(report, { annotations: counts }),
    annotations,
  };
}

/**
 * The check run for a configuration that cannot be used: one line per error, with its key path and line.
 * `annotate` places the errors on the file's lines when the file is in this repository.
 */
export function invalidConfigOutput(errors: readonly ConfigError[], file: string, annotate: boolean): CheckOutput {
  const lines = errors.map((error) => `- \`${formatConfigError(error, file).replaceAll('`', "'")}\``);
  const summary = [
    `monoenv could not use its configuration, so this change was not judged. Fix ${errors.length === 1 ? 'this error' : `these ${errors.length} errors`} on the default branch:`,
    '',
    ...lines,
    '',
    "The configuration is read from `.github/monoenv.yml` on the default branch (or the organization's `.github` repository). Run `monoenv validate` to check a file locally.",
  ].join('\n');
  const annotations: CheckAnnotation[] = annotate
    ? errors
        .filter((e) => e.line !== undefined)
        .slice(0, MAX_ANNOTATIONS)
        .map((e) => ({
          path: file,
          start_line: e.line!,
          end_line: e.line!,
          annotation_level: 'failure' as const,
          title: INVALID_CONFIG_TITLE,
          message: e.path === '' ? e.message : `${e.path}: ${e.message}`,
        }))
    : [];
  const title = isTooLarge(errors) ? `${INVALID_CONFIG_TITLE}: file too large` : INVALID_CONFIG_TITLE;
  return { conclusion: 'failure', title, summary: truncateUtf8(summary, GITHUB_OUTPUT_LIMIT), annotations };
}

/**
 * The invalid-configuration run of a change that edits the configuration: whether its version fixes it, and
 * when it does not, its errors on its lines (the diff shows the change's version).
 */
export function proposedFixOutput(output: CheckOutput, errors: readonly ConfigError[]): CheckOutput {
  if (errors.length === 0) {
    return {
      ...output,
      summary: `${output.summary}\n\nThis pull request's version of \`${CONFIG_PATH}\` is valid: merging it fixes the configuration.`,
      annotations: [],
    };
  }
  const proposed = invalidConfigOutput(errors, CONFIG_PATH, true);
  const lines = errors.map((e) => `- \`${formatConfigError(e, CONFIG_PATH).replaceAll('`', "'")}\``);
  return {
    ...output,
    summary: `${output.summary}\n\nThis pull request's version of \`${CONFIG_PATH}\` is not valid either:\n\n${lines.join('\n')}`,
    annotations: proposed.annotations,
  };
}

/** The error in a fenced block (no Markdown of its own can render): GitHub's status first when it answered one. */
function failureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { status?: number }).status;
  const reason = truncateUtf8(`${status === undefined ? '' : `GitHub API ${status}: `}${message}`, 4_000).replaceAll('```', "'''");
  return ['```', reason, '```'].join('\n');
}

/** What is published when evaluation itself fails: a completed run that says so, never nothing. */
export function evaluationFailedOutput(error: unknown): CheckOutput {
  const summary = [
    'monoenv hit an error while evaluating this change, so it was not judged.',
    '',
    failureReason(error),
    '',
    'Re-run this check to try again. If it keeps failing, report it with the delivery id from the app logs.',
  ].join('\n');
  return { conclusion: 'failure', title: EVALUATION_FAILED_TITLE, summary, annotations: [] };
}

/**
 * What is published when a merge or push audit fails: a completed run on the audited commit, so the gap in
 * the audit trail is visible (GitHub does not redeliver a failed delivery by itself).
 */
export function auditFailedOutput(audit: 'merge' | 'push', error: unknown): CheckOutput {
  const retry =
    audit === 'merge'
      ? 'Re-run this check to audit the merge again: its verdict then replaces this run.'
      : "Redeliver the push event (the app's settings, Advanced, Recent deliveries) to audit the push again.";
  const summary = [
    `monoenv hit an error while auditing this ${audit}, so whether it went in without review is not known.`,
    '',
    failureReason(error),
    '',
    retry,
  ].join('\n');
  return { conclusion: 'failure', title: AUDIT_FAILED_TITLES[audit], summary, annotations: [] };
}
