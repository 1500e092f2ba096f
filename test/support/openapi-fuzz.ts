/**
 * An OpenAPI-driven fuzzer for the gateway (issue 8): it reads the document the app serves, and
 * for every operation generates, with fast-check, mostly-valid requests derived from the
 * operation's JSON schemas mixed with hostile mutations of them (control characters, lone
 * surrogates, over-long strings, numbers written as strings, deep nesting, wrong types, wrong
 * media types, bad Idempotency-Keys, the wrong token). Requests are generated up front from a
 * seed (so a run reproduces), then sent one at a time to the app in-process while the oracles
 * below are checked on every answer:
 *
 *  - no 5xx (502/503/504 are allowed only as a problem naming a partner failure, not `internal_error`);
 *  - every 4xx/5xx is `application/problem+json` with `type`, `title`, `status` (= HTTP status) and `detail`;
 *    a 400 names each field at fault (`errors[].field` and `.rule`);
 *  - every answer carries `x-request-id`;
 *  - a request that is invalid by construction (per the document, or the issue's text rule) is refused (4xx);
 *  - a request refused as a whole (any 4xx, or a batch whose every item is refused) leaves the row
 *    count of every table unchanged;
 *  - an unknown route answers 404 and a known path with another method 405 with `Allow`.
 *
 * Failures are collected (the run does not stop at the first) and reported grouped by class.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/database.js';

// ---------------------------------------------------------------------------------------------
// The document

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
  nullable?: boolean;
  additionalProperties?: boolean | Schema;
  example?: unknown;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean; schema: Schema }>; requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> }; security?: unknown[]; responses: Record<string, unknown> }>>;
  components?: { schemas?: Record<string, Schema> };
}

export type Caller = 'provider' | 'ops' | 'none';

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  path: string;
  params: Param[];
  body?: { schema: Schema; required: boolean };
  caller: Caller;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const params = (op.parameters ?? []).map((p) => ({ name: p.name, in: p.in as Param['in'], required: !!p.required, schema: deref(doc, p.schema) }));
      const json = op.requestBody?.content['application/json'];
      const caller: Caller = op.security?.length ? (path.startsWith('/v1/ops/') ? 'ops' : 'provider') : 'none';
      ops.push({ method: method.toUpperCase(), path, params, body: json ? { schema: deref(doc, json.schema), required: !!op.requestBody?.required } : undefined, caller });
    }
  }
  return ops;
}

/** Resolves $ref and merges allOf, recursively, into plain schemas (the document has no cycles). */
export function deref(doc: OpenApiDoc, s: Schema, depth = 0): Schema {
  if (depth > 50) return {};
  if (s.$ref) {
    const name = s.$ref.replace('#/components/schemas/', '');
    const { $ref: _ref, ...rest } = s;
    return deref(doc, { ...(doc.components?.schemas?.[name] ?? {}), ...rest }, depth + 1);
  }
  let out: Schema = { ...s };
  if (s.allOf) {
    const { allOf, ...rest } = s;
    out = { ...rest };
    for (const part of allOf.map((p) => deref(doc, p, depth + 1))) {
      out = {
        ...part,
        ...out,
        properties: part.properties || out.properties ? { ...(part.properties ?? {}), ...(out.properties ?? {}) } : undefined,
        required: part.required || out.required ? [...new Set([...(part.required ?? []), ...(out.required ?? [])])] : undefined,
      };
    }
  }
  if (out.properties) out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, deref(doc, v, depth + 1)]));
  if (out.items) out.items = deref(doc, out.items, depth + 1);
  if (out.anyOf) out.anyOf = out.anyOf.map((x) => deref(doc, x, depth + 1));
  if (out.oneOf) out.oneOf = out.oneOf.map((x) => deref(doc, x, depth + 1));
  return out;
}

