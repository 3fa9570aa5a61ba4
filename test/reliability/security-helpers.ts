/** Raw webhook deliveries (any signature or none) and a merged-without-review event. */
import { randomUUID } from 'node:crypto';
import { pullRequestEvent, type Emulator } from '../../tools/emulator/index.js';
import type { PullSpec } from './scenario.js';

/** POSTs a webhook body as is, with `x-hub-signature-256` only when given. */
export async function sendRaw(appUrl: string, name: string, body: string, signature: string | undefined): Promise<number> {
  const response = await fetch(`${appUrl}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': name,
      'x-github-delivery': randomUUID(),
      ...(signature === undefined
        ? { 'x-hub-signature': 'sha1=0000000000000000000000000000000000000000' }
        : { 'x-hub-signature-256': signature }),
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

export function mergePullEvent(gh: Emulator, spec: Pick<PullSpec, 'owner' | 'repo' | 'number'>): { name: string; payload: unknown } {
  return pullRequestEvent(gh, { owner: spec.owner, repo: spec.repo, number: spec.number, action: 'closed' });
}
