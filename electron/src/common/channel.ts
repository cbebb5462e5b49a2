// Typed channel constants: the one contract between the console's Node side and the renderer. A channel
// carries its request schema (validated on the Node side, whatever the carrier) and, as phantom types,
// what it answers, so the renderer's call site and the handler cannot disagree.
import type { z } from "zod";

export interface RequestChannel<S extends z.ZodType, Res> {
  readonly kind: "request";
  readonly id: string;
  /** The renderer sends `z.input<S>`; the handler receives `z.output<S>` (defaults filled in). */
  readonly request: S;
  /** Phantom: never set, only carries the response type. */
  readonly response?: Res;
}

export interface StreamChannel<S extends z.ZodType, Msg> {
  readonly kind: "stream";
  readonly id: string;
  readonly request: S;
  /** Phantom: never set, only carries the message type. */
  readonly message?: Msg;
}

/**
 * Names the answer type without a value: `returns<Foo>` (an instantiation expression) as the last
 * argument of getRequestChannel/getStreamChannel, so the schema's type is still inferred.
 */
export function returns<T>(_: T): void {}

export function getRequestChannel<S extends z.ZodType, Res>(
  id: string,
  request: S,
  _response: (response: Res) => void,
): RequestChannel<S, Res> {
  return { kind: "request", id, request };
}

export function getStreamChannel<S extends z.ZodType, Msg>(
  id: string,
  request: S,
  _message: (message: Msg) => void,
): StreamChannel<S, Msg> {
  return { kind: "stream", id, request };
}

export type AnyChannel = RequestChannel<z.ZodType, unknown> | StreamChannel<z.ZodType, unknown>;

/** What the renderer sees of either carrier (Electron IPC or the browser-mode WebSocket). */
export interface ConsoleApi {
  call<S extends z.ZodType, Res>(channel: RequestChannel<S, Res>, request: z.input<S>): Promise<Res>;
  /** Opens a server stream; the returned function closes it. `end` is called once, with an error or not. */
  stream<S extends z.ZodType, Msg>(
    channel: StreamChannel<S, Msg>,
    request: z.input<S>,
    on: { message(message: Msg): void; end(error?: string): void },
  ): () => void;
}

/** An error a handler means the operator to read (the agent's refusal, a missing file). */
export class ConsoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConsoleError";
  }
}
