import { describe, expect, it } from '@jest/globals';
import { RecordingPublisher } from '../../src/action/publisher.js';
import type { CheckPublisher, CheckRunTarget, ListedRun, PublishResult } from '../../src/github/checks.js';
import type { CheckOutput } from '../../src/present/check-run.js';

const target = {
  installationId: 0,
  repository: { owner: 'acme', repo: 'shop' },
  headSha: 'a'.repeat(40),
  externalId: '7',
} as unknown as CheckRunTarget;
const output: CheckOutput = {
  conclusion: 'failure',
  title: 'M change (120 lines) · 1 file without tests',
  summary: '| Rule | Status | Found | What to do |',
  text: '### Findings (1)',
  annotations: [
    {
      path: 'src/cart.ts',
      start_line: 3,
      end_line: 3,
      annotation_level: 'warning',
      title: 'tests: Source changed without tests',
      message: 'src/cart.ts changed',
    },
  ],
};

/** A check-run publisher whose writes succeed, or are refused with the given status. */
function inner(refuseWith?: number): CheckPublisher & { published: CheckOutput[]; remembered: number[] } {
  const published: CheckOutput[] = [];
  const remembered: number[] = [];
  return {
    published,
    remembered,
    async publish(_target: CheckRunTarget, out: CheckOutput): Promise<PublishResult> {
      if (refuseWith !== undefined) throw Object.assign(new Error('Resource not accessible by integration'), { status: refuseWith });
      published.push(out);
      return { id: 42, action: 'created', writes: 1, htmlUrl: 'https://github.com/acme/shop/runs/42' };
    },
    remember: (_target, id) => void remembered.push(id),
    find: async (): Promise<ListedRun | undefined> => undefined,
    knows: () => false,
  };
}

describe('the Action’s recording publisher', () => {
  it('publishes through the check-run publisher and records what it was given, with the run’s page', async () => {
    const through = inner();
    const recorder = new RecordingPublisher(through, () => undefined);
    await expect(recorder.publish(target, output)).resolves.toMatchObject({ id: 42, action: 'created' });
    expect(through.published).toEqual([output]);
    expect(recorder.runs).toEqual([
      {
        id: 42,
        name: 'monoenv',
        headSha: target.headSha,
        status: 'completed',
        conclusion: 'failure',
        title: output.title,
        summary: output.summary,
        text: output.text,
        annotations: output.annotations,
        htmlUrl: 'https://github.com/acme/shop/runs/42',
        published: true,
      },
    ]);
    recorder.remember(target, 9);
    expect(through.remembered).toEqual([9]);
  });

  it('keeps the verdict unpublished when the token may not write checks, says so once, and sends no more writes', async () => {
    const through = inner(403);
    let refusals = 0;
    const recorder = new RecordingPublisher(through, () => refusals++);
    const first = await recorder.publish(target, output);
    const second = await recorder.publish({ ...target, headSha: 'b'.repeat(40) }, { ...output, conclusion: 'success' });
    expect(refusals).toBe(1);
    expect([first.id, second.id]).toEqual([-1, -2]);
    expect(recorder.runs.map((r) => [r.id, r.conclusion, r.published, r.annotations.length])).toEqual([
      [-1, 'failure', false, 1],
      [-2, 'success', false, 1],
    ]);
  });

  it('lets any other failure through', async () => {
    const recorder = new RecordingPublisher(inner(502), () => undefined);
    await expect(recorder.publish(target, output)).rejects.toMatchObject({ status: 502 });
    expect(recorder.runs).toEqual([]);
  });
});
