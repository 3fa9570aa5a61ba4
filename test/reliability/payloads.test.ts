/**
 * Webhook payloads with optional fields missing: the real example payloads of @octokit/webhooks-examples,
 * with random subsets of the properties that GitHub's schema (@octokit/webhooks-schemas) leaves optional
 * removed, and of the nullable ones set to null, at any depth. Each is delivered to a fresh app, with every
 * GitHub request answered by a catch-all (so the test does not depend on which calls a payload leads to).
 * The app must not throw out of `receive`, must leave no check run `in_progress`, and must create at most
 * one check run per commit per delivery. `PAYLOAD_RUNS=500 npx jest test/reliability/payloads` goes further.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import nock from 'nock';
import { createRequire } from 'node:module';
import { API, APP_ID, deliver, loadApp, withoutNetwork } from '../github/harness.js';

const RUNS = Number(process.env.PAYLOAD_RUNS ?? 30);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
}

const require = createRequire(import.meta.url);
const SCHEMA = require('@octokit/webhooks-schemas') as { definitions: Record<string, SchemaNode> };
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{ name: string; examples: JsonObject[] }>;

// ---------------------------------------------------------------------------------------------------------
// Which properties of a payload the schema lets GitHub leave out, or send as null.

function resolve(node: SchemaNode): SchemaNode {
  let current = node;
  while (current.$ref !== undefined) {
    const name = current.$ref.replace(/^#\/definitions\//, '');
    const target = SCHEMA.definitions[name];
    if (target === undefined) throw new Error(`unresolved $ref ${current.$ref}`);
    current = target;
  }
  return current;
}

function jsonType(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function typesOf(node: SchemaNode): string[] | undefined {
  const resolved = resolve(node);
  if (resolved.type !== undefined) return Array.isArray(resolved.type) ? resolved.type : [resolved.type];
  const parts = [...(resolved.allOf ?? []), ...(resolved.oneOf ?? [])];
  if (parts.length === 0) return undefined;
  const types = parts.map(typesOf);
  return types.includes(undefined) ? undefined : [...new Set(types.flat() as string[])];
}

function admits(node: SchemaNode, value: Json): boolean {
  const types = typesOf(node);
  if (types === undefined) return true;
  const type = jsonType(value);
  return types.includes(type) || (type === 'number' && types.includes('integer') && Number.isInteger(value));
}

/** The object schemas that apply to a value: `$ref`s followed, `allOf` joined, the `oneOf` branch it matches. */
function applicable(node: SchemaNode, value: Json): SchemaNode[] {
  const resolved = resolve(node);
  const own: SchemaNode[] =
    resolved.properties !== undefined || resolved.required !== undefined || resolved.items !== undefined ? [resolved] : [];
  const joined = (resolved.allOf ?? []).flatMap((part) => applicable(part, value));
  let chosen: SchemaNode[] = [];
  if (resolved.oneOf !== undefined) {
    const candidates = resolved.oneOf.filter((branch) => admits(branch, value));
    const keys = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    // Among object branches, the one whose required keys the value has (and which knows all its keys).
    const fits = (branch: SchemaNode) => {
      const parts = applicable(branch, value);
      const required = parts.flatMap((p) => p.required ?? []);
      const closed = parts.length > 0 && parts.every((p) => p.additionalProperties === false);
      return required.every((k) => keys.includes(k)) && (!closed || keys.every((k) => parts.some((p) => p.properties?.[k] !== undefined)));
    };
    const best = candidates.find(fits) ?? candidates[0];
    if (best !== undefined) chosen = applicable(best, value);
  }
  return [...own, ...joined, ...chosen];
}

function nullable(node: SchemaNode): boolean {
  const types = typesOf(node);
  return types !== undefined && types.includes('null');
}

type PathStep = string | number;
/** One way to take a field away: leave it out (optional), or send it as null (nullable). */
interface Omission {
  path: PathStep[];
  as: 'absent' | 'null';
}

