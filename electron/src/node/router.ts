// The carrier-independent half of every call: find the channel's handler, parse the payload with the
// channel's schema, run it. Both carriers (Electron IPC, browser-mode WebSocket) go through this, so
// validation cannot be forgotten by one of them.
import type { z } from "zod";
import {
  type Channels,
  ConsoleError,
  channels,
  type RequestChannel,
  type StreamChannel,
} from "../common/index.js";

type RequestImpl<C> =
  C extends RequestChannel<infer S, infer Res> ? (request: z.output<S>) => Promise<Res> : never;
type StreamImpl<C> =
  C extends StreamChannel<infer S, infer Msg>
    ? (request: z.output<S>, emit: (message: Msg) => void, signal: AbortSignal) => Promise<void>
    : never;

/** One implementation per channel of the contract; the compiler checks that none is missing. */
export type Handlers = {
  [K in keyof Channels]: Channels[K] extends RequestChannel<z.ZodType, unknown>
    ? RequestImpl<Channels[K]>
    : StreamImpl<Channels[K]>;
};

export interface Router {
  call(channelId: string, payload: unknown): Promise<unknown>;
  open(
    channelId: string,
    payload: unknown,
    emit: (message: unknown) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

const byId = new Map(Object.entries(channels).map(([key, channel]) => [channel.id, { key, channel }]));

function lookup(channelId: string, kind: "request" | "stream") {
  const found = byId.get(channelId);
  if (!found || found.channel.kind !== kind) throw new ConsoleError(`No ${kind} channel "${channelId}".`);
  return found;
}

function parse(schema: z.ZodType, payload: unknown, channelId: string): unknown {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConsoleError(
      `Invalid ${channelId} request: ${issue?.path.join(".") || "payload"}: ${issue?.message}`,
    );
  }
  return result.data;
}

export function createRouter(handlers: Handlers): Router {
  // Handlers are looked up by key; the mapped type above guarantees each matches its channel.
  const table = handlers as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  return {
    async call(channelId, payload) {
      const { key, channel } = lookup(channelId, "request");
      return table[key]!(parse(channel.request, payload, channelId));
    },
    async open(channelId, payload, emit, signal) {
      const { key, channel } = lookup(channelId, "stream");
      await table[key]!(parse(channel.request, payload, channelId), emit, signal);
    },
  };
}

/** Errors cross the carrier as text: a ConsoleError's message as is, anything else generically. */
export function errorText(error: unknown): string {
  if (error instanceof ConsoleError) return error.message;
  if (error instanceof Error && "code" in error && "details" in error) return String(error.details); // grpc
  return error instanceof Error ? error.message : String(error);
}
