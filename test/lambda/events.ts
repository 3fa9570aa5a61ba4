/** Recorded Lambda event shapes (API Gateway REST, HTTP API, function URL) filled with a signed GitHub delivery. */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LambdaHttpEvent } from '../../src/lambda/handler.js';

export type EventShape = 'api-gateway-rest' | 'http-api-v2' | 'function-url';
export const EVENT_SHAPES: EventShape[] = ['api-gateway-rest', 'http-api-v2', 'function-url'];

export const WEBHOOK_SECRET = 'lambda-webhook-secret';

/** A fresh RSA key per test file: Probot needs a well-formed key to build its app client. */
export function testPrivateKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

export const sign = (body: string, secret = WEBHOOK_SECRET): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export interface Delivery {
  name: string;
  body: string;
  id?: string;
  signature?: string;
  base64?: boolean;
}

/** The recorded event of `shape`, carrying `delivery` as API Gateway or the function URL would. */
export function lambdaEvent(shape: EventShape, delivery: Delivery): LambdaHttpEvent & { isBase64Encoded: boolean } {
  const template = readFileSync(new URL(`./events/${shape}.json`, import.meta.url), 'utf8');
  const event = JSON.parse(template) as LambdaHttpEvent & { isBase64Encoded: boolean };
  const id = delivery.id ?? randomUUID();
  const signature = delivery.signature ?? sign(delivery.body);
  const sha1 = `sha1=${createHmac('sha1', WEBHOOK_SECRET).update(delivery.body).digest('hex')}`;
  const fill = (value: string): string =>
    value
      .replace('__DELIVERY__', id)
      .replace('__EVENT__', delivery.name)
      .replace('__SIGNATURE_SHA1__', sha1)
      .replace('__SIGNATURE__', signature)
      .replace('__LENGTH__', String(Buffer.byteLength(delivery.body)));
  const fillAll = (headers: Record<string, unknown> | null | undefined): void => {
    for (const [name, value] of Object.entries(headers ?? {})) {
      headers![name] = Array.isArray(value) ? value.map((v) => fill(String(v))) : fill(String(value));
    }
  };
  fillAll(event.headers);
  if ('multiValueHeaders' in event) fillAll(event.multiValueHeaders);
  const base64 = delivery.base64 ?? event.isBase64Encoded;
  event.isBase64Encoded = base64;
  event.body = base64 ? Buffer.from(delivery.body, 'utf8').toString('base64') : delivery.body;
  return event;
}
