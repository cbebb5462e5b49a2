/**
 * Tool calling in requests: function definitions, tool_choice, and the history's tool calls and
 * results, validated once so both runtimes receive definitions they can act on. Tool names,
 * descriptions, schemas, arguments and results are the customer's content: no message here ever
 * quotes them, only says where they are.
 */
import { z } from "zod";

/** OpenAI's limits: 128 tools, names of 1-64 letters, digits, _ and -. */
export const TOOL_LIMITS = {
  tools: 128,
  toolCallsPerMessage: 128,
  /** Levels of nesting in one parameters schema: grammars are built recursively from it. */
  schemaDepth: 32,
  idLength: 256,
} as const;

export const toolName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1-64 letters, digits, _ or -");

/** How deep a JSON value nests; stops counting past `limit` so a hostile value costs little. */
function depthOver(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

const JSON_TYPES = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);

/**
 * The parts of a parameters schema every consumer relies on: an object schema at the top, `type`
 * naming JSON types, `properties` an object of schemas, `required` a list of names, `enum` a list.
 * Deeper validity (a grammar for every construct) is the runtime's to judge, with a 400 of its own.
 */
function schemaProblem(schema: Record<string, unknown>): string | null {
  if (depthOver(schema, TOOL_LIMITS.schemaDepth))
    return `nests deeper than ${TOOL_LIMITS.schemaDepth} levels`;
  if (schema.type !== undefined && schema.type !== "object") return "must describe an object (type: object)";
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null || Array.isArray(node)) continue;
    const s = node as Record<string, unknown>;
    const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
    if (!types.every((t) => typeof t === "string" && JSON_TYPES.has(t)))
      return "has a `type` that is not a JSON type";
    if (s.properties !== undefined) {
      if (typeof s.properties !== "object" || s.properties === null || Array.isArray(s.properties))
        return "has `properties` that is not an object of schemas";
      for (const child of Object.values(s.properties)) {
        if (typeof child !== "object" || child === null || Array.isArray(child))
          return "has a property whose schema is not an object";
        stack.push(child);
      }
    }
    if (
      s.required !== undefined &&
      !(Array.isArray(s.required) && s.required.every((r) => typeof r === "string"))
    )
      return "has `required` that is not a list of property names";
    if (s.enum !== undefined && !(Array.isArray(s.enum) && s.enum.length > 0))
      return "has `enum` that is not a non-empty list";
    for (const key of ["items", "additionalProperties", "not"]) {
      const child = s[key];
      if (child !== undefined && typeof child !== "boolean" && (typeof child !== "object" || child === null))
        return `has \`${key}\` that is not a schema`;
      stack.push(child);
    }
    for (const key of ["anyOf", "oneOf", "allOf", "prefixItems"]) {
      const list = s[key];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.length === 0)
        return `has \`${key}\` that is not a non-empty list of schemas`;
      stack.push(...list);
    }
    for (const key of ["$defs", "definitions"]) {
      const defs = s[key];
      if (defs === undefined) continue;
      if (typeof defs !== "object" || defs === null || Array.isArray(defs))
        return `has \`${key}\` that is not an object`;
      stack.push(...Object.values(defs));
    }
  }
  return null;
}

export const parametersSchema = z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
  const problem = schemaProblem(schema);
  if (problem) ctx.addIssue({ code: "custom", message: `the parameters schema ${problem}` });
});

export const functionTool = z
  .object({
    type: z.literal("function"),
    function: z
      .object({
        name: toolName,
        description: z.string().optional(),
        parameters: parametersSchema.optional(),
        strict: z.boolean().nullable().optional(),
      })
      .strict(),
  })
  .strict();

export const tools = z.array(functionTool).max(TOOL_LIMITS.tools);

export const toolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: toolName }).strict() }).strict(),
]);

/** Arguments as the model wrote them: JSON text of an object ("" stands for no arguments). */
export const toolArguments = z.string().refine((text) => {
  if (text.trim() === "") return true;
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}, "must be JSON text of an object");

export const toolCall = z
  .object({
    id: z.string().min(1).max(TOOL_LIMITS.idLength),
    type: z.literal("function"),
    function: z.object({ name: toolName, arguments: toolArguments }).strict(),
  })
  .strict();

export const assistantToolCalls = z.array(toolCall).min(1).max(TOOL_LIMITS.toolCallsPerMessage);

export type FunctionTool = z.infer<typeof functionTool>;
export type ToolChoiceParam = z.infer<typeof toolChoice>;