function typeOf(s: Schema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null');
  if (s.type) return s.type;
  if (s.properties) return 'object';
  if (s.items) return 'array';
  if (s.enum?.length) return typeof s.enum[0];
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Values that are bound or shaped only when the request is sent

/** An identifier taken at send time from what the gateway has answered so far (an enrollment id, …). */
export class Late {
  constructor(
    readonly pool: string,
    readonly n: number,
  ) {}
}
/** `depth` levels of `[` or `{"a":` around a leaf: built as text, never as a deep JS value. */
export class Deep {
  constructor(
    readonly depth: number,
    readonly kind: 'array' | 'object',
  ) {}
}
/** A number literal written verbatim (`1e400`, `-0`, `9007199254740993`). */
export class RawNumber {
  constructor(readonly text: string) {}
}

export type Resolve = (l: Late) => unknown;

/** JSON string literal with every control character (C0, DEL, C1) and lone surrogate escaped, for reports. */
export function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(s).replace(/[\u007f-\u009f\u00a0\u2028\u2029\u202e\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON text of a generated value; `describe` shortens long strings and deep nests for reports. */
export function toJson(v: unknown, resolve: Resolve, describe = false): string {
  if (v instanceof Late) return describe ? `<${v.pool}#${v.n}>` : JSON.stringify(resolve(v));
  if (v instanceof Deep) {
    if (describe) return `${v.kind === 'array' ? '[' : '{"a":'}…×${v.depth}…0${v.kind === 'array' ? ']' : '}'}`;
    return v.kind === 'array' ? `${'['.repeat(v.depth)}0${']'.repeat(v.depth)}` : `${'{"a":'.repeat(v.depth)}0${'}'.repeat(v.depth)}`;
  }
  if (v instanceof RawNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map((x) => toJson(x, resolve, describe)).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x, resolve, describe)}`)
      .join(',')}}`;
  }
  if (typeof v === 'string' && describe) return v.length > 80 ? `${visible(v.slice(0, 40)).slice(0, -1)}…(${v.length} chars)"` : visible(v);
  return JSON.stringify(v) ?? 'null';
}

// ---------------------------------------------------------------------------------------------
// The text rule (issue 8): control characters other than tab/LF/CR, and lone surrogates, are refused

// eslint-disable-next-line no-control-regex
const FORBIDDEN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const hasForbiddenText = (s: string) => FORBIDDEN_TEXT.test(s);
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS_G = /[\u0000-\u001F\u007F]|[\uD800-\uDFFF]/g;

/** Does `v` satisfy `s` (the parts of JSON Schema the document uses)? Used to know a mutation must be refused. */
export function conforms(v: unknown, s: Schema): boolean {
  if (v instanceof Late) return true;
  if (v instanceof Deep) return false;
  if (v instanceof RawNumber) return conforms(Number(v.text), s); // 1E2 is the integer 100; 1e400 is no number
  if (s.enum && !s.enum.some((e) => e === v)) return false;
  const t = typeOf(s);
  if (v === null) return s.nullable === true || (Array.isArray(s.type) && s.type.includes('null'));
  switch (t) {
    case 'string': {
      if (typeof v !== 'string') return false;
      if (hasForbiddenText(v)) return false;
      const len = [...v].length;
      if (s.minLength !== undefined && len < s.minLength) return false;
      if (s.maxLength !== undefined && len > s.maxLength) return false;
      if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) return false;
      if (s.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return false;
      if (s.format === 'date-time' && (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v) || Number.isNaN(Date.parse(v)))) return false;
      if (s.format === 'uri' && !URL.canParse(v)) return false;
      if (s.format === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return false;
      return true;
    }
    case 'integer':
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      if (t === 'integer' && !Number.isInteger(v)) return false;
      if (s.minimum !== undefined && v < s.minimum) return false;
      if (s.maximum !== undefined && v > s.maximum) return false;
      if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) return false;
      if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) return false;
      return true;
    }
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      if (!Array.isArray(v)) return false;
      if (s.minItems !== undefined && v.length < s.minItems) return false;
      if (s.maxItems !== undefined && v.length > s.maxItems) return false;
      return !s.items || v.every((x) => conforms(x, s.items!));
    case 'object': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
      const o = v as Record<string, unknown>;
      for (const r of s.required ?? []) if (o[r] === undefined) return false;
      for (const [k, x] of Object.entries(o)) {
        if (x === undefined) continue;
        const ps = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
        if (ps) {
          if (!conforms(x, ps)) return false;
        } else if (s.additionalProperties === false) return false;
        else if (!shallow(x)) return false; // unknown fields are dropped, but the depth bound holds everywhere
      }
      return true;
    }
    default:
      return shallow(v) && (typeof v !== 'string' || !hasForbiddenText(v));
  }
}

/** Unknown fields: any JSON (they are dropped before anything is stored), but no deep nesting (the bounded-structure rule). */
function shallow(v: unknown): boolean {
  if (v instanceof Deep) return false;
  if (Array.isArray(v)) return v.every(shallow);
  if (v && typeof v === 'object' && !(v instanceof Late)) return Object.values(v).every(shallow);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Valid values from schemas, steered by hints (the sandbox's demo data) so requests go deep

/** Per field (dotted path) and schema, values that reach past validation into the gateway's work. */
export type Hints = (path: string[], s: Schema) => fc.Arbitrary<unknown> | undefined;

export function validValue(s: Schema, hints: Hints, path: string[] = []): fc.Arbitrary<unknown> {
  const hint = hints(path, s);
  const plain = schemaValue(s, hints, path);
  if (hint) return fc.oneof({ weight: 4, arbitrary: hint }, { weight: 1, arbitrary: plain });
  return plain;
}

function schemaValue(s: Schema, hints: Hints, path: string[]): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const t = typeOf(s);
  switch (t) {
    case 'string': {
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 24, Math.max(min, 24));
      if (s.format === 'uuid') return fc.uuid({ version: 4 });
      if (s.format === 'date-time') return fc.date({ min: new Date('2024-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.format === 'email') return fc.constantFrom('siti@example.id', 'a.b@example.co.id', 'x@y.id');
      if (s.format === 'uri') return fc.oneof(fc.constantFrom('https://files.example.id/tugas/1.pdf', 'https://lms.example.id/return'), fc.constantFrom(...fc.sample(fc.webUrl({ size: 'small' }), { seed: 1, numRuns: 40 })));
      if (s.pattern) {
        const fallback = typeof s.example === 'string' ? s.example : undefined;
        // fc.stringMatching is slow (ms per value): draw a fixed pool once per schema.
        const pool = fc.sample(fc.stringMatching(new RegExp(s.pattern)), { seed: 1, numRuns: 40 });
        return fc.constantFrom(...pool).map((x) => (x.length >= min && x.length <= (s.maxLength ?? Infinity)) || fallback === undefined ? x : fallback);
      }
      return fc.string({ minLength: min, maxLength: max, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 -_.'.split('')) });
    }
    case 'integer': {
      const lo = s.minimum ?? (typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : -5);
      const hi = s.maximum ?? (typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : Math.max(lo, 0) + 20);
      return fc.integer({ min: lo, max: hi });
    }
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(s.items ?? {}, hints, [...path, '0']), { minLength: s.minItems ?? 0, maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 4, 4)) });
    case 'object': {
      const props = s.properties ?? {};
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, ps] of Object.entries(props)) model[k] = validValue(ps, hints, [...path, k]);
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant({}));
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile values

const CONTROL_CHARS = [...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)), '\u007f'];
const FORBIDDEN_CHARS = CONTROL_CHARS.filter((c) => c !== '\t' && c !== '\n' && c !== '\r');

