// A server stream that outlives its connection: when the call fails (agent restarted, network blip,
// keepalive timeout) it is opened again after a backoff, and the caller sees link states instead of an
// end. WatchStatus sends a full snapshot first, so resuming needs no cursor.
import { status } from "@grpc/grpc-js";
import { Backoff } from "./backoff.js";

/** The part of a grpc-js ClientReadableStream this needs (and a fake can provide). */
export interface ReadableCall<T> {
  on(event: "data", listener: (message: T) => void): unknown;
  on(event: "error", listener: (error: Error & { code?: number; details?: string }) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  cancel(): void;
}

export type ResumeState = "ready" | "reconnecting" | "failed";

/** Refusals that retrying cannot fix: show them and stop. */
const PERMANENT = new Set<number>([
  status.PERMISSION_DENIED,
  status.UNAUTHENTICATED,
  status.UNIMPLEMENTED,
  status.INVALID_ARGUMENT,
]);

export function resumeStream<T>(options: {
  open: () => ReadableCall<T>;
  onMessage: (message: T) => void;
  onState: (state: ResumeState, error?: string) => void;
  signal: AbortSignal;
  backoff?: Backoff;
}): void {
  const backoff = options.backoff ?? new Backoff();
  let call: ReadableCall<T> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ready = false;

  const retry = (message: string) => {
    ready = false;
    options.onState("reconnecting", message);
    timer = setTimeout(start, backoff.next());
  };

  function start() {
    if (options.signal.aborted) return;
    const current = options.open();
    call = current;
    let finished = false;
    current.on("data", (message) => {
      if (!ready) {
        ready = true;
        backoff.reset();
        options.onState("ready");
      }
      options.onMessage(message);
    });
    current.on("error", (error) => {
      if (finished || options.signal.aborted) return;
      finished = true;
      const text = error.details || error.message;
      if (error.code !== undefined && PERMANENT.has(error.code)) options.onState("failed", text);
      else retry(text);
    });
    current.on("end", () => {
      if (finished || options.signal.aborted) return;
      finished = true;
      retry("the agent ended the stream");
    });
  }

  options.signal.addEventListener("abort", () => {
    clearTimeout(timer);
    call?.cancel();
  });
  start();
}
