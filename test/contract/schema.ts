import { expect } from 'vitest';
import { validateComponent, validateEvent, validateResponse } from '../support/openapi';
import type { Res } from './harness';

function failIfInvalid(result: unknown, what: string, value: unknown): void {
  if (result === undefined || result === null || result === true) return;
  let problems: unknown = result;
  if (Array.isArray(result)) {
    if (result.length === 0) return;
  } else if (typeof result === 'object' && 'valid' in result) {
    const r = result as { valid: boolean; errors?: unknown };
    if (r.valid) return;
    problems = r.errors;
  } else if (result === false) {
    problems = 'invalid';
  }
  const sample = JSON.stringify(value)?.slice(0, 400);
  throw new Error(
    `${what} does not match the 6.14.2 OpenAPI schema: ${typeof problems === 'string' ? problems : JSON.stringify(problems)}\nvalue: ${sample}`,
  );
}

/** The body matches the schema the real server documents for this route and status. */
export function expectResponse(method: string, pathTemplate: string, res: Res): void {
  expect(res.type, `${method.toUpperCase()} ${pathTemplate} content type`).toBe('application/json');
  failIfInvalid(
    validateResponse(method, pathTemplate, res.status, res.json),
    `${method.toUpperCase()} ${pathTemplate} ${res.status}`,
    res.json,
  );
}

export function expectComponent(name: string, value: unknown): void {
  failIfInvalid(validateComponent(name, value), name, value);
}

/** A Socket.IO payload matches its event model in the schema (e.g. QueueItemStatusChangedEvent). */
export function expectEvent(name: string, payload: unknown): void {
  failIfInvalid(validateEvent(name, payload), `event ${name}`, payload);
}

/**
 * FastAPI's 422: `{detail: [{type, loc, msg, input, ctx?}]}` with one entry at `loc` of `type`.
 */
export function expectValidationError(res: Res, loc: (string | number)[], type?: string): void {
  expect(res.status, `expected 422 at ${loc.join('.')}, got ${res.status} ${res.text.slice(0, 200)}`).toBe(422);
  expect(res.type).toBe('application/json');
  expect(Array.isArray(res.json?.detail)).toBe(true);
  for (const d of res.json.detail) {
    expect(Array.isArray(d.loc)).toBe(true);
    expect(typeof d.msg).toBe('string');
    expect(typeof d.type).toBe('string');
    expect(d).toHaveProperty('input');
    expect(d).not.toHaveProperty('url');
  }
  const hit = res.json.detail.find((d: any) => JSON.stringify(d.loc) === JSON.stringify(loc));
  expect(hit, `no 422 entry at ${JSON.stringify(loc)} in ${res.text}`).toBeDefined();
  if (type) expect(hit.type).toBe(type);
  failIfInvalid(validateComponent('HTTPValidationError', res.json), 'HTTPValidationError', res.json);
}

/** `{detail: "<text>"}` with the given status. */
export function expectDetail(res: Res, status: number, detail: string): void {
  expect(res.status, res.text.slice(0, 200)).toBe(status);
  expect(res.type).toBe('application/json');
  expect(res.json).toEqual({ detail });
}