interface Hostile {
  value: unknown;
  label: string;
}

function insertAt(base: string, at: number, piece: string) {
  const i = base.length ? at % (base.length + 1) : 0;
  return base.slice(0, i) + piece + base.slice(i);
}

/** A hostile replacement for a value of schema `s` (whose valid value was `base`). */
function hostileFor(s: Schema, base: unknown): fc.Arbitrary<Hostile> {
  const str = typeof base === 'string' ? base : '';
  const t = typeOf(s);
  const textual = fc.oneof(
    { weight: 5, arbitrary: fc.nat().map((at) => ({ value: insertAt(str, at, '\u0000'), label: 'NUL (U+0000) in string' })) },
    { weight: 3, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...FORBIDDEN_CHARS.filter((c) => c !== '\u0000'))).map(([at, c]) => ({ value: insertAt(str, at, c), label: 'control char in string' })) },
    { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom('\t', '\n', '\r')).map(([at, c]) => ({ value: insertAt(str, at, c), label: 'tab/LF/CR in string' })) },
    { weight: 3, arbitrary: fc.tuple(fc.nat(), fc.constantFrom('\uD800', '\uDFFF', '\uDBFF')).map(([at, c]) => ({ value: insertAt(str, at, c), label: 'lone surrogate in string' })) },
    { weight: 1, arbitrary: fc.constantFrom(300, 5_000, 70_000).map((n) => ({ value: (str || 'A').repeat(Math.ceil(n / Math.max(1, str.length))).slice(0, n), label: `very long string` })) },
    { weight: 1, arbitrary: fc.constantFrom(' ', '  ', '\u00a0').map((sp) => ({ value: `${sp}${str}${sp}`, label: 'surrounding spaces' })) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ').map((v) => ({ value: v, label: 'empty/blank string' })) },
    { weight: 1, arbitrary: fc.constantFrom('%00', '../../etc', "' or 1=1 --", '\u202e\u0041', 'Ｔｏｋｏ', 'e\u0301', '𝒜', '\ufeff').map((v) => ({ value: str + v, label: 'odd text' })) },
  );
  const numeric: Array<fc.Arbitrary<Hostile>> = [
    fc.constantFrom(' 1', '+1', '0x10', '1e3', '1', '1.0', '-1', '١').map((v) => ({ value: v, label: 'number as string' })),
    fc.constantFrom(-1, 0, 1.5, -0.5, 2 ** 31, 2 ** 53, 1e20, -(2 ** 31) - 1).map((v) => ({ value: v, label: 'out-of-range/float number' })),
    fc.constantFrom('1e400', '-0', '9007199254740993', '1E2', '100000000000000000000000000000').map((v) => ({ value: new RawNumber(v), label: `number literal ${v}` })),
  ];
  const wrongType: fc.Arbitrary<Hostile> = fc
    .constantFrom<unknown>(null, true, 0, 'x', [], {}, ['a'], { a: 1 })
    .map((v) => ({ value: v, label: 'wrong type' }));
  const deep: fc.Arbitrary<Hostile> = fc.tuple(fc.constantFrom(1_000, 3_000, 6_000), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([d, k]) => ({ value: new Deep(d, k), label: 'deep nesting' }));
  const arbs: Array<{ weight: number; arbitrary: fc.Arbitrary<Hostile> }> = [
    { weight: 1, arbitrary: wrongType },
    { weight: 1, arbitrary: deep },
  ];
  if (t === 'string' || t === undefined) arbs.push({ weight: 6, arbitrary: textual }); // text reaching SQL: the main class
  if (t === 'integer' || t === 'number') arbs.push(...numeric.map((arbitrary) => ({ weight: 1, arbitrary })));
  if (t === 'array') arbs.push({ weight: 1, arbitrary: fc.constantFrom(0, 1).map((n) => ({ value: n ? [new Deep(3_000, 'array')] : [], label: n ? 'deep nesting in item' : 'empty array' })) });
  return fc.oneof(...arbs);
}

/** The places in a value a mutation can go: each path with its schema (and for objects, one new key). */
function slots(v: unknown, s: Schema, path: Array<string | number> = []): Array<{ path: Array<string | number>; schema: Schema; extra?: boolean }> {
  const out: Array<{ path: Array<string | number>; schema: Schema; extra?: boolean }> = [{ path, schema: s }];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...slots(x, s.items ?? {}, [...path, i])));
  else if (v && typeof v === 'object' && !(v instanceof Late)) {
    for (const [k, x] of Object.entries(v)) out.push(...slots(x, (s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined) ?? {}, [...path, k]));
    for (const [k, ps] of Object.entries(s.properties ?? {})) if (!(k in (v as object))) out.push({ path: [...path, k], schema: ps });
    out.push({ path: [...path, '__fuzz_extra'], schema: {}, extra: true });
  }
  return out;
}

function getAt(v: unknown, path: Array<string | number>): unknown {
  return path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k as string] : undefined), v);
}

