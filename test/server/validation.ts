/**
 * Request validation that answers like FastAPI + pydantic v2: a 422 whose `detail` lists
 * `{type, loc, msg, input, ctx?}` items. Readers collect every error of a request before failing,
 * as pydantic does, and return typed values.
 */

export interface ValidationErrorItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export class ValidationFailure extends Error {
  constructor(readonly errors: ValidationErrorItem[]) {
    super(`validation failed: ${errors.map((e) => `${e.loc.join('.')}: ${e.msg}`).join('; ')}`);
  }
}

/** "'a', 'b' or 'c'", pydantic's way of listing enum members. */
export function expectedList(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

class Collector {
  readonly errors: ValidationErrorItem[] = [];

  fail(item: ValidationErrorItem): undefined {
    this.errors.push(item);
    return undefined;
  }

  done(): void {
    if (this.errors.length > 0) throw new ValidationFailure(this.errors);
  }
}

interface IntRule {
  ge?: number;
  le?: number;
}

function checkBounds(c: Collector, loc: (string | number)[], value: number, input: unknown, rule: IntRule): boolean {
  if (rule.ge !== undefined && value < rule.ge) {
    c.fail({ type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${rule.ge}`, input, ctx: { ge: rule.ge } });
    return false;
  }
  if (rule.le !== undefined && value > rule.le) {
    c.fail({ type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${rule.le}`, input, ctx: { le: rule.le } });
    return false;
  }
  return true;
}

/** Query (or path) parameters, as strings, the way FastAPI coerces them. */
export class ParamReader extends Collector {
  constructor(
    private readonly params: URLSearchParams,
    private readonly where: 'query' | 'path' = 'query',
  ) {
    super();
  }

  private raw(name: string, required: boolean): string | undefined {
    const value = this.params.get(name);
    if (value === null) {
      if (required) this.fail({ type: 'missing', loc: [this.where, name], msg: 'Field required', input: null });
      return undefined;
    }
    return value;
  }

  str(name: string, opts: { required: true; maxLength?: number }): string;
  str(name: string, opts?: { required?: false; maxLength?: number }): string | null;
  str(name: string, opts: { required?: boolean; maxLength?: number } = {}): string | null {
    const value = this.raw(name, opts.required === true);
    if (value === undefined) return opts.required ? '' : null;
    if (opts.maxLength !== undefined && value.length > opts.maxLength) {
      this.fail({
        type: 'string_too_long',
        loc: [this.where, name],
        msg: `String should have at most ${opts.maxLength} characters`,
        input: value,
        ctx: { max_length: opts.maxLength },
      });
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean;
  bool(name: string, fallback: null, opts?: { required?: boolean }): boolean | null;
  bool(name: string, fallback: boolean | null, opts: { required?: boolean } = {}): boolean | null {
    const value = this.raw(name, opts.required === true);
    if (value === undefined) return fallback;
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    this.fail({
      type: 'bool_parsing',
      loc: [this.where, name],
      msg: 'Input should be a valid boolean, unable to interpret input',
      input: value,
    });
    return fallback;
  }

  int(name: string, fallback: number, rule?: IntRule): number;
  int(name: string, fallback: null, rule?: IntRule & { required?: boolean }): number | null;
  int(name: string, fallback: number | null, rule: IntRule & { required?: boolean } = {}): number | null {
    const value = this.raw(name, rule.required === true);
    if (value === undefined) return fallback;
    if (!/^\s*[-+]?\d+\s*$/.test(value)) {
      this.fail({
        type: 'int_parsing',
        loc: [this.where, name],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: value,
      });
      return fallback;
    }
    const n = Number.parseInt(value, 10);
    return checkBounds(this, [this.where, name], n, value, rule) ? n : fallback;
  }

  enumValue<T extends string>(name: string, values: readonly T[], fallback: T): T;
  enumValue<T extends string>(name: string, values: readonly T[], fallback: null, opts?: { required?: boolean }): T | null;
  enumValue<T extends string>(name: string, values: readonly T[], fallback: T | null, opts: { required?: boolean } = {}): T | null {
    const value = this.raw(name, opts.required === true);
    if (value === undefined) return fallback;
    if ((values as readonly string[]).includes(value)) return value as T;
    const expected = expectedList(values);
    this.fail({ type: 'enum', loc: [this.where, name], msg: `Input should be ${expected}`, input: value, ctx: { expected } });
    return fallback;
  }

  /** A repeated key (`categories=a&categories=b`); null when absent. */
  enumList<T extends string>(name: string, values: readonly T[]): T[] | null {
    const all = this.params.getAll(name);
    if (all.length === 0) return null;
    const expected = expectedList(values);
    const out: T[] = [];
    all.forEach((value, i) => {
      if ((values as readonly string[]).includes(value)) out.push(value as T);
      else this.fail({ type: 'enum', loc: [this.where, name, i], msg: `Input should be ${expected}`, input: value, ctx: { expected } });
    });
    return out;
  }
}

export type JsonObject = Record<string, unknown>;

/** Why a JSON value is not a (lax) pydantic int, or undefined when it is one. */
export function intProblem(value: unknown): Pick<ValidationErrorItem, 'type' | 'msg'> | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? undefined
      : { type: 'int_from_float', msg: 'Input should be a valid integer, got a number with a fractional part' };
  }
  if (typeof value === 'string') {
    return /^\s*[-+]?\d+\s*$/.test(value)
      ? undefined
      : { type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer' };
  }
  return { type: 'int_type', msg: 'Input should be a valid integer' };
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A JSON body. `undefined` means no (JSON) body was sent. Fields are read one by one;
 * `extraForbidden` mirrors pydantic's `extra="forbid"`.
 *
 * FastAPI reads bodies two ways. Routes with several `Body()` params (or `embed=True`) validate
 * each field on its own: a missing or non-object body just makes every required field "missing".
 * Routes taking one model (`BoardChanges`, `ImageRecordChanges`) validate the body as a whole:
 * no body is `missing` at `["body"]`, a non-object is `model_attributes_type`. That is `embedded: false`.
 */
export class BodyReader extends Collector {
  readonly obj: JsonObject;
  private readonly ok: boolean;

  constructor(body: unknown, opts: { embedded?: boolean } = {}) {
    super();
    if (opts.embedded ?? true) {
      this.obj = isObject(body) ? body : {};
      this.ok = true;
    } else if (body === undefined) {
      this.fail({ type: 'missing', loc: ['body'], msg: 'Field required', input: null });
      this.obj = {};
      this.ok = false;
    } else if (!isObject(body)) {
      this.fail({
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: body,
      });
      this.obj = {};
      this.ok = false;
    } else {
      this.obj = body;
      this.ok = true;
    }
  }

  has(name: string): boolean {
    return this.ok && this.obj[name] !== undefined;
  }

  private present(name: string, required: boolean): boolean {
    if (!this.ok) return false;
    if (name in this.obj) return true;
    if (required) this.fail({ type: 'missing', loc: ['body', name], msg: 'Field required', input: null });
    return false;
  }

  str(name: string, opts: { required: true; maxLength?: number }): string;
  str(name: string, opts?: { required?: false; maxLength?: number; nullable?: boolean }): string | null | undefined;
  str(name: string, opts: { required?: boolean; maxLength?: number; nullable?: boolean } = {}): string | null | undefined {
    if (!this.present(name, opts.required === true)) return opts.required ? '' : undefined;
    const value = this.obj[name];
    if (value === null && opts.nullable) return null;
    if (typeof value !== 'string') {
      this.fail({ type: 'string_type', loc: ['body', name], msg: 'Input should be a valid string', input: value });
      return undefined;
    }
    if (opts.maxLength !== undefined && value.length > opts.maxLength) {
      this.fail({
        type: 'string_too_long',
        loc: ['body', name],
        msg: `String should have at most ${opts.maxLength} characters`,
        input: value,
        ctx: { max_length: opts.maxLength },
      });
      return undefined;
    }
    return value;
  }

  /** A boolean. Strict (StrictBool) accepts only JSON true/false; lax also takes 0/1 and words. */
  bool(name: string, opts: { strict?: boolean; nullable?: boolean; required?: boolean } = {}): boolean | null | undefined {
    if (!this.present(name, opts.required === true)) return undefined;
    const value = this.obj[name];
    if (value === null && opts.nullable) return null;
    if (typeof value === 'boolean') return value;
    if (!opts.strict) {
      if (value === 0 || value === 1) return value === 1;
      if (typeof value === 'string') {
        const word = value.trim().toLowerCase();
        if (TRUE_WORDS.has(word)) return true;
        if (FALSE_WORDS.has(word)) return false;
        this.fail({
          type: 'bool_parsing',
          loc: ['body', name],
          msg: 'Input should be a valid boolean, unable to interpret input',
          input: value,
        });
        return undefined;
      }
    }
    this.fail({ type: 'bool_type', loc: ['body', name], msg: 'Input should be a valid boolean', input: value });
    return undefined;
  }

  enumValue<T extends string>(
    name: string,
    values: readonly T[],
    opts: { nullable?: boolean; required?: boolean } = {},
  ): T | null | undefined {
    if (!this.present(name, opts.required === true)) return undefined;
    const value = this.obj[name];
    if (value === null && opts.nullable) return null;
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
    const expected = expectedList(values);
    this.fail({ type: 'enum', loc: ['body', name], msg: `Input should be ${expected}`, input: value, ctx: { expected } });
    return undefined;
  }

  private list(name: string, required: boolean, maxItems: number | undefined): unknown[] | undefined {
    if (!this.present(name, required)) return required ? [] : undefined;
    const value = this.obj[name];
    if (!Array.isArray(value)) {
      this.fail({ type: 'list_type', loc: ['body', name], msg: 'Input should be a valid list', input: value });
      return undefined;
    }
    if (maxItems !== undefined && value.length > maxItems) {
      this.fail({
        type: 'too_long',
        loc: ['body', name],
        msg: `List should have at most ${maxItems} items after validation, not ${value.length}`,
        input: value,
        ctx: { field_type: 'List', max_length: maxItems, actual_length: value.length },
      });
      return undefined;
    }
    return value as unknown[];
  }

  strList(name: string, opts: { required?: boolean; maxItems?: number; itemMaxLength?: number } = {}): string[] {
    const value = this.list(name, opts.required ?? true, opts.maxItems);
    if (!value) return [];
    value.forEach((item, i) => {
      if (typeof item !== 'string') {
        this.fail({ type: 'string_type', loc: ['body', name, i], msg: 'Input should be a valid string', input: item });
      } else if (opts.itemMaxLength !== undefined && item.length > opts.itemMaxLength) {
        this.fail({
          type: 'string_too_long',
          loc: ['body', name, i],
          msg: `String should have at most ${opts.itemMaxLength} characters`,
          input: item,
          ctx: { max_length: opts.itemMaxLength },
        });
      }
    });
    return value.filter((v): v is string => typeof v === 'string');
  }

  intList(name: string, opts: { required?: boolean; maxItems?: number } = {}): number[] {
    const value = this.list(name, opts.required ?? true, opts.maxItems);
    if (!value) return [];
    value.forEach((item, i) => {
      const problem = intProblem(item);
      if (problem) this.fail({ type: problem.type, loc: ['body', name, i], msg: problem.msg, input: item });
    });
    return value.map((v) => Number(v)).filter((n) => Number.isInteger(n));
  }

  /** Rejects keys not in `allowed` (pydantic `extra="forbid"`). */
  extraForbidden(allowed: readonly string[]): void {
    if (!this.ok) return;
    for (const [key, value] of Object.entries(this.obj)) {
      if (!allowed.includes(key))
        this.fail({ type: 'extra_forbidden', loc: ['body', key], msg: 'Extra inputs are not permitted', input: value });
    }
  }
}
