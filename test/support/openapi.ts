/**
 * Validates values against InvokeAI 6.14.2's OpenAPI document (shared/invokeai/openapi.json) with
 * ajv's JSON Schema 2020-12 dialect, which OpenAPI 3.1 uses (`anyOf` with `{type: 'null'}`).
 * Used by the stand-in's own tests and by the contract suite that runs against both servers.
 *
 *   validateComponent('ImageDTO', dto)                       → { valid, errors }
 *   validateResponse('get', '/api/v1/images/', 200, body)     → { valid, errors }
 *   validateEvent('queue_item_status_changed', payload)       → { valid, errors }
 *
 * Relaxations, each deliberate:
 * 1. Big discriminated unions (the 309 invocations in `Graph.nodes` and event `invocation`, the 112
 *    outputs in `results` / event `result`, the 124 model configs) are `oneOf`s without a usable
 *    discriminator. They are validated against the member(s) whose `const` properties (`type`, and
 *    for models also `base` and `format`) match the value; a value matching no member is an error.
 *    This is oneOf narrowed by discriminator rather than "exactly one of 309 matches", which gives
 *    readable errors and costs one branch instead of all of them.
 * 2. Formats (`date-time`, `path`, …) are not checked: the server's own timestamps are SQLite
 *    strings (`2026-08-19 01:13:04.123`), which the schema allows through `anyOf [date-time, string]`.
 * 3. A 4xx/5xx status the operation does not document (FastAPI leaves out its HTTPExceptions) is
 *    checked against FastAPI's error shape `{detail: ...}` instead of failing as undocumented.
 * 4. Non-JSON responses (image/png, image/webp) are not validated here: check the content type.
 * 5. `GET /queue/{queue_id}/i/{item_id}` is served with `response_model_exclude_none`: the real
 *    6.14.2 drops null fields at every depth, including the `output_meta` (always null) that every
 *    invocation output lists as required. On that route alone the dropped `output_meta` of each
 *    session result is put back as null before validating, and a null anywhere in the body is an
 *    error. Every other route must send `output_meta` like the real server does.
 * Everything else is strict, including `additionalProperties: false` where the schema says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';

export interface SchemaCheck {
  valid: boolean;
  /** Readable messages, `instancePath: message`; empty when valid. */
  errors: string[];
}

type Json = Record<string, unknown>;

interface OpenApiOperation {
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Json> };
}

const here = dirname(fileURLToPath(import.meta.url));

/** Where the schema is read from: $INVOKEAI_OPENAPI, else shared/invokeai/openapi.json beside the repo. */
export function openapiLocation(): string {
  const candidates = [
    process.env.INVOKEAI_OPENAPI,
    resolve(here, '../../../shared/invokeai/openapi.json'),
    resolve(here, '../../shared/invokeai/openapi.json'),
    '/work/shared/invokeai/openapi.json',
  ].filter((p): p is string => typeof p === 'string' && p.length > 0);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`openapi.json not found; looked in ${candidates.join(', ')} (set INVOKEAI_OPENAPI)`);
  return found;
}

let specCache: OpenApiDocument | undefined;

export function openapiSpec(): OpenApiDocument {
  specCache ??= JSON.parse(readFileSync(openapiLocation(), 'utf8')) as OpenApiDocument;
  return specCache;
}

const SCHEMA_ID = 'invokeai-openapi';
const refTo = (name: string): string => `${SCHEMA_ID}#/components/schemas/${name}`;
const componentOf = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);
const DISCRIMINANTS = ['type', 'base', 'format'] as const;
const UNION_MIN = 10;

interface UnionMember {
  name: string;
  consts: [string, unknown][];
}

type AjvInstance = InstanceType<typeof Ajv2020>;

let ajvCache: AjvInstance | undefined;