function setAt(v: unknown, path: Array<string | number>, x: unknown): unknown {
  if (!path.length) return x;
  const [k, ...rest] = path;
  const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>;
  // An own property even for "__proto__" (as JSON.parse makes it), never the prototype.
  Object.defineProperty(copy, k, { value: setAt(Object.hasOwn(copy, k) ? copy[k] : undefined, rest, x), enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A mutation at one slot of a valid body; `field` is the dotted path (the field a 400 should name). */
export function mutateBody(valid: unknown, s: Schema): fc.Arbitrary<{ body: unknown; label: string; field: string }> {
  const all = slots(valid, s);
  return fc.nat({ max: all.length - 1 }).chain((i) => {
    const slot = all[i];
    const extraKey = slot.extra ? fc.constantFrom('__fuzz_extra', 'zz', '__proto__', 'constructor', 'a\u0000b') : fc.constant(undefined);
    return fc.tuple(hostileFor(slot.schema, getAt(valid, slot.path)), extraKey).map(([h, key]) => {
      const path = slot.extra ? [...slot.path.slice(0, -1), key!] : slot.path;
      return { body: setAt(valid, path, h.value), label: `${slot.extra ? 'extra field: ' : ''}${h.label}`, field: path.join('.') || 'body' };
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Requests

export type AuthAs = 'provider' | 'other-provider' | 'ops' | 'none' | 'unknown-provider' | 'garbage' | 'control-char';

export interface FuzzRequest {
  op: string; // "METHOD /template"
  method: string;
  /** Path segments with parameters (string, Late, or raw percent-encoded text). */
  path: Array<string | Late | { raw: string }>;
  query: Array<[string, string | Late | { raw: string }]>;
  auth: AuthAs;
  headers: Record<string, string>;
  contentType?: string;
  body?: { json: unknown } | { text: string } | { bytes: number[] };
  /** What the request is meant to probe: 'valid', or the mutation. */
  label: string;
  /** `refuse`: invalid by construction, must be 4xx. `item`: one batch item is invalid, it must be refused. */
  expect: 'any' | 'refuse' | { item: number } | 'not-found' | 'method-not-allowed';
  field?: string;
  /** For 'method-not-allowed': the methods the path has. */
  allow?: string[];
}

const idemKey = fc.oneof(
  { weight: 8, arbitrary: fc.uuid().map((u) => `fz-${u}`) },
  { weight: 1, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3') },
);

function callerFor(op: Operation): AuthAs {
  return op.caller === 'ops' ? 'ops' : op.caller === 'provider' ? 'provider' : 'none';
}

function pathSegments(template: string, values: Record<string, unknown>): FuzzRequest['path'] {
  return template
    .split('/')
    .slice(1)
    .map((seg) => {
      const m = seg.match(/^\{(.+)\}$/);
      if (!m) return seg;
      const v = values[m[1]];
      if (v instanceof Late) return v;
      if (v && typeof v === 'object' && 'raw' in (v as object)) return v as { raw: string };
      return String(v);
    });
}

/** Hostile path/query values: percent-encoded controls and surrogates, numberish strings, long. */
function hostileParam(p: Param): fc.Arbitrary<{ value: unknown; raw?: boolean; label: string }> {
  const t = typeOf(p.schema);
  const pct = fc.constantFrom('%00', 'A%00B', '%01', '%1F', '%7F', '%0A', '%ED%A0%80', '%FF', '%C0%80', '%2F', '%25', '%20A', '..').map((v) => ({ value: v, raw: true, label: `percent-encoded ${v}` }));
  const arbs: Array<fc.Arbitrary<{ value: unknown; raw?: boolean; label: string }>> = [
    pct,
    fc.constantFrom('\u0000', 'a\u0001', '\u007f', '\uD800').map((v) => ({ value: v, label: 'control char / surrogate' })),
    fc.constantFrom(300, 3_000).map((n) => ({ value: 'A'.repeat(n), label: 'very long' })),
  ];
  if (t === 'integer' || t === 'number') arbs.push(fc.constantFrom(' 1', '+1', '0x10', '1e3', '1.5', '-1', '0', '99999999999999999999', '١', 'NaN', 'Infinity', '').map((v) => ({ value: v, label: `number as ${JSON.stringify(v)}` })));
  if (p.schema.enum) arbs.push(fc.constantFrom('TPM', 'nope', ' tpm', '').map((v) => ({ value: v, label: 'not in enum' })));
  return fc.oneof(...arbs);
}

function paramValueAsString(v: unknown): string | Late {
  return v instanceof Late ? v : String(v);
}

/** Does the (decoded) hostile parameter value have to be refused? */
function paramMustRefuse(p: Param, h: { value: unknown; raw?: boolean }): boolean {
  // What the server decodes: URLs carry UTF-8, so a lone surrogate goes as its WTF-8 bytes, which
  // (like any percent-encoding that is not UTF-8) the router keeps as the literal text it came as.
  let v = h.raw ? (h.value as string) : wtf8Encode(h.value as string);
  try {
    v = decodeURIComponent(v);
  } catch {
    // kept literal
  }
  const t = typeOf(p.schema);
  if (t === 'integer' || t === 'number') return !/^(0|-?[1-9][0-9]*)$/.test(v) || !conforms(Number(v), p.schema) || !Number.isSafeInteger(Number(v));
  if (p.in === 'path' && (v.includes('/') || v === '..' || v === '')) return false; // routes elsewhere (a 404 then)
  return !conforms(v, p.schema);
}

export interface Pools {
  /** Hints for values, by field path and schema. */
  hints: Hints;
  /** Whole valid bodies per operation ("POST /v1/redemptions"), consistent across fields. */
  bodies?: Record<string, fc.Arbitrary<unknown>>;
}

/** Requests for one operation: 45% valid, the rest one hostile mutation each. */
export function requestsFor(op: Operation, pools: Pools): fc.Arbitrary<FuzzRequest> {
  const opName = `${op.method} ${op.path}`;
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const hasIdem = op.params.some((p) => p.in === 'header' && p.name === 'idempotency-key');
  const paramArb = (p: Param) => validValue(p.schema, pools.hints, [p.name]);
  const pathArb = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, paramArb(p)])));
  const queryArb = fc.tuple(...queryParams.map((p) => fc.option(paramArb(p), { freq: 2 }).map((v) => [p.name, v] as const)));
  const schemaBody = op.body ? validValue(op.body.schema, pools.hints, []) : undefined;
  const hinted = pools.bodies?.[opName];
  const bodyArb: fc.Arbitrary<unknown> = schemaBody
    ? hinted
      ? fc.oneof({ weight: 3, arbitrary: hinted }, { weight: 1, arbitrary: schemaBody })
      : schemaBody
    : op.method === 'POST'
      ? fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 2 }))
      : fc.constant(undefined);

  const base = fc.record({ pathValues: pathArb, query: queryArb, body: bodyArb, key: idemKey }).map(({ pathValues, query, body, key }) => {
    const headers: Record<string, string> = {};
    if (hasIdem) headers['idempotency-key'] = key;
    const auth: AuthAs = callerFor(op);
    const req: FuzzRequest = {
      op: opName,
      method: op.method,
      path: pathSegments(op.path, pathValues),
      query: query.filter(([, v]) => v !== null).map(([k, v]) => [k, paramValueAsString(v)]),
      auth,
      headers,
      contentType: body !== undefined ? 'application/json' : undefined,
      body: body !== undefined ? { json: body } : undefined,
      label: 'valid',
      expect: 'any',
    };
    return { req, pathValues, body };
  });

  const variants: Array<{ weight: number; arbitrary: fc.Arbitrary<FuzzRequest> }> = [];
  // (1) valid, as the owner, or as the other provider.
  variants.push({ weight: 9, arbitrary: base.map(({ req }) => req) });
  if (op.caller === 'provider') variants.push({ weight: 2, arbitrary: base.map(({ req }) => ({ ...req, auth: 'other-provider' as const, label: 'valid, other provider' })) });
  // (2) a mutation in the body.
  if (op.body) {
    const batchItems = /\/batch$/.test(op.path);
    variants.push({
      weight: 10,
      arbitrary: base.chain(({ req, body }) =>
        mutateBody(body, op.body!.schema).map(({ body: b, label, field }) => {
          const itemMatch = batchItems ? field.match(/^items\.(\d+)(\.|$)/) : null;
          const ok = conforms(b, op.body!.schema);
          let expect: FuzzRequest['expect'] = ok ? 'any' : 'refuse';
          if (!ok && itemMatch) {
            // One bad item never sinks the rest: that item must be refused (or the whole call).
            const idx = Number(itemMatch[1]);
            const items = (b as { items: unknown[] }).items;
            const others = items.every((x, i) => i === idx || conforms(x, op.body!.schema.properties!.items.items!));
            expect = others && conforms({ items: items.map((x, i) => (i === idx ? (body as { items: unknown[] }).items[idx] ?? x : x)) }, op.body!.schema) ? { item: idx } : 'any';
            if (items.length === 0 || (body as { items: unknown[] }).items[idx] === undefined) expect = 'any';
          }
          return { ...req, body: { json: b }, label: `body ${field}: ${label}`, expect, field };
        }),
      ),
    });
    // (2b) the body as a whole: not JSON, not an object, deep, raw bytes.
    variants.push({
      weight: 3,
      arbitrary: base.chain(({ req, body }) =>
        fc
          .oneof(
            fc.constantFrom('', '{', 'null', '[]', '"x"', '1', '{"a":1,}', "{'a':1}", '{"a":1}{"a":2}', 'NaN').map((text) => ({ b: { text } as FuzzRequest['body'], label: `body text ${JSON.stringify(text)}`, expect: 'refuse' as const })),
            fc.constantFrom(2_000, 6_000, 20_000).map((d) => ({ b: { text: `${'['.repeat(d)}${']'.repeat(d)}` }, label: `body: ${d}-deep array`, expect: 'refuse' as const })),
            fc.constantFrom([0xed, 0xa0, 0x80], [0xff], [0xc0, 0x80], [0xe2, 0x80]).map((bytes) => ({ b: { bytes: rawBytesInFirstString(toJson(body, () => null), [...bytes]) }, label: `raw bytes ${bytes.map((x) => x.toString(16)).join(' ')} in first string`, expect: 'any' as const })),
          )
          .map(({ b, label, expect }) => ({ ...req, body: b, label, expect })),
      ),
    });
    // (2c) media types: only application/json (with a charset) is JSON.
    variants.push({
      weight: 3,
      arbitrary: base.chain(({ req }) =>
        fc
          .constantFrom(
            ['text/plain', true],
            ['application/vnd.x+json', true],
            ['application/merge-patch+json', true],
            ['application/x-www-form-urlencoded', true],
            ['multipart/form-data; boundary=x', true],
            [undefined, true],
            ['application/json; charset=utf-8', false],
            ['Application/JSON', false],
          )
          .map(([ct, refuse]) => ({ ...req, contentType: ct as string | undefined, label: `content-type ${ct ?? '(none)'}`, expect: refuse ? ('refuse' as const) : ('any' as const), field: 'header:Content-Type' })),
      ),
    });
  }
  // (3) a hostile path or query parameter.
  const hostileParams = [...pathParams, ...queryParams];
  if (hostileParams.length) {
    variants.push({
      weight: 8,
      arbitrary: base.chain(({ req, pathValues }) =>
        fc.nat({ max: hostileParams.length - 1 }).chain((i) => {
          const p = hostileParams[i];
          return hostileParam(p).map((h) => {
            const refuse = paramMustRefuse(p, h);
            if (p.in === 'path') {
              const segs = pathSegments(op.path, { ...pathValues, [p.name]: { raw: h.raw ? (h.value as string) : wtf8Encode(h.value as string) } });
              return { ...req, path: segs, label: `path ${p.name}: ${h.label}`, expect: refuse ? ('refuse' as const) : ('any' as const), field: `param:${p.name}` };
            }
            const query = req.query.filter(([k]) => k !== p.name);
            query.push([p.name, h.raw ? { raw: h.value as string } : (h.value as string)]);
            return { ...req, query, label: `query ${p.name}: ${h.label}`, expect: refuse ? ('refuse' as const) : ('any' as const), field: `query:${p.name}` };
          });
        }),
      ),
    });
  }
  // (4) the Idempotency-Key header.
  if (hasIdem) {
    variants.push({
      weight: 3,
      arbitrary: base.chain(({ req }) =>
        fc
          .constantFrom<[string | undefined, boolean, string]>(
            [undefined, true, 'missing'],
            ['', true, 'empty'],
            ['k'.repeat(256), true, '256 chars'],
            ['k'.repeat(8_000), true, '8000 chars'],
            ['a\u0001b', true, 'U+0001'],
            ['a\u001fb', true, 'U+001F'],
            ['a\u007fb', true, 'U+007F'],
            ['a\u000bb', true, 'U+000B'],
            ['clé-é', false, 'latin-1'],
            ['a\tb', false, 'tab'],
          )
          .map(([k, refuse, what]) => {
            const headers = { ...req.headers };
            if (k === undefined) delete headers['idempotency-key'];
            else headers['idempotency-key'] = k;
            return { ...req, headers, label: `Idempotency-Key ${what}`, expect: refuse ? ('refuse' as const) : ('any' as const), field: 'header:idempotency-key' };
          }),
      ),
    });
  }
  // (5) the wrong caller.
  if (op.caller !== 'none') {
    const wrong: AuthAs[] = ['none', 'garbage', 'control-char', op.caller === 'ops' ? 'provider' : 'ops', 'unknown-provider'];
    variants.push({ weight: 3, arbitrary: base.chain(({ req }) => fc.constantFrom(...wrong).map((auth) => ({ ...req, auth, label: `auth: ${auth}`, expect: 'refuse' as const }))) });
  }
  return fc.oneof(...variants);
}

/** encodeURIComponent, except that a lone surrogate is sent as its WTF-8 bytes (%ED%A0%80) instead of throwing. */
export function wtf8Encode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
    if (pair) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(s[i]);
  }
  return out;
}

