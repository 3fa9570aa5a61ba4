/**
 * Findings → GitHub check-run annotations, within GitHub's limits: 50 annotations per request (the
 * adapter sends `batchAnnotations` one update at a time), titles of at most 255 characters, messages and
 * raw details of at most 64 KB.
 */
import type { Finding, Level } from '../engine/report.js';
import { sortFindings, truncateTo, truncateUtf8 } from './markdown.js';

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
  raw_details?: string;
}

export const ANNOTATIONS_PER_REQUEST = 50;
/**
 * GitHub sets no total, but thousands of annotations bury the few that matter and cost one request per 50;
 * past this many the rest stay in the check run's text.
 */
export const MAX_ANNOTATIONS = 1_000;
const TITLE_CHARACTERS = 255;
const MESSAGE_BYTES = 65_535;

const ANNOTATION_LEVEL: Record<Level, CheckAnnotation['annotation_level']> = {
  notice: 'notice',
  warning: 'warning',
  error: 'failure',
};

export interface AnnotationPlan {
  /** Most severe first, then by path and line; at most the cap. */
  annotations: CheckAnnotation[];
  /** Findings with a place that the cap left out. */
  cut: number;
  /** Findings with no file to annotate (they appear in the summary only). */
  unplaced: number;
}

/** GitHub counts the title's limit in characters, not bytes. */
const codePoints = (text: string): number => Array.from(text).length;

function toAnnotation(finding: Finding & { path: string }): CheckAnnotation {
  const placed = finding.startLine !== undefined && finding.startLine >= 1;
  // GitHub requires a line; a finding about a whole file (e.g. a deleted flag check's file) sits on line 1.
  const start = placed ? finding.startLine! : 1;
  const end = placed && finding.endLine !== undefined && finding.endLine >= start ? finding.endLine : start;
  const annotation: CheckAnnotation = {
    path: finding.path.replace(/^(\.\/)+/, ''),
    start_line: start,
    end_line: end,
    annotation_level: ANNOTATION_LEVEL[finding.level],
    title: truncateTo(`${finding.rule}: ${finding.title}`.replace(/\s+/g, ' ').trim(), TITLE_CHARACTERS, codePoints),
    message: truncateUtf8(placed ? finding.message : `(whole file) ${finding.message}`, MESSAGE_BYTES),
  };
  if (finding.suggestion !== undefined) annotation.raw_details = truncateUtf8(finding.suggestion, MESSAGE_BYTES);
  return annotation;
}

/** The findings that have a file, as annotations: most severe first, capped. */
export function toAnnotations(findings: readonly Finding[], cap: number = MAX_ANNOTATIONS): AnnotationPlan {
  const placed = sortFindings(findings).filter((f): f is Finding & { path: string } => f.path !== undefined && f.path !== '');
  const kept = placed.slice(0, Math.max(0, cap));
  return {
    annotations: kept.map(toAnnotation),
    cut: placed.length - kept.length,
    unplaced: findings.length - placed.length,
  };
}

/** Successive batches of at most `size` (GitHub takes 50 annotations per create or update request). */
export function batchAnnotations<T>(list: readonly T[], size: number = ANNOTATIONS_PER_REQUEST): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
  const batches: T[][] = [];
  for (let i = 0; i < list.length; i += size) batches.push(list.slice(i, i + size));
  return batches;
}
