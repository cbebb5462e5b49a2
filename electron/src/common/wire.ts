// The browser-mode WebSocket protocol (the Electron carrier uses IPC and MessagePorts instead). Both
// directions are parsed, so neither side trusts a frame's shape.
import { z } from "zod";

const id = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const channel = z.string().min(1).max(64);

export const clientFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), token: z.string().min(16).max(256) }).strict(),
  z.object({ type: z.literal("call"), id, channel, payload: z.unknown() }).strict(),
  z.object({ type: z.literal("open"), id, channel, payload: z.unknown() }).strict(),
  z.object({ type: z.literal("close"), id }).strict(),
]);
export type ClientFrame = z.infer<typeof clientFrame>;

export const serverFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready") }),
  z.object({ type: z.literal("result"), id, value: z.unknown() }),
  z.object({ type: z.literal("error"), id, message: z.string() }),
  z.object({ type: z.literal("message"), id, value: z.unknown() }),
  z.object({ type: z.literal("end"), id, error: z.string().optional() }),
]);
export type ServerFrame = z.infer<typeof serverFrame>;

/** Frames larger than this are refused (a fleet snapshot is a few KiB). */
export const MAX_FRAME_BYTES = 1 << 20;
