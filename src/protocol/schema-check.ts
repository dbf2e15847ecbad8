import type { z } from "zod";

/** A predicate with the verdict of a zod schema's `safeParse(value).success`. */
export type SchemaCheck = (value: unknown) => boolean;

/*
 * zod builds a validated copy of every object it parses, which makes it the largest cost
 * of writing and reading a session's events. Where only the verdict is needed, a
 * predicate compiled from the same schema answers without allocating. It covers the part
 * of zod the event schemas use and throws on anything else, so a schema change it does
 * not understand fails at once rather than checking less; a test compares its verdicts
 * with zod's on every event type and thousands of broken variants.
 */

// The parts of zod's internal definitions the compiler reads.
interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  check?: string;
  format?: string;
  values?: unknown[];
  entries?: Record<string, unknown>;
  innerType?: z.core.$ZodType;
  element?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
  catchall?: z.core.$ZodType;
  options?: z.core.$ZodType[];
  discriminator?: string;
  keyType?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
}

interface CheckDef {
  check: string;
  minimum?: number;
  value?: unknown;
  inclusive?: boolean;
}

const defOf = (schema: z.core.$ZodType) => schema._zod.def as unknown as Def;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** zod's notion of a plain object (for records): an object whose constructor, if any, looks like Object's. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  const ctor = v.constructor;
  if (ctor === undefined || typeof ctor !== "function") return true;
  const proto: unknown = ctor.prototype;
  return isObject(proto) && Object.hasOwn(proto, "isPrototypeOf");
}

function unsupported(what: string): never {
  throw new Error(`compileSchemaCheck does not support ${what}; extend it or check with zod.`);
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function stringCheck(def: Def): SchemaCheck {
  let min = 0;
  for (const { _zod } of def.checks ?? []) {
    if (_zod.def.check !== "min_length" || typeof _zod.def.minimum !== "number") {
      unsupported(`string check ${_zod.def.check}`);
    }
    min = Math.max(min, _zod.def.minimum);
  }
  if (min === 0) return (v) => typeof v === "string";
  // zod counts code points; a string of 2·min UTF-16 units has at least min of them.
  return (v) => typeof v === "string" && v.length >= min && (v.length >= min * 2 || codePoints(v) >= min);
}

function numberCheck(def: Def): SchemaCheck {
  const bounds: { value: number; inclusive: boolean }[] = [];
  for (const { _zod } of def.checks ?? []) {
    const c = _zod.def;
    if (c.check !== "greater_than" || typeof c.value !== "number") unsupported(`number check ${c.check}`);
    bounds.push({ value: c.value, inclusive: c.inclusive === true });
  }
  if (def.check !== undefined && !(def.check === "number_format" && def.format === "safeint")) {
    unsupported(`number format ${String(def.format)}`);
  }
  const int = def.check === "number_format";
  const base: SchemaCheck = int
    ? (v) => Number.isSafeInteger(v)
    : (v) => typeof v === "number" && Number.isFinite(v);
  if (bounds.length === 0) return base;
  return (v) =>
    base(v) && bounds.every((b) => (b.inclusive ? (v as number) >= b.value : (v as number) > b.value));
}

function objectCheck(def: Def): SchemaCheck {
  if (def.catchall !== undefined && defOf(def.catchall).type !== "unknown") unsupported("a strict object");
  const keys = Object.keys(def.shape ?? {});
  const checks = keys.map((k) => compileSchemaCheck(def.shape![k]!));
  return (v) => {
    if (!isObject(v)) return false;
    for (let i = 0; i < keys.length; i++) if (!checks[i]!(v[keys[i]!])) return false;
    return true;
  };
}

function discriminatedUnionCheck(def: Def): SchemaCheck {
  const key = def.discriminator;
  if (key === undefined) unsupported("a union without a discriminator");
  const byTag = new Map<unknown, SchemaCheck>();
  for (const option of def.options ?? []) {
    const tag = defOf(option).shape?.[key];
    const tags = tag ? defOf(tag).values : undefined;
    if (!tags) unsupported(`a discriminated union option without a literal ${key}`);
    const check = compileSchemaCheck(option);
    for (const t of tags) byTag.set(t, check);
  }
  return (v) => {
    if (!isObject(v)) return false;
    const check = byTag.get(v[key]);
    return check?.(v) === true;
  };
}

function recordCheck(def: Def): SchemaCheck {
  const keyDef = defOf(def.keyType!);
  if (keyDef.type !== "string" || (keyDef.checks?.length ?? 0) > 0)
    unsupported("a record key other than z.string()");
  if (defOf(def.valueType!).type !== "unknown") unsupported("a record value other than z.unknown()");
  return (v) => {
    if (!isPlainObject(v)) return false;
    // An enumerable symbol key fails z.string().
    for (const s of Object.getOwnPropertySymbols(v))
      if (Object.prototype.propertyIsEnumerable.call(v, s)) return false;
    return true;
  };
}

/** Compiles `schema` into a predicate with the same verdicts as `schema.safeParse(value).success`. */
export function compileSchemaCheck(schema: z.core.$ZodType): SchemaCheck {
  const def = defOf(schema);
  switch (def.type) {
    case "string":
      return stringCheck(def);
    case "number":
      return numberCheck(def);
    case "boolean":
      return (v) => typeof v === "boolean";
    case "unknown":
      return () => true;
    case "literal":
    case "enum": {
      const values = new Set(def.type === "literal" ? def.values : Object.values(def.entries ?? {}));
      return (v) => values.has(v);
    }
    case "optional": {
      const inner = compileSchemaCheck(def.innerType!);
      return (v) => v === undefined || inner(v);
    }
    case "array": {
      const element = compileSchemaCheck(def.element!);
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
    }
    case "object":
      return objectCheck(def);
    case "union":
      return discriminatedUnionCheck(def);
    case "record":
      return recordCheck(def);
    default:
      return unsupported(`z.${def.type}()`);
  }
}
