// Operator strings (reasons, targets, names, notes) end up in the audit log, the node registry, logs
// and the console. A control character there is never meant: PostgreSQL text refuses NUL outright (so
// the row that carries it fails to write, a heartbeat included), and the others can forge log lines or
// hide part of a reason on a terminal. They are refused at the edge, before anything acts on them.

/** Where the first character a plain-text field may not hold is, and which it is. */
export interface ForbiddenCharacter {
  /** Index in UTF-16 code units. */
  index: number;
  /** "U+0000", for messages. */
  codePoint: string;
  /** "a control character" or "an unpaired surrogate". */
  kind: string;
}

/**
 * The first C0 control (NUL, tab and newline included), DEL, C1 control or unpaired UTF-16 surrogate
 * in `text`, or undefined when it is plain text. A loop over char codes: no allocation on clean text.
 */
export function forbiddenCharacter(text: string): ForbiddenCharacter | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return found(i, c, "a control character");
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return found(i, c, "an unpaired surrogate");
    }
    if (c >= 0xdc00 && c <= 0xdfff) return found(i, c, "an unpaired surrogate");
  }
  return undefined;
}

function found(index: number, code: number, kind: string): ForbiddenCharacter {
  return { index, codePoint: `U+${code.toString(16).toUpperCase().padStart(4, "0")}`, kind };
}

/**
 * The refusal for a field that is not plain text, naming the field and the character, or undefined.
 * `field` is the name the caller knows the field by (`reason`, `--note`, `targets.nodes[0]`).
 */
export function plainTextProblem(field: string, text: string): string | undefined {
  const bad = forbiddenCharacter(text);
  if (!bad) return undefined;
  return (
    `${field} contains ${bad.kind} (${bad.codePoint} at position ${bad.index + 1}); ` +
    "reasons, targets and names must be plain text on one line: remove it and try again."
  );
}

/**
 * Walks a decoded request (plain objects, arrays, strings; bytes are skipped) and returns the problem
 * with the first string field, or map key, that is not plain text. Paths use the contract's snake_case
 * field names so the operator finds the flag or field.
 */
export function requestTextProblem(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return plainTextProblem(path || "the request", value);
  if (value === null || typeof value !== "object" || Buffer.isBuffer(value) || ArrayBuffer.isView(value))
    return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = requestTextProblem(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    const name = key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    const at = path ? `${path}.${name}` : name;
    const keyProblem = plainTextProblem(`a key of ${path || "the request"}`, key);
    if (keyProblem) return keyProblem;
    const problem = requestTextProblem(inner, at);
    if (problem) return problem;
  }
  return undefined;
}