/** Every optional or nullable property present in `value` (array items: the first three of each array). */
function omissions(schemas: SchemaNode[], value: Json, path: PathStep[] = [], into: Omission[] = []): Omission[] {
  if (value === null || typeof value !== 'object') return into;
  const parts = schemas.flatMap((s) => applicable(s, value));
  if (Array.isArray(value)) {
    const items = parts.flatMap((p) => (p.items === undefined ? [] : [p.items]));
    if (items.length > 0) value.slice(0, 3).forEach((item, i) => omissions(items, item, [...path, i], into));
    return into;
  }
  const required = new Set(parts.flatMap((p) => p.required ?? []));
  for (const [key, child] of Object.entries(value)) {
    const declared = parts.flatMap((p) => (p.properties?.[key] === undefined ? [] : [p.properties[key]]));
    if (declared.length === 0) continue;
    const at = [...path, key];
    if (!required.has(key)) into.push({ path: at, as: 'absent' });
    if (child !== null && declared.every(nullable)) into.push({ path: at, as: 'null' });
    omissions(declared, child, at, into);
  }
  return into;
}

/** The payload with the omissions applied, outermost first (one inside a removed field does nothing). */
function without(payload: JsonObject, chosen: readonly Omission[]): JsonObject {
  const copy = structuredClone(payload);
  for (const { path, as } of [...chosen].sort((a, b) => a.path.length - b.path.length)) {
    let parent: Json = copy;
    for (const step of path.slice(0, -1)) {
      parent = parent !== null && typeof parent === 'object' ? ((parent as Record<PathStep, Json>)[step] ?? null) : null;
    }
    if (parent === null || typeof parent !== 'object') continue;
    const last = path[path.length - 1];
    const holder = parent as Record<PathStep, Json>;
    if (!(last in holder)) continue;
    if (as === 'null') holder[last] = null;
    else if (Array.isArray(holder)) continue;
    else delete holder[last];
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------------------
// The events the app handles, from the real examples; where no example reaches the app's own path (a merged
// PR, an `edited` action, a run of this app), the nearest example with the fields GitHub sends for it.

const INSTALLATION = { id: 2, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };

function examplesOf(name: string, action?: string): JsonObject[] {
  const found = EXAMPLES.find((e) => e.name === name)?.examples ?? [];
  return found.filter((p) => action === undefined || p.action === action).map((p) => structuredClone(p));
}

const installed = (payload: JsonObject): JsonObject => ({ ...payload, installation: payload.installation ?? INSTALLATION });
const pullOf = (payload: JsonObject) => payload.pull_request as JsonObject;

interface EventCase {
  label: string;
  name: string;
  definition: string;
  bases: JsonObject[];
}

const CASES: EventCase[] = [
  {
    label: 'pull_request.opened',
    name: 'pull_request',
    definition: 'pull_request$opened',
    bases: examplesOf('pull_request', 'opened').map(installed),
  },
  {
    label: 'pull_request.synchronize',
    name: 'pull_request',
    definition: 'pull_request$synchronize',
    bases: examplesOf('pull_request', 'synchronize').map(installed),
  },
  {
    label: 'pull_request.edited',
    name: 'pull_request',
    definition: 'pull_request$edited',
    bases: examplesOf('pull_request', 'opened').map((p) =>
      installed({ ...p, action: 'edited', changes: { title: { from: 'Update the READNE' }, body: { from: '' } } }),
    ),
  },
  {
    label: 'pull_request.labeled',
    name: 'pull_request',
    definition: 'pull_request$labeled',
    bases: examplesOf('pull_request', 'labeled').map(installed),
  },
  {
    label: 'pull_request.closed (merged)',
    name: 'pull_request',
    definition: 'pull_request$closed',
    bases: examplesOf('pull_request', 'closed').map((p) => {
      const pr = pullOf(p);
      return installed({
        ...p,
        pull_request: {
          ...pr,
          merged: true,
          merged_at: pr.closed_at,
          merge_commit_sha: 'c4295bd74fb0f4fda03689c3df3f2803b658fd85',
          merged_by: pr.user,
          mergeable: null,
          mergeable_state: 'unknown',
        },
      });
    }),
  },
  {
    label: 'pull_request_review.submitted',
    name: 'pull_request_review',
    definition: 'pull_request_review$submitted',
    bases: examplesOf('pull_request_review', 'submitted').map(installed),
  },
  // Only pushes to the default branch are audited.
  {
    label: 'push (default branch)',
    name: 'push',
    definition: 'push$event',
    bases: examplesOf('push')
      .filter((p) => p.ref === `refs/heads/${(p.repository as JsonObject).default_branch as string}`)
      .map(installed),
  },
  {
    label: 'check_run.rerequested',
    name: 'check_run',
    definition: 'check_run$rerequested',
    bases: examplesOf('check_run', 'rerequested').map((p) => {
      const run = p.check_run as JsonObject;
      return installed({ ...p, check_run: { ...run, name: 'monoenv', external_id: '2', app: { ...(run.app as JsonObject), id: APP_ID } } });
    }),
  },
  {
    label: 'check_suite.rerequested',
    name: 'check_suite',
    definition: 'check_suite$rerequested',
    bases: examplesOf('check_suite', 'rerequested').map((p) => {
      const suite = p.check_suite as JsonObject;
      return installed({ ...p, check_suite: { ...suite, app: { ...(suite.app as JsonObject), id: APP_ID } } });
    }),
  },
];

// ---------------------------------------------------------------------------------------------------------
// A GitHub that answers any request plausibly: a token, no configuration, empty lists, the example pull
// request, stored check runs, and 404 for anything else.

interface CheckRunWrite {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

const EXAMPLE_PULL = pullOf(examplesOf('pull_request', 'opened')[0]);

function answer(method: string, uri: string, body: unknown, writes: CheckRunWrite[], nextId: () => number): [number, unknown] {
  const path = uri.split('?')[0];
  if (method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
    return [
      201,
      {
        token: 'ghs_test',
        expires_at: '2099-01-01T00:00:00Z',
        permissions: { checks: 'write', contents: 'read', pull_requests: 'write', metadata: 'read' },
      },
    ];
  }
  if (method === 'GET' && path === '/app') return [200, { id: APP_ID, slug: 'monoenv' }];
  const repo = path.match(/^\/repos\/[^/]+\/[^/]+(\/.*)?$/);
  if (repo === null) return [404, { message: 'Not Found' }];
  const rest = repo[1] ?? '';
  const parsed =
    typeof body === 'string' && body !== '' ? (JSON.parse(body) as Record<string, unknown>) : ((body ?? {}) as Record<string, unknown>);
  if (method === 'POST' && rest === '/check-runs') {
    writes.push({ method, path, body: parsed });
    return [201, { id: nextId(), head_sha: parsed.head_sha, status: parsed.status, conclusion: parsed.conclusion }];
  }
  if (method === 'PATCH' && /^\/check-runs\/\d+$/.test(rest)) {
    writes.push({ method, path, body: parsed });
    return [200, { id: Number(rest.split('/')[2]), status: parsed.status, conclusion: parsed.conclusion }];
  }
  if (method === 'GET') {
    if (/^\/commits\/[^/]+\/check-runs$/.test(rest)) return [200, { total_count: 0, check_runs: [] }];
    if (/^\/pulls\/\d+$/.test(rest)) return [200, { ...EXAMPLE_PULL, number: Number(rest.split('/')[2]) }];
    if (
      /^\/pulls\/\d+\/(files|reviews|commits)$/.test(rest) ||
      /^\/commits\/[^/]+\/pulls$/.test(rest) ||
      /^\/issues\/\d+\/comments$/.test(rest)
    )
      return [200, []];
    if (/^\/compare\//.test(rest)) return [200, { files: [], commits: [], total_commits: 0 }];
    return [404, { message: 'Not Found' }];
  }
  if (method === 'POST' && /^\/issues\/\d+\/comments$/.test(rest)) return [201, { id: nextId() }];
  if (method === 'POST' && /^\/issues\/\d+\/labels$/.test(rest)) return [200, []];
  return [404, { message: 'Not Found' }];
}

function answerEverything(writes: CheckRunWrite[]): nock.Scope {
  let id = 5000;
  const scope = nock(API).persist();
  for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
    scope.intercept(/.*/, method).reply(function (uri, body) {
      return answer(method, uri, body, writes, () => ++id) as [number, nock.Body];
    });
  }
  return scope;
}

// ---------------------------------------------------------------------------------------------------------

let ajv: Ajv | undefined;
function validatorFor(definition: string): ValidateFunction {
  if (ajv === undefined) {
    ajv = new Ajv({ strict: false, validateFormats: false, logger: false });
    ajv.addSchema(SCHEMA, 'webhooks');
  }
  const validate = ajv.getSchema(`webhooks#/definitions/${definition}`);
  if (validate === undefined) throw new Error(`no schema for ${definition}`);
  return validate;
}

/**
 * The examples the current schema accepts. A few examples predate fields the schema has since made required
 * (`custom_properties`, `topics`, ...); they are left out, so every generated payload is one GitHub could send.
 */
function validBases(event: EventCase): JsonObject[] {
  const validate = validatorFor(event.definition);
  return event.bases.filter((base) => validate(base));
}

interface Tally {
  deliveries: number;
  omitted: number;
  published: number;
  failures: string[];
}
const tallies = new Map<string, Tally>();

afterAll(() => {
  const lines = [...tallies].map(
    ([label, t]) =>
      `${label}: ${t.deliveries} payloads, ${t.omitted} fields left out or null in all, ${t.published} published a check run, ${t.failures.length} failures`,
  );
  process.stdout.write(`\nwebhook payloads with optional fields missing (${RUNS} runs per event):\n${lines.join('\n')}\n`);
});

describe('webhook payloads with optional fields missing', () => {
  withoutNetwork();

  it.each(CASES.map((c) => [c.label, c] as const))('%s: valid examples, with optional or nullable fields to take away', (_label, event) => {
    const bases = validBases(event);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) {
      const found = omissions([SCHEMA.definitions[event.definition]], base).map(
        (o) => `${o.path.join('.')}${o.as === 'null' ? '=null' : ''}`,
      );
      expect(found.length).toBeGreaterThan(3);
      // Nothing the schema requires is ever taken away, and nothing it does not allow to be null is nulled.
      for (const required of ['action', 'repository', 'repository.name', 'repository.owner', 'repository.owner.login', 'sender'])
        expect(found).not.toContain(required);
      expect(found).not.toContain('repository.owner=null');
      // A fork deleted since: GitHub sends the head repository as null.
      if (event.name === 'pull_request') expect(found).toContain('pull_request.head.repo=null');
    }
  });

  it('a payload without a field the schema requires (pull_request.head) does throw out of receive: the property below can fail', async () => {
    const writes: CheckRunWrite[] = [];
    answerEverything(writes);
    const probot = await loadApp();
    const [base] = validBases(CASES[0]);
    const headless = without(base, [{ path: ['pull_request', 'head'], as: 'absent' }]);
    // Probot gathers the handlers' errors in an AggregateError.
    await expect(deliver(probot, 'pull_request', headless)).rejects.toThrow("Cannot read properties of undefined (reading 'sha')");
    expect(writes).toEqual([]);
  });

  it.each(CASES.map((c) => [c.label, c] as const))(
    '%s: never throws, never leaves a run in progress, creates at most one run per commit',
    async (_label, event) => {
      const tally: Tally = { deliveries: 0, omitted: 0, published: 0, failures: [] };
      tallies.set(event.label, tally);
      const validate = validatorFor(event.definition);
      const cases = validBases(event).map((base) => ({ base, choices: omissions([SCHEMA.definitions[event.definition]], base) }));
      const payloads = fc
        .nat({ max: cases.length - 1 })
        .chain((i) =>
          fc.record({
            base: fc.constant(cases[i].base),
            // A few fields gone, or at least half of those that may go.
            chosen: fc.oneof(
              fc.subarray(cases[i].choices, { maxLength: 3 }),
              fc.subarray(cases[i].choices, { minLength: Math.ceil(cases[i].choices.length / 2) }),
            ),
          }),
        )
        .map(({ base, chosen }) => ({ payload: without(base, chosen), chosen }));

      await fc.assert(
        fc.asyncProperty(payloads, async ({ payload, chosen }) => {
          // Still a payload GitHub could send: the generator only takes what the schema makes optional.
          expect(validate(payload) ? [] : validate.errors).toEqual([]);
          const writes: CheckRunWrite[] = [];
          answerEverything(writes);
          const probot = await loadApp();
          tally.deliveries++;
          tally.omitted += chosen.length;
          try {
            await deliver(probot, event.name, payload, `delivery-${tally.deliveries}`);
          } catch (error) {
            tally.failures.push(
              `${(error as Error).message} without ${chosen.map((o) => `${o.path.join('.')}${o.as === 'null' ? '=null' : ''}`).join(', ')}`,
            );
            throw error;
          } finally {
            nock.cleanAll();
          }
          for (const write of writes.filter((w) => 'status' in w.body)) {
            expect(write.body).toMatchObject({ status: 'completed', conclusion: expect.stringMatching(/^(success|neutral|failure)$/) });
          }
          const created = writes.filter((w) => w.method === 'POST').map((w) => w.body.head_sha);
          expect(created.length).toBe(new Set(created).size);
          if (writes.length > 0) tally.published++;
        }),
        { numRuns: RUNS },
      );
    },
    Math.max(30_000, RUNS * 200),
  );
});
