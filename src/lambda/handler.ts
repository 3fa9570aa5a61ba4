/**
 * monoenv on AWS Lambda, behind API Gateway (REST or HTTP API) or a function URL.
 *
 * Written on Probot 14's own `webhooks.verifyAndReceive` rather than @probot/adapter-aws-lambda-serverless,
 * which depends on Probot 13. Each invocation verifies the signature over the exact bytes GitHub sent and
 * awaits the app's handlers before answering: Lambda freezes the process once the handler returns, so
 * work left running would stall until the next invocation, or never finish.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createProbot, type ApplicationFunction, type Probot } from 'probot';
import type { Options } from 'probot';

/** The events API Gateway v1 (REST), v2 (HTTP API) and function URLs deliver; function URLs use the v2 shape. */
export type LambdaHttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
export type LambdaHttpResult = APIGatewayProxyResult & APIGatewayProxyStructuredResultV2;

export interface LambdaHandlerOptions {
  /** Environment to read Probot's settings from (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST, LOG_LEVEL …). */
  env?: NodeJS.ProcessEnv;
  /** Probot options that win over the environment (tests pass a logger or an Octokit class here). */
  overrides?: Options;
}

/** Header names are case-insensitive; API Gateway v1 keeps the sender's case, v2 lowercases them. */
function lowercaseHeaders(event: LambdaHttpEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  // REST APIs may carry a header only in multiValueHeaders (e.g. when a test console sends it).
  if ('multiValueHeaders' in event && event.multiValueHeaders) {
    for (const [name, values] of Object.entries(event.multiValueHeaders)) {
      const key = name.toLowerCase();
      if (headers[key] === undefined && values?.length) headers[key] = values[0];
    }
  }
  return headers;
}

function methodOf(event: LambdaHttpEvent): string {
  return 'httpMethod' in event ? event.httpMethod : event.requestContext.http.method;
}

function pathOf(event: LambdaHttpEvent): string {
  return 'rawPath' in event ? event.rawPath : event.path;
}

/** The body exactly as GitHub sent it: the signature is computed over these bytes. */
function rawBody(event: LambdaHttpEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

const reply = (statusCode: number, body: unknown): LambdaHttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The status an error from verifyAndReceive asks for: 400 for a bad signature or body, 500 for a failed handler. */
function statusOf(error: unknown): { status: number; message: string } {
  const first = error instanceof AggregateError && error.errors.length > 0 ? (error.errors[0] as unknown) : error;
  const status = typeof (first as { status?: unknown })?.status === 'number' ? (first as { status: number }).status : 500;
  const message = first instanceof Error ? first.message : String(first);
  // A handler's own GitHub API error carries the API's status (403, 404 …); to GitHub's webhook delivery it is
  // still our failure, and a 5xx lets the delivery be retried from the app's settings page.
  return { status: status === 400 ? 400 : 500, message };
}

/**
 * Builds a Lambda handler for a Probot app. Probot and the app are created once per container, on the first
 * invocation, and reused by the invocations that follow. What they remember saves API calls; containers are
 * replicas, so they share the publish lock through `REDIS_URL` (docs/deploy.md, section 6).
 */
export function createLambdaHandler(appFn: ApplicationFunction, options: LambdaHandlerOptions = {}) {
  let loaded: Promise<Probot> | undefined;
  const probotReady = (): Promise<Probot> => {
    loaded ??= (async () => {
      const probot = createProbot({ env: options.env ?? process.env, overrides: options.overrides });
      await probot.load(appFn, { cwd: process.cwd(), addHandler: () => undefined });
      return probot;
    })().catch((error: unknown) => {
      // A failed start (a bad key, say) must not be cached: the next invocation tries again.
      loaded = undefined;
      throw error;
    });
    return loaded;
  };

  return async function handler(event: LambdaHttpEvent): Promise<LambdaHttpResult> {
    const method = methodOf(event);
    if (method === 'GET' && pathOf(event).endsWith('/ping')) {
      return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'PONG' };
    }
    if (method !== 'POST') return reply(405, { error: `${method} not allowed: GitHub delivers webhooks with POST` });

    const headers = lowercaseHeaders(event);
    const name = headers['x-github-event'];
    const id = headers['x-github-delivery'];
    const signature = headers['x-hub-signature-256'];
    const missing = [
      ['x-github-event', name],
      ['x-github-delivery', id],
      ['x-hub-signature-256', signature],
    ]
      .filter(([, value]) => !value)
      .map(([header]) => header);
    if (missing.length > 0) return reply(400, { error: `missing header${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}` });

    const probot = await probotReady();
    try {
      await probot.webhooks.verifyAndReceive({
        id: id,
        name: name,
        payload: rawBody(event),
        signature: signature,
      });
    } catch (error) {
      const { status, message } = statusOf(error);
      probot.log.error({ err: error, event: name, id }, 'webhook failed');
      return reply(status, { error: message });
    }
    return reply(200, { ok: true, id });
  };
}
