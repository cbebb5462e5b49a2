/**
 * The JSON Schemas node-llama-cpp can hold arguments to. Its grammar builder rarely throws: it turns
 * what it does not know into "any value" (or, for an unknown type, null), so arguments would no longer
 * validate. This check refuses such schemas up front, naming the JSON Schema keyword (never a property
 * name or other customer text), and rewrites the few equivalent spellings it accepts.
 *
 * Under `strict` (OpenAI's promise that arguments validate) every keyword the grammar cannot enforce
 * is refused. Otherwise the value constraints it cannot enforce (`minimum`, `pattern`, …, which schema
 * generators such as zod emit freely) are left out of the grammar: the shape is still held, as OpenAI's
 * non-strict mode does not promise more. Keywords that change the shape (`allOf`, `not`, `if`) are
 * refused either way.
 */

const TYPES = new Set(["string", "number", "integer", "boolean", "null", "object", "array"]);
const FORMATS = new Set(["date-time", "time", "date"]);
/** Words that say something about a value without constraining it: accepted and dropped. */
const ANNOTATIONS = new Set([
  "title",
  "default",
  "examples",
  "$schema",
  "$id",
  "$comment",
  "deprecated",
  "readOnly",
  "writeOnly",
  "strict",
]);
const STRUCTURE = new Set([
  "description",
  "type",
  "const",
  "enum",
  "oneOf",
  "anyOf",
  "properties",
  "additionalProperties",
  "required",
  "minProperties",
  "maxProperties",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "format",
  "$defs",
  "$ref",
]);
/** Keywords the grammar cannot enforce; named in the error because they are JSON Schema's, not the customer's. */
const KNOWN_UNSUPPORTED = new Set([
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "not",
  "if",
  "then",
  "else",
  "allOf",
  "patternProperties",
  "propertyNames",
  "dependentRequired",
  "dependentSchemas",
  "uniqueItems",
  "contains",
  "minContains",
  "maxContains",
  "unevaluatedProperties",
  "unevaluatedItems",
  "definitions",
  "$anchor",
  "$dynamicRef",
]);

/** Narrow a value without changing its shape: dropped from the grammar outside strict mode. */
const VALUE_CONSTRAINTS = new Set([
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "uniqueItems",
  "contains",
  "minContains",
  "maxContains",
  "propertyNames",
  "patternProperties",
  "dependentRequired",
  "unevaluatedProperties",
  "unevaluatedItems",
]);

export class UnsupportedSchemaError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * OpenAI's published bounds on a structured-output schema. A grammar is built and compiled for every
 * request that brings one, on the event loop and in native code, and every generated token is checked
 * against it: without bounds one request's 4 MiB enum would stall the node for seconds.
 */
export const SCHEMA_LIMITS = { properties: 5000, enumValues: 1000, textLength: 120_000 } as const;

interface Budget {
  properties: number;
  enumValues: number;
  textLength: number;
}

function spend(budget: Budget, what: keyof Budget, amount: number): void {
  budget[what] += amount;
  if (budget[what] > SCHEMA_LIMITS[what]) {
    throw new UnsupportedSchemaError(
      `a schema may have at most ${SCHEMA_LIMITS.properties} properties and ${SCHEMA_LIMITS.enumValues} enum values, with ${SCHEMA_LIMITS.textLength} characters of names and values in all`,
    );
  }
}

const textOf = (value: unknown): number =>
  typeof value === "string" ? value.length : (JSON.stringify(value)?.length ?? 0);

/**
 * A schema the grammar builder maps exactly (strict), or maps with its value constraints left out;
 * throws UnsupportedSchemaError otherwise. draft-07's `definitions` is read as `$defs`.
 */
export function grammarSchema(
  schema: unknown,
  strict = true,
  budget: Budget = { properties: 0, enumValues: 0, textLength: 0 },
): Record<string, unknown> {
  const walk = (node: unknown): Record<string, unknown> => grammarSchema(node, strict, budget);
  if (!isObject(schema)) throw new UnsupportedSchemaError("a schema must be an object");
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(schema)) {
    const key = rawKey === "definitions" ? "$defs" : rawKey;
    if (ANNOTATIONS.has(key)) continue;
    if (!strict && (VALUE_CONSTRAINTS.has(key) || (!STRUCTURE.has(key) && !KNOWN_UNSUPPORTED.has(key))))
      continue;
    if (!STRUCTURE.has(key))
      throw new UnsupportedSchemaError(
        KNOWN_UNSUPPORTED.has(key) ? `the keyword "${key}" is not supported` : "a keyword is not supported",
      );
    if (key === "type") {
      const types = Array.isArray(value) ? value : [value];
      if (types.length === 0 || types.some((t) => typeof t !== "string" || !TYPES.has(t)))
        throw new UnsupportedSchemaError(
          "type must be one of string, number, integer, boolean, null, object, array",
        );
      out.type = value;
    } else if (key === "format") {
      if (typeof value !== "string" || !FORMATS.has(value)) {
        // An unknown format is a value constraint like any other: outside strict mode, any string.
        if (!strict) continue;
        throw new UnsupportedSchemaError("only the string formats date-time, time and date are supported");
      }
      out.format = value;
    } else if (key === "$ref") {
      const ref = typeof value === "string" ? value.replace(/^#\/definitions\//, "#/$defs/") : value;
      if (typeof ref !== "string" || !ref.startsWith("#/$defs/"))
        throw new UnsupportedSchemaError('$ref must point into "#/$defs/"');
      out.$ref = ref;
    } else if (key === "oneOf" || key === "anyOf") {
      // For generation the two are the same union of alternatives.
      if (!Array.isArray(value) || value.length === 0)
        throw new UnsupportedSchemaError(`${key} must be a non-empty array`);
      out.oneOf = value.map(walk);
    } else if (key === "properties" || key === "$defs") {
      if (!isObject(value)) throw new UnsupportedSchemaError(`${key} must be an object`);
      const names = Object.keys(value);
      spend(budget, "properties", names.length);
      spend(
        budget,
        "textLength",
        names.reduce((n, name) => n + name.length, 0),
      );
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    } else if (key === "items" || (key === "additionalProperties" && typeof value !== "boolean")) {
      out[key] = walk(value);
    } else if (key === "prefixItems") {
      if (!Array.isArray(value)) throw new UnsupportedSchemaError("prefixItems must be an array");
      out[key] = value.map(walk);
    } else {
      if (key === "enum" && Array.isArray(value)) {
        spend(budget, "enumValues", value.length);
        spend(
          budget,
          "textLength",
          value.reduce((n: number, v) => n + textOf(v), 0),
        );
      } else if (key === "const") spend(budget, "textLength", textOf(value));
      out[key] = value;
    }
  }
  return out;
}