/** Rewrites big `oneOf`s of `$ref`s into the `x-union` keyword (relaxation 1). */
function rewriteUnions(node: unknown, schemas: Record<string, Json>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteUnions(n, schemas));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(obj)) out[key] = rewriteUnions(value, schemas);
  const members = obj.oneOf;
  if (Array.isArray(members) && members.length >= UNION_MIN && members.every((m) => typeof (m as Json).$ref === 'string')) {
    const union: UnionMember[] = members.map((m) => {
      const name = componentOf((m as Json).$ref as string);
      const props = (schemas[name]?.properties ?? {}) as Record<string, Json>;
      return { name, consts: DISCRIMINANTS.filter((p) => props[p]?.const !== undefined).map((p) => [p, props[p]!.const]) };
    });
    if (union.every((m) => m.consts.length > 0)) {
      delete out.oneOf;
      delete out.discriminator;
      out['x-union'] = union;
    }
  }
  return out;
}

function ajv(): AjvInstance {
  if (ajvCache) return ajvCache;
  const instance = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  instance.addKeyword({
    keyword: 'x-union',
    schemaType: 'array',
    errors: true,
    compile(union: UnionMember[]) {
      const check = (value: unknown, ctx?: { instancePath?: string }): boolean => {
        const path = ctx?.instancePath ?? '';
        const fail = (errors: Partial<ErrorObject>[]): false => {
          check.errors = errors.map((e) => ({
            keyword: 'x-union',
            schemaPath: '#/x-union',
            params: {},
            ...e,
            instancePath: `${path}${e.instancePath ?? ''}`,
          }));
          return false;
        };
        check.errors = null;
        if (value === null || typeof value !== 'object' || Array.isArray(value))
          return fail([{ message: 'must be an object (union member)' }]);
        const v = value as Json;
        const candidates = union.filter((m) => m.consts.every(([p, c]) => v[p] === c));
        if (candidates.length === 0) {
          const shown = DISCRIMINANTS.filter((p) => p in v)
            .map((p) => `${p}=${JSON.stringify(v[p])}`)
            .join(', ');
          return fail([{ message: `matches no member of the union (${shown || 'no type'})` }]);
        }
        let firstErrors: ErrorObject[] = [];
        for (const member of candidates) {
          const validate = instance.getSchema(refTo(member.name));
          if (!validate) return fail([{ message: `schema ${member.name} missing` }]);
          if (validate(value)) return true;
          if (firstErrors.length === 0) {
            firstErrors = (validate.errors ?? []).map((e) => ({ ...e, message: `${member.name}: ${e.message ?? ''}` }));
          }
        }
        return fail(firstErrors);
      };
      check.errors = null as Partial<ErrorObject>[] | null;
      return check as unknown as (data: unknown) => boolean;
    },
  });
  const spec = openapiSpec();
  const components = rewriteUnions(spec.components, spec.components.schemas);
  instance.addSchema({ $id: SCHEMA_ID, components });
  ajvCache = instance;
  return instance;
}

const validators = new Map<string, ValidateFunction>();

function run(key: string, schema: () => AnySchema, value: unknown): SchemaCheck {
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv().compile(schema()) as ValidateFunction;
    validators.set(key, validate);
  }
  if (validate(value)) return { valid: true, errors: [] };
  const errors = (validate.errors ?? []).map(
    (e: ErrorObject) =>
      `${e.instancePath || '(root)'}: ${e.message ?? e.keyword}${
        e.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty?: string }).additionalProperty)}'` : ''
      }`,
  );
  return { valid: false, errors: [...new Set(errors)] };
}

/** Checks a value against `#/components/schemas/{name}`. */
export function validateComponent(name: string, value: unknown): SchemaCheck {
  if (!openapiSpec().components.schemas[name]) return { valid: false, errors: [`no component named ${name}`] };
  return run(`component:${name}`, () => ({ $ref: refTo(name) }), value);
}

/** Rewrites local `#/components/...` refs of an inline schema to the registered document. */
function anchorRefs(schema: Json): AnySchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${SCHEMA_ID}#/components/`)) as AnySchema;
}

/** The JSON schema of one documented response, or undefined when it has none. */
export function responseSchema(method: string, pathTemplate: string, status: number): Json | undefined {
  const op = openapiSpec().paths[pathTemplate]?.[method.toLowerCase()];
  return op?.responses?.[String(status)]?.content?.['application/json']?.schema;
}

const FASTAPI_ERROR: Json = { type: 'object', required: ['detail'], properties: { detail: {} } };

