/**
 * JSON-Schema grammars for node-llama-cpp, with one correction: its integer rule (3.22) allows an
 * exponent with a sign, so `9E-2` (0.09) passes as an "integer" and arguments stop validating. The
 * rule is rewritten to plain integers; everything else is node-llama-cpp's own grammar.
 */
import type { Llama, LlamaGrammar } from "node-llama-cpp";

const INTEGER_RULE = /^integer-number-rule ::= (.*?) \(\[eE\] \[-\+\]\? [^\n]*\)\?$/m;

/** The GBNF text with integers held to integers; unchanged when node-llama-cpp's rule looks otherwise. */
export function integersWithoutExponent(gbnf: string): string {
  return gbnf.replace(INTEGER_RULE, "integer-number-rule ::= $1");
}

export async function jsonSchemaGrammar(
  llama: Llama,
  schema: Record<string, unknown>,
): Promise<LlamaGrammar> {
  // biome-ignore lint/suspicious/noExplicitAny: node-llama-cpp types schemas it can map statically
  const grammar = await llama.createGrammarForJsonSchema(schema as any);
  const fixed = integersWithoutExponent(grammar.grammar);
  if (fixed === grammar.grammar) return grammar;
  return llama.createGrammar({
    grammar: fixed,
    stopGenerationTriggers: grammar.stopGenerationTriggers,
    trimWhitespaceSuffix: grammar.trimWhitespaceSuffix,
  });
}