function rawBytesInFirstString(json: string, bytes: number[]): number[] {
  const enc = new TextEncoder();
  const m = json.match(/":"/);
  const at = m?.index !== undefined ? m.index + 3 : json.indexOf('"') + 1;
  if (at <= 0) return [...enc.encode(json)];
  return [...enc.encode(json.slice(0, at)), ...bytes, ...enc.encode(json.slice(at))];
}

/** Unknown paths, and known paths with another method. */
export function strayRequests(ops: Operation[], pools: Pools): fc.Arbitrary<FuzzRequest> {
  const byPath = new Map<string, Operation[]>();
  for (const op of ops) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  const unknown = fc
    .tuple(fc.constantFrom('/v1/nope', '/v1/redemptions/x/y', '/v1/ops', '/v1', '/%00', '/v1/enrollments/', '/V1/REDEMPTIONS', '/v1//redemptions', '/v1/callbacks', '/v1/tasks/a/b', '/v1/ops/%00', '/openapi.json/x'), fc.constantFrom('GET', 'POST', 'DELETE'), fc.constantFrom<AuthAs>('provider', 'ops', 'none'))
    .map(([p, method, auth]): FuzzRequest => ({ op: `${method} (unknown path)`, method, path: p.split('/').slice(1).map((raw) => ({ raw })), query: [], auth, headers: { 'idempotency-key': 'stray' }, contentType: method === 'GET' ? undefined : 'application/json', body: method === 'GET' ? undefined : { json: {} }, label: `unknown path ${p}`, expect: p.includes('%00') ? 'refuse' : 'not-found' })); // a NUL may be refused (400) before routing
  const wrongMethod = fc.constantFrom(...byPath.keys()).chain((path) => {
    const have = byPath.get(path)!.map((o) => o.method);
    const others = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !have.includes(m) && !(m === 'GET' && have.includes('HEAD')));
    const op = byPath.get(path)![0];
    return fc.tuple(fc.constantFrom(...others), fc.record(Object.fromEntries(op.params.filter((p) => p.in === 'path').map((p) => [p.name, validValue(p.schema, pools.hints, [p.name])])))).map(
      ([method, values]): FuzzRequest => ({ op: `${method} ${path}`, method, path: pathSegments(path, values), query: [], auth: callerFor(op), headers: { 'idempotency-key': 'stray' }, contentType: method === 'GET' || method === 'DELETE' ? undefined : 'application/json', body: method === 'GET' || method === 'DELETE' ? undefined : { json: {} }, label: `wrong method`, expect: 'method-not-allowed', allow: have }),
    );
  });
  return fc.oneof(unknown, wrongMethod);
}

