/**
 * GitHub's own REST description (@octokit/openapi) as the judge of every request the emulator receives:
 * the route and method must exist, path/query parameters must fit their schemas, and the JSON body must
 * fit the operation's request-body schema. Loaded once per process; one compiled validator per operation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApiDocument {
  paths: Record<string, Record<string, JsonObject>>;
  components: Record<string, Record<string, JsonObject>>;
}

export interface Operation {
  method: string;
  template: string;
  operationId: string;
  /** Validates `{ ...pathParams, ...query }`; query values arrive as strings and are coerced. */
  validateParams: (params: Record<string, unknown>) => string[];
  /** Validates the parsed JSON body; `undefined` means no body was sent. */
  validateBody: (body: unknown) => string[];
}

let document: OpenApiDocument | undefined;
const operations = new Map<string, Operation>();
let knownRoutes: Array<{ method: string; template: string; pattern: RegExp }> | undefined;

function loadDocument(): OpenApiDocument {
  if (!document) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  }
  return document;
}

// ISO 8601 as GitHub accepts it: YYYY-MM-DDTHH:MM:SS(.fff)(Z|±hh:mm)
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

function createAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes, logger: false, validateFormats: true });
  ajv.addFormat('date-time', DATE_TIME);
  // The description uses these as documentation; GitHub itself does not reject on them.
  for (const name of [
    'uri',
    'uri-template',
    'email',
    'date',
    'binary',
    'hostname',
    'ipv4',
    'ipv6',
    'uuid',
    'regex',
    'repo.nwo',
    'ssh-key',
    'ssh-key fingerprint',
    'html',
  ]) {
    ajv.addFormat(name, true);
  }
  return ajv;
}

let bodyAjv: Ajv | undefined;
let paramAjv: Ajv | undefined;

/** Copies `schema` with every local `$ref` replaced by its target; a recursive reference becomes `{}`. */
function inlineRefs(schema: Json, seen: string[] = []): Json {
  if (Array.isArray(schema)) return schema.map((item) => inlineRefs(item, seen));
  if (schema === null || typeof schema !== 'object') return schema;
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    if (seen.includes(ref)) return {};
    return inlineRefs(resolvePointer(ref), [...seen, ref]);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    // Examples and descriptions are large and irrelevant to validation.
    if (key === 'example' || key === 'examples' || key === 'description') continue;
    out[key] = inlineRefs(value, seen);
  }
  return out;
}

function resolvePointer(ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`Unsupported $ref ${ref}`);
  let node: Json = loadDocument() as unknown as Json;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as JsonObject)[key];
    if (node === undefined) throw new Error(`Dangling $ref ${ref}`);
  }
  return node;
}

export function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  if (!errors) return [];
  return errors
    .filter((error) => error.keyword !== 'if')
    .map((error) => {
      const where = error.instancePath === '' ? 'the body' : `'${error.instancePath.slice(1).replace(/\//g, '.')}'`;
      if (error.keyword === 'enum') {
        return `For ${where}, value is not a member of enum ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}.`;
      }
      if (error.keyword === 'required') {
        return `For ${where}, "${(error.params as { missingProperty: string }).missingProperty}" wasn't supplied.`;
      }
      return `For ${where}, ${error.message ?? error.keyword}.`;
    });
}

function compile(ajv: Ajv, schema: Json): ValidateFunction {
  return ajv.compile(schema as object);
}

/** The operation for `method template`, or undefined when GitHub has no such route. */
export function findOperation(method: string, template: string): Operation | undefined {
  const key = `${method} ${template}`;
  const cached = operations.get(key);
  if (cached) return cached;
  const doc = loadDocument();
  const raw = doc.paths[template]?.[method.toLowerCase()];
  if (!raw) return undefined;

  const parameters = ((raw.parameters ?? []) as Json[]).map((p) => inlineRefs(p) as JsonObject);
  const paramProperties: JsonObject = {};
  const requiredParams: string[] = [];
  for (const parameter of parameters) {
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;
    const name = parameter.name as string;
    paramProperties[name] = parameter.schema ?? {};
    if (parameter.required === true) requiredParams.push(name);
  }
  let paramValidator: ValidateFunction | undefined;
  const validateParams = (params: Record<string, unknown>): string[] => {
    paramValidator ??= compile((paramAjv ??= createAjv(true)), { type: 'object', properties: paramProperties, required: requiredParams });
    const copy = { ...params };
    return paramValidator(copy) ? [] : formatErrors(paramValidator.errors).map((m) => m.replace('the body', 'the parameters'));
  };

  const requestBody = raw.requestBody as JsonObject | undefined;
  const content = requestBody?.content as JsonObject | undefined;
  const jsonSchema = (content?.['application/json'] as JsonObject | undefined)?.schema;
  const bodyRequired = requestBody?.required === true;
  let bodyValidator: ValidateFunction | undefined;
  const validateBody = (body: unknown): string[] => {
    if (body === undefined) return bodyRequired ? ['A request body is required.'] : [];
    if (jsonSchema === undefined) return [];
    bodyValidator ??= compile((bodyAjv ??= createAjv(false)), inlineRefs(jsonSchema));
    return bodyValidator(body) ? [] : formatErrors(bodyValidator.errors);
  };

  const operation: Operation = {
    method,
    template,
    operationId: String((raw.operationId as string | undefined) ?? key),
    validateParams,
    validateBody,
  };
  operations.set(key, operation);
  return operation;
}

/** For a request that matched no emulated route: the GitHub route it would hit, if any. */
export function matchKnownRoute(method: string, path: string): string | undefined {
  if (!knownRoutes) {
    knownRoutes = [];
    for (const [template, item] of Object.entries(loadDocument().paths)) {
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
      const pattern = new RegExp(`^${source}$`);
      for (const m of Object.keys(item)) knownRoutes.push({ method: m.toUpperCase(), template, pattern });
    }
  }
  return knownRoutes.find((route) => route.method === method && route.pattern.test(path))?.template;
}
