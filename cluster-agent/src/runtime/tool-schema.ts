/**
 * The JSON Schemas node-llama-cpp can hold arguments to. Its grammar builder rarely throws: it turns
 * what it does not know into "any value" (or, for an unknown type, null), so arguments would no longer
 * validate. This check refuses such schemas up front, naming the JSON Schema keyword (never a property
 * name or other customer text), and rewrites the few equivalent spellings it accepts.
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

export class UnsupportedSchemaError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A schema the grammar builder maps exactly; throws UnsupportedSchemaError otherwise. */
export function grammarSchema(schema: unknown): Record<string, unknown> {
  if (!isObject(schema)) throw new UnsupportedSchemaError("a schema must be an object");
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key)) continue;
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
      if (typeof value !== "string" || !FORMATS.has(value))
        throw new UnsupportedSchemaError("only the string formats date-time, time and date are supported");
      out.format = value;
    } else if (key === "$ref") {
      if (typeof value !== "string" || !value.startsWith("#/$defs/"))
        throw new UnsupportedSchemaError('$ref must point into "#/$defs/"');
      out.$ref = value;
    } else if (key === "oneOf" || key === "anyOf") {
      // For generation the two are the same union of alternatives.
      if (!Array.isArray(value) || value.length === 0)
        throw new UnsupportedSchemaError(`${key} must be a non-empty array`);
      out.oneOf = value.map(grammarSchema);
    } else if (key === "properties" || key === "$defs") {
      if (!isObject(value)) throw new UnsupportedSchemaError(`${key} must be an object`);
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, grammarSchema(v)]));
    } else if (key === "items" || (key === "additionalProperties" && typeof value !== "boolean")) {
      out[key] = grammarSchema(value);
    } else if (key === "prefixItems") {
      if (!Array.isArray(value)) throw new UnsupportedSchemaError("prefixItems must be an array");
      out[key] = value.map(grammarSchema);
    } else out[key] = value;
  }
  return out;
}