// ---------------------------------------------------------------------------------------------
// Sending and checking

export interface Failure {
  oracle: string;
  req: FuzzRequest;
  status: number;
  code?: string;
  excerpt: string;
  detail?: string;
}

export interface Sent {
  url: string;
  init: RequestInit;
}

export function buildRequest(req: FuzzRequest, tokens: Record<AuthAs, string | undefined>, resolve: Resolve): Sent {
  const path = `/${req.path.map((s) => (s instanceof Late ? wtf8Encode(String(resolve(s))) : typeof s === 'string' ? wtf8Encode(s) : s.raw)).join('/')}`;
  const qs = req.query
    .map(([k, v]) => {
      const s = v instanceof Late ? wtf8Encode(String(resolve(v))) : typeof v === 'string' ? wtf8Encode(v) : v.raw;
      return `${encodeURIComponent(k)}=${s}`;
    })
    .join('&');
  const headers: Record<string, string> = { ...req.headers };
  const token = tokens[req.auth];
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (req.contentType) headers['content-type'] = req.contentType;
  let body: BodyInit | undefined;
  if (req.body && 'json' in req.body) body = toJson(req.body.json, resolve);
  else if (req.body && 'text' in req.body) body = req.body.text;
  else if (req.body && 'bytes' in req.body) body = new Uint8Array(req.body.bytes);
  return { url: `${path}${qs ? `?${qs}` : ''}`, init: { method: req.method, headers, body } };
}

