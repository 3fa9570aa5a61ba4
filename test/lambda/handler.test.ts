import { beforeAll, describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import type { ApplicationFunction, Probot } from 'probot';
import { createLambdaHandler, type LambdaHttpEvent } from '../../src/lambda/handler.js';
import { EVENT_SHAPES, lambdaEvent, sign, testPrivateKey, WEBHOOK_SECRET } from './events.js';

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as Example[];
const exampleOf = (name: string, action?: string): Record<string, unknown> =>
  examples.find((e) => e.name === name)!.examples.find((p) => action === undefined || p.action === action)!;

let env: NodeJS.ProcessEnv;
beforeAll(() => {
  env = { APP_ID: '123456', PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET, LOG_LEVEL: 'fatal' };
});

interface Received {
  id: string;
  name: string;
  payload: unknown;
  finished: boolean;
}

/**
 * These tests are about the transport (the event shapes, the signature, waiting for the handlers), so the app
 * here records what Probot hands it; the real app behind this handler is exercised in lambda-app.test.ts.
 */
function recordingApp(options: { delayMs?: number; fail?: Error } = {}): {
  app: ApplicationFunction;
  received: Received[];
  loads: number[];
} {
  const received: Received[] = [];
  const loads: number[] = [];
  const app = (probot: Probot) => {
    loads.push(Date.now());
    probot.onAny(async (context) => {
      const entry: Received = { id: context.id, name: context.name, payload: context.payload, finished: false };
      received.push(entry);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
      if (options.fail) throw options.fail;
      entry.finished = true;
    });
  };
  return { app, received, loads };
}

describe('Lambda handler', () => {
  const body = JSON.stringify(exampleOf('pull_request', 'opened'));

  for (const shape of EVENT_SHAPES) {
    for (const base64 of [false, true]) {
      it(`verifies and delivers a ${shape} event (${base64 ? 'base64' : 'plain'} body) to the app, and answers 200`, async () => {
        const { app, received } = recordingApp();
        const handler = createLambdaHandler(app, { env });
        const event = lambdaEvent(shape, { name: 'pull_request', body, id: `delivery-${shape}`, base64 });
        const result = await handler(event);
        expect(result).toEqual({
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ok: true, id: `delivery-${shape}` }),
        });
        expect(received).toEqual([{ id: `delivery-${shape}`, name: 'pull_request', payload: JSON.parse(body), finished: true }]);
      });
    }
  }

  it('reads headers whatever their case, and from multiValueHeaders when a REST API only has them there', async () => {
    const { app, received } = recordingApp();
    const handler = createLambdaHandler(app, { env });
    const event = lambdaEvent('api-gateway-rest', { name: 'push', body: JSON.stringify(exampleOf('push')) }) as LambdaHttpEvent & {
      headers: Record<string, string>;
    };
    expect(Object.keys(event.headers)).toContain('X-GitHub-Event');
    const signature = event.headers['X-Hub-Signature-256'];
    delete event.headers['X-Hub-Signature-256'];
    expect(event.headers['x-hub-signature-256']).toBeUndefined();
    expect((await handler(event)).statusCode).toBe(200);
    expect(received.map((r) => r.name)).toEqual(['push']);
    expect(signature).toBe(sign(JSON.stringify(exampleOf('push'))));
  });

  it('decodes a base64 body as UTF-8, so a title with accents and emoji still matches its signature', async () => {
    const { app, received } = recordingApp();
    const handler = createLambdaHandler(app, { env });
    const payload = exampleOf('pull_request', 'opened') as { pull_request: { title: string } };
    const unicodeBody = JSON.stringify({ ...payload, pull_request: { ...payload.pull_request, title: 'Größenprüfung für Zahlungen 🚀' } });
    expect((await handler(lambdaEvent('http-api-v2', { name: 'pull_request', body: unicodeBody, base64: true }))).statusCode).toBe(200);
    expect((received[0].payload as typeof payload).pull_request.title).toBe('Größenprüfung für Zahlungen 🚀');
  });

  it('rejects a wrong signature with 400 and never runs the app', async () => {
    const { app, received } = recordingApp();
    const handler = createLambdaHandler(app, { env });
    const event = lambdaEvent('function-url', { name: 'pull_request', body, signature: sign(body, 'another secret') });
    const result = await handler(event);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error: '[@octokit/webhooks] signature does not match event payload and secret' });
    expect(received).toEqual([]);
  });

  it('verifies the bytes GitHub sent: the same JSON re-serialised by a proxy no longer matches', async () => {
    const { app, received } = recordingApp();
    const handler = createLambdaHandler(app, { env });
    const event = lambdaEvent('http-api-v2', { name: 'pull_request', body, signature: sign(body), base64: false });
    event.body = JSON.stringify(JSON.parse(body), null, 2);
    expect((await handler(event)).statusCode).toBe(400);
    expect(received).toEqual([]);
  });

  it("answers only after the app's handlers have finished, since Lambda freezes the process on return", async () => {
    const { app, received } = recordingApp({ delayMs: 150 });
    const handler = createLambdaHandler(app, { env });
    const started = Date.now();
    const result = await handler(lambdaEvent('function-url', { name: 'pull_request', body }));
    expect(result.statusCode).toBe(200);
    expect(received[0].finished).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers 500 with the reason when a handler fails, so the delivery shows as failed and can be redelivered', async () => {
    const { app } = recordingApp({ fail: Object.assign(new Error('Resource not accessible by integration'), { status: 403 }) });
    const handler = createLambdaHandler(app, { env });
    const result = await handler(lambdaEvent('api-gateway-rest', { name: 'pull_request', body }));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ error: 'Resource not accessible by integration' });
  });

  it('names the missing GitHub headers in a 400', async () => {
    const { app } = recordingApp();
    const handler = createLambdaHandler(app, { env });
    const event = lambdaEvent('function-url', { name: 'pull_request', body }) as LambdaHttpEvent & { headers: Record<string, string> };
    delete event.headers['x-github-delivery'];
    delete event.headers['x-hub-signature-256'];
    const result = await handler(event);
    expect(result).toMatchObject({
      statusCode: 400,
      body: JSON.stringify({ error: 'missing headers: x-github-delivery, x-hub-signature-256' }),
    });
  });

  it('answers GET /ping for health checks and refuses other methods', async () => {
    const { app, received } = recordingApp();
    const handler = createLambdaHandler(app, { env });
    const ping = lambdaEvent('function-url', { name: 'ping', body: '' }) as LambdaHttpEvent & {
      rawPath: string;
      requestContext: { http: { method: string } };
    };
    ping.rawPath = '/ping';
    ping.requestContext.http.method = 'GET';
    expect(await handler(ping)).toEqual({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'PONG' });
    const put = lambdaEvent('api-gateway-rest', { name: 'pull_request', body }) as LambdaHttpEvent & { httpMethod: string };
    put.httpMethod = 'PUT';
    expect((await handler(put)).statusCode).toBe(405);
    expect(received).toEqual([]);
  });

  it('loads the app once per container and reuses it across invocations', async () => {
    const { app, received, loads } = recordingApp();
    const handler = createLambdaHandler(app, { env });
    for (const shape of EVENT_SHAPES) expect((await handler(lambdaEvent(shape, { name: 'pull_request', body }))).statusCode).toBe(200);
    expect(loads).toHaveLength(1);
    expect(received).toHaveLength(3);
  });

  it('tries again on the next invocation when the app failed to load', async () => {
    let attempts = 0;
    const { app: recording, received } = recordingApp();
    const flaky: ApplicationFunction = async (probot, options) => {
      attempts += 1;
      if (attempts === 1) throw new Error('configuration store unreachable');
      await recording(probot, options);
    };
    const handler = createLambdaHandler(flaky, { env });
    await expect(handler(lambdaEvent('function-url', { name: 'pull_request', body }))).rejects.toThrow('configuration store unreachable');
    expect((await handler(lambdaEvent('function-url', { name: 'pull_request', body }))).statusCode).toBe(200);
    expect(attempts).toBe(2);
    expect(received).toHaveLength(1);
  });
});
