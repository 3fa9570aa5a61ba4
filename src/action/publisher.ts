/**
 * The Action's publisher: the App's check-run publisher, recording what it is given so the Action can report
 * it (outputs, job summary, the job's conclusion). When the workflow's token may not write check runs (a
 * read-only token on a fork's pull request, or `permissions` without `checks: write`), the verdict is kept
 * here instead and shown as workflow annotations.
 */
import type { CheckPublisher, CheckRunTarget, ListedRun, PublishResult } from '../github/checks.js';
import { CHECK_NAME } from '../github/checks.js';
import type { CheckOutput } from '../present/check-run.js';
import type { CheckAnnotation } from '../present/annotations.js';

/** What the handlers published to one check run, as the Action saw it. */
export interface CheckRunRecord {
  /** GitHub's id, or a negative number for a run the token could not create. */
  id: number;
  name: string;
  headSha: string;
  status: 'completed';
  conclusion: CheckOutput['conclusion'];
  title: string;
  summary: string;
  text?: string;
  annotations: CheckAnnotation[];
  htmlUrl?: string;
  /** False when GitHub refused the write for lack of permission and the Action shows the run itself. */
  published: boolean;
}

const refusedForPermission = (error: unknown): boolean => (error as { status?: number }).status === 403;

export class RecordingPublisher implements CheckPublisher {
  readonly #runs = new Map<number, CheckRunRecord>();
  /** Set at the first refusal: later writes are not sent, they would be refused too. */
  #refused = false;
  #nextLocalId = -1;

  constructor(
    private readonly inner: CheckPublisher,
    /** Called once, at the first refusal. */
    private readonly onRefused: () => void,
  ) {}

  get runs(): CheckRunRecord[] {
    return [...this.#runs.values()];
  }

  async publish(target: CheckRunTarget, output: CheckOutput): Promise<PublishResult> {
    if (!this.#refused) {
      try {
        const result = await this.inner.publish(target, output);
        this.#record(result.id, target, output, result.htmlUrl, true);
        return result;
      } catch (error) {
        if (!refusedForPermission(error)) throw error;
        this.#refused = true;
        this.onRefused();
      }
    }
    const id = this.#nextLocalId--;
    this.#record(id, target, output, undefined, false);
    return { id, action: 'created', writes: 0 };
  }

  async publishFrom(target: CheckRunTarget, produce: () => Promise<CheckOutput>): Promise<{ result: PublishResult; output: CheckOutput }> {
    let produced: CheckOutput | undefined;
    if (!this.#refused && this.inner.publishFrom !== undefined) {
      try {
        const { result, output } = await this.inner.publishFrom(target, async () => (produced = await produce()));
        this.#record(result.id, target, output, result.htmlUrl, true);
        return { result, output };
      } catch (error) {
        if (!refusedForPermission(error) || produced === undefined) throw error;
        this.#refused = true;
        this.onRefused();
      }
    }
    const output = produced ?? (await produce());
    return { result: await this.publish(target, output), output };
  }

  remember(target: CheckRunTarget, id: number, annotationsCount?: number): void {
    this.inner.remember(target, id, annotationsCount);
  }

  find(target: CheckRunTarget, options?: { anyKey?: boolean }): Promise<ListedRun | undefined> {
    return this.inner.find(target, options);
  }

  knows(target: CheckRunTarget): boolean {
    return this.inner.knows(target);
  }

  #record(id: number, target: CheckRunTarget, output: CheckOutput, htmlUrl: string | undefined, published: boolean): void {
    this.#runs.set(id, {
      id,
      name: CHECK_NAME,
      headSha: target.headSha,
      status: 'completed',
      conclusion: output.conclusion,
      title: output.title,
      summary: output.summary,
      ...(output.text === undefined ? {} : { text: output.text }),
      annotations: output.annotations,
      ...(htmlUrl === undefined ? {} : { htmlUrl }),
      published,
    });
  }
}