/** One line a human can paste into a curl: method, URL, headers (tokens by role), body excerpt. */
export function describeRequest(req: FuzzRequest): string {
  const show = (v: string) => (v.length > 60 ? `${v.slice(0, 20)}…(${v.length} chars)` : v);
  const path = `/${req.path.map((s) => (s instanceof Late ? `<${s.pool}>` : typeof s === 'string' ? wtf8Encode(show(s)) : show(s.raw))).join('/')}`;
  const qs = req.query.map(([k, v]) => `${k}=${v instanceof Late ? `<${v.pool}>` : typeof v === 'string' ? wtf8Encode(show(v)) : show(v.raw)}`).join('&');
  const url = `${path}${qs ? `?${qs}` : ''}`;
  const hdrs = Object.entries(req.headers).map(([k, v]) => `${k}: ${visible(show(v))}`);
  if (req.contentType) hdrs.push(`content-type: ${req.contentType}`);
  hdrs.push(`auth: ${req.auth}`);
  let body = '';
  if (req.body && 'json' in req.body) body = toJson(req.body.json, () => '<id>', true);
  else if (req.body && 'text' in req.body) body = req.body.text.length > 80 ? `${req.body.text.slice(0, 20)}…(${req.body.text.length} chars)` : visible(req.body.text);
  else if (req.body && 'bytes' in req.body) body = `bytes(${req.body.bytes.length}): ${Buffer.from(req.body.bytes).toString('latin1').slice(0, 120)}`;
  const shortUrl = url.length > 160 ? `${url.slice(0, 120)}…(${url.length})` : url;
  return `${req.method} ${shortUrl} [${hdrs.join('; ')}]${body ? ` body=${body.length > 400 ? `${body.slice(0, 400)}…` : body}` : ''}`;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json?: unknown;
}

/** The per-answer oracles; returns the failures (empty when the answer is fine). */
export function checkAnswer(req: FuzzRequest, a: Answer): Array<Omit<Failure, 'req'>> {
  const out: Array<Omit<Failure, 'req'>> = [];
  const p = (a.json && typeof a.json === 'object' ? a.json : {}) as Record<string, unknown>;
  const code = typeof p.code === 'string' ? p.code : undefined;
  const excerpt = a.text.length > 300 ? `${a.text.slice(0, 300)}…` : a.text;
  const fail = (oracle: string, detail?: string) => out.push({ oracle, status: a.status, code, excerpt, detail });

  if (!a.headers.get('x-request-id')) fail('no x-request-id');
  if (a.status >= 500) {
    const partner = [502, 503, 504].includes(a.status) && a.headers.get('content-type')?.startsWith('application/problem+json') && code && code !== 'internal_error';
    if (!partner) fail('5xx');
  }
  if (a.status >= 400) {
    const ct = a.headers.get('content-type') ?? '';
    if (!ct.startsWith('application/problem+json')) fail('error not problem+json', `content-type ${ct || '(none)'}`);
    else if (a.json === undefined) fail('error not problem+json', 'body is not JSON');
    else {
      const missing = ['type', 'title', 'detail'].filter((k) => typeof p[k] !== 'string' || !(p[k] as string).length);
      if (p.status !== a.status) missing.push(`status(=${String(p.status)})`);
      if (missing.length) fail('problem lacks members', `missing/invalid: ${missing.join(', ')}`);
      const errors = p.errors;
      if (a.status === 400 && (!Array.isArray(errors) || errors.length === 0)) fail('400 without errors[]');
      if (Array.isArray(errors) && errors.some((e) => !e || typeof e.field !== 'string' || !e.field || typeof e.rule !== 'string' || !e.rule)) fail('errors[] item without field/rule');
      // A body field at fault is named: the mutated field (or a parent or child of it), or the body as a whole.
      // (Only body fields: the framework validates parameters, headers and body one after another and
      // reports the first that fails; a whole-body replacement is rightly answered with the fields it lacks.)
      if (a.status === 400 && req.expect === 'refuse' && req.field && req.field !== 'body' && !/^(param|query|header):/.test(req.field) && Array.isArray(errors) && errors.length) {
        // Compared without control characters: a field name is rightly not echoed with a NUL in it.
        const plain = (f: string) => f.replace(/^(param|query|header):/, '').replace(FORBIDDEN_CHARS_G, '').toLowerCase();
        const leaf = plain(req.field).split('.').filter((x) => !/^\d+$/.test(x)).at(-1) ?? '';
        const named = (errors as Array<{ field?: unknown }>).some((e) => typeof e.field === 'string' && (e.field === 'body' || plain(e.field).includes(leaf) || plain(req.field!).includes(plain(e.field))));
        if (!named) fail('400 names another field', `expected ${req.field}, got ${(errors as Array<{ field?: unknown }>).map((e) => String(e.field)).join(', ')}`);
      }
    }
  }
  if (req.expect === 'refuse' && a.status < 400) fail('invalid request accepted');
  const expect = req.expect;
  if (typeof expect === 'object' && a.status < 400) {
    const items = (p.items ?? []) as Array<{ index: number; status: string }>;
    const item = items.find((i) => i.index === expect.item);
    if (a.status === 200 && item?.status !== 'problem') fail('invalid batch item accepted', `item ${expect.item}: ${item?.status}`);
  }
  if (req.expect === 'not-found' && a.status !== 404) fail('unknown path not 404');
  if (req.expect === 'method-not-allowed') {
    if (a.status !== 405) fail('wrong method not 405');
    else if (!a.headers.get('allow')) fail('405 without Allow');
  }
  return out;
}

