/**
 * What of an engine's own output may reach the agent's log. Engines log requests at some levels (vLLM
 * prints "Received request …: prompt: '…'" unless request logging is off; llama-server's verbose mode
 * prints whole request and response bodies), and an engine's stderr is written by code the agent does
 * not control. The agent's promise is that no log line holds a prompt or an output, so engine lines are
 * logged at debug only (the Supervisor does that) and pass through here first:
 *   - once the engine serves, only its warnings and errors are kept: its ordinary lines are where
 *     engines print requests, and no pattern can tell every prompt apart from a log message;
 *   - a line that looks like it carries a request (prompt, messages, content, a request or response
 *     body, token ids) is withheld entirely; only its length is kept;
 *   - any other quoted text longer than a short identifier is replaced by its length;
 *   - what is left is cut to a bounded length.
 * Before the engine first answers its health check it has seen no request, and its lines (loading
 * weights, a CUDA error, a bad flag) are what an operator needs; they get the same redaction.
 * This is a best effort against engines that talk too much, not a licence to let them: docs/models.md
 * says how to turn request logging off in each engine.
 */

/** Words that mark a line as carrying request content, in the shapes engines print them. */
const CONTENT_MARKERS =
  /prompt|messages|content|completion|request body|response body|received request|token_ids|input_ids|\bdelta\b|"text"|\btext\s*[:=]|\boutput\s*[:=]|\binput\s*[:=]|\bchoices\b|\bsampling_?params\b|\{"/i;
/** Quoted runs longer than an identifier; engines quote paths and names briefly, prompts at length. */
const LONG_QUOTED = /"(?:[^"\\]|\\.){41,}"|'(?:[^'\\]|\\.){41,}'/g;
/** Engine lines kept in the log are cut here; a model path or a CUDA error fits. */
export const MAX_ENGINE_LINE = 512;

/** Lines of a serving engine worth an operator's attention, in the words engines use. */
const TROUBLE = /\b(WARN|WARNING|ERROR|CRITICAL|FATAL|PANIC|Traceback|Exception|[A-Za-z]*Error)\b/;

/**
 * What may be logged of one engine line: undefined for nothing. `serving`: the engine has answered its
 * health check since it started, so requests may be reaching it.
 */
export function engineLogLine(line: string, serving: boolean): string | undefined {
  if (serving && !TROUBLE.test(line)) return undefined;
  return redactEngineLine(line);
}

/** The form of an engine's output line that may be logged, or what stands in for it. */
export function redactEngineLine(line: string): string {
  if (CONTENT_MARKERS.test(line))
    return `[engine line withheld: may hold request content, ${line.length} chars]`;
  const cut = line.replace(LONG_QUOTED, (q) => `[quoted, ${q.length - 2} chars]`);
  return cut.length > MAX_ENGINE_LINE ? `${cut.slice(0, MAX_ENGINE_LINE)}… [${cut.length} chars]` : cut;
}
