/**
 * Events the app cannot act for: without an installation (a webhook of the app itself, or of a GitHub App
 * manifest flow) or without a repository, nothing is asked of GitHub and nothing fails; the log says why.
 */
import { describe, expect, it } from '@jest/globals';
import { deliver, fixture, loadApp, withoutNetwork } from './harness.js';

describe('events without an installation or a repository', () => {
  const network = withoutNetwork();

  it.each([
    ['installation', 'pull_request.opened', 'pull_request'],
    ['repository', 'pull_request.opened', 'pull_request'],
    ['installation', 'push', 'push'],
  ])('without %s: ignored, with a warning, and no API call', async (missing, name, event) => {
    const probot = await loadApp();
    const warnings: Array<{ fields: unknown; message: string }> = [];
    probot.log.warn = ((fields: unknown, message: string) => void warnings.push({ fields, message })) as never;
    const payload = fixture<Record<string, unknown>>(name);
    delete payload[missing];
    await expect(deliver(probot, event, payload)).resolves.toBeUndefined();
    expect(network.log.requests).toEqual([]);
    expect(warnings.map((w) => w.message)).toEqual(['event without installation or repository; ignored']);
  });
});