/** A request refused as a whole: any 4xx, or a batch answered 200 whose every item was refused. */
export function refusedAsWhole(a: Answer): boolean {
  if (a.status >= 400 && a.status < 500) return true;
  const p = a.json as { summary?: { total: number; problems: number } } | undefined;
  return a.status === 200 && !!p?.summary && p.summary.total > 0 && p.summary.problems === p.summary.total;
}

// ---------------------------------------------------------------------------------------------
// Row counts

/**
 * The row count of every table in the public schema, cheaply: counting every table takes a few ms,
 * so the counts are kept with the transaction id current when they were taken, and taken again only
 * when some transaction has been assigned an id since (every write is; a read is not). Each check
 * costs our own `txid_current()` (one id), hence `+ 1`. Ids are cluster-wide: writes in other
 * databases only cost a recount, never hide a write.
 */
export async function tableCounter(db: Db): Promise<() => Promise<Record<string, number>>> {
  const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
  const tables = rowsOf(await db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`)).map((r) => String(r.tablename));
  const query = sql.raw(`select json_build_object(${tables.map((t) => `'${t}', (select count(*) from "${t}")`).join(', ')}) as c`);
  const xid = async () => BigInt(String(rowsOf(await db.execute(sql`select txid_current()::text as x`))[0].x));
  const countAll = async () => {
    const [row] = rowsOf(await db.execute(query));
    const c = (typeof row.c === 'string' ? JSON.parse(row.c) : row.c) as Record<string, number | string>;
    return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Number(v)]));
  };
  let counts: Record<string, number> | undefined;
  let at = -1n;
  return async () => {
    const now = await xid();
    if (counts && now === at + 1n) {
      at = now;
      return counts;
    }
    at = await xid(); // before counting: a write during the count shows as a later id
    counts = await countAll();
    return counts;
  };
}

export function countDiff(before: Record<string, number>, after: Record<string, number>): string | undefined {
  const d = Object.keys(after)
    .filter((k) => after[k] !== before[k])
    .map((k) => `${k} ${before[k]}→${after[k]}`);
  return d.length ? d.join(', ') : undefined;
}

// ---------------------------------------------------------------------------------------------
// Report

/** The class of a failure: its oracle, then what it is about (per oracle: the route, status and code). */
function classOf(f: Failure): string {
  const what = `${f.status}${f.code ? ` ${f.code}` : ''}`;
  switch (f.oracle) {
    case 'no x-request-id':
      return `${f.oracle} | ${f.status >= 400 ? 'error answers' : 'success answers'}`;
    case 'wrong method not 405':
    case 'unknown path not 404':
      return `${f.oracle} | ${what}`;
    case 'refused request wrote rows':
      return `${f.oracle} | ${f.req.op} | ${what} | ${(f.detail ?? '').replace(/ \d+→\d+/g, '')}`;
    default:
      return `${f.oracle} | ${f.req.op} | ${what}${f.oracle === 'problem lacks members' || f.oracle === 'error not problem+json' ? ` | ${f.detail}` : ''}`;
  }
}

const mutationOf = (f: Failure) =>
  f.req.label
    .replace(/^(body|path|query) ([^:]*): /, '$1 $2: ')
    .replace(/percent-encoded .*/, 'percent-encoded')
    .replace(/content-type .*/, 'content-type')
    .replace(/number as .*/, 'number as string')
    .replace(/body text .*/, 'body not a JSON object');

/** Failures grouped by class, each with its count, the inputs that led there, and its smallest request. */
export function report(failures: Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) groups.set(classOf(f), [...(groups.get(classOf(f)) ?? []), f]);
  const lines: string[] = [];
  for (const [key, fs] of [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const smallest = fs.reduce((m, f) => (describeRequest(f.req).length < describeRequest(m.req).length ? f : m));
    const inputs = [...new Set(fs.map(mutationOf))];
    lines.push(
      `■ ${key} ×${fs.length}`,
      `    inputs: ${inputs.slice(0, 8).join(' · ')}${inputs.length > 8 ? ` · …(${inputs.length - 8} more)` : ''}`,
      `    e.g. ${describeRequest(smallest.req)}`,
      `    → ${smallest.status}${smallest.detail ? ` (${smallest.detail})` : ''} ${smallest.excerpt.slice(0, 240)}`,
    );
  }
  const byOracle = new Map<string, number>();
  for (const f of failures) byOracle.set(f.oracle, (byOracle.get(f.oracle) ?? 0) + 1);
  return `${failures.length} failures in ${groups.size} classes (${[...byOracle].map(([o, n]) => `${o}: ${n}`).join('; ')})\n${lines.join('\n')}`;
}