/** Operations the real server serialises with `response_model_exclude_none` (relaxation 5). */
const EXCLUDE_NONE = new Set(['get /api/v1/queue/{queue_id}/i/{item_id}']);

/** Where a value holds a null, as JSON pointers (exclude_none leaves none). */
function nullsIn(value: unknown, path = ''): string[] {
  if (value === null) return [path || '(root)'];
  if (typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => nullsIn(v, `${path}/${k}`));
}

/** A copy of a queue item with each session result's dropped `output_meta` put back as null. */
function withOutputMeta(body: unknown): unknown {
  const results = (body as { session?: { results?: unknown } } | null)?.session?.results;
  if (results === null || typeof results !== 'object') return body;
  const item = body as Json & { session: Json };
  const filled = Object.fromEntries(Object.entries(results).map(([id, r]) => [id, { output_meta: null, ...(r as Json) }]));
  return { ...item, session: { ...item.session, results: filled } };
}

/**
 * Checks a JSON response body against what the operation documents for that status.
 * `pathTemplate` is the OpenAPI key, e.g. `/api/v1/images/i/{image_name}` (see `matchPathTemplate`).
 */
export function validateResponse(method: string, pathTemplate: string, status: number, body: unknown): SchemaCheck {
  const op = openapiSpec().paths[pathTemplate]?.[method.toLowerCase()];
  if (!op) return { valid: false, errors: [`the schema has no ${method.toUpperCase()} ${pathTemplate}`] };
  const documented = op.responses?.[String(status)];
  if (!documented) {
    if (status >= 400) return run('fastapi-error', () => FASTAPI_ERROR, body);
    return { valid: false, errors: [`${method.toUpperCase()} ${pathTemplate} does not document status ${status}`] };
  }
  const schema = documented.content?.['application/json']?.schema;
  if (!schema) return { valid: true, errors: [] };
  const key = `${method.toLowerCase()} ${pathTemplate}`;
  if (EXCLUDE_NONE.has(key) && status === 200) {
    const nulls = nullsIn(body);
    if (nulls.length > 0) return { valid: false, errors: nulls.slice(0, 5).map((p) => `${p}: must be left out, not null (exclude_none)`) };
    return run(`response:${key} ${status}`, () => anchorRefs(schema), withOutputMeta(body));
  }
  return run(`response:${key} ${status}`, () => anchorRefs(schema), body);
}

/** `queue_item_status_changed` → `QueueItemStatusChangedEvent`. */
export function eventComponentName(event: string): string {
  return `${event
    .split('_')
    .map((w) => (w === 'llm' ? 'LLM' : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('')}Event`;
}

/** Checks a Socket.IO event payload against its `*Event` component. */
export function validateEvent(event: string, payload: unknown): SchemaCheck {
  return validateComponent(eventComponentName(event), payload);
}

let templates: { template: string; parts: string[] }[] | undefined;

/**
 * The OpenAPI path template a concrete path belongs to, e.g.
 * `/api/v1/images/i/abc.png/full` → `/api/v1/images/i/{image_name}/full`. Literal segments win
 * over parameters (`/api/v1/images/names` is not `/api/v1/images/i/{image_name}`).
 */
export function matchPathTemplate(path: string, method?: string): string | undefined {
  templates ??= Object.keys(openapiSpec().paths).map((template) => ({ template, parts: template.split('/') }));
  const parts = path.split('?')[0]!.split('/');
  let best: { template: string; literals: number } | undefined;
  for (const { template, parts: tparts } of templates) {
    if (tparts.length !== parts.length) continue;
    if (method && !openapiSpec().paths[template]?.[method.toLowerCase()]) continue;
    let literals = 0;
    const ok = tparts.every((t, i) => {
      if (t.startsWith('{') && t.endsWith('}')) return parts[i] !== '';
      if (t === parts[i]) {
        literals++;
        return true;
      }
      return false;
    });
    if (ok && (!best || literals > best.literals)) best = { template, literals };
  }
  return best?.template;
}

/** Throws with the errors when a check failed (for tests that want an exception). */
export function assertValid(check: SchemaCheck, what: string): void {
  if (!check.valid) throw new Error(`${what} does not match the InvokeAI 6.14.2 schema:\n  ${check.errors.join('\n  ')}`);
}
