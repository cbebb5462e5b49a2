import { after } from "node:test";

/**
 * Sets environment variables for a test (`undefined` removes one) and returns the function that puts
 * back exactly what was there before: the one save-and-restore of `process.env` every test uses.
 */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** `setEnv` for a whole test file: set now, at the top level, and restored in an `after` hook. */
export function useEnv(vars: Record<string, string | undefined>): void {
  after(setEnv(vars));
}
