// The browser-mode carrier, renderer side: one WebSocket to the loopback server that served this page,
// authenticated by the token from the URL fragment. Streams are ended with an error when the socket
// drops; the views reopen them (the Node side keeps the agent channels meanwhile).
import type { ConsoleApi, ServerFrame } from "@entrim/electron/common";
import { serverFrame } from "@entrim/electron/common";

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}
interface Open {
  message(value: unknown): void;
  end(error?: string): void;
}

export function wsApi(url: string, token: string): { api: ConsoleApi; ready: Promise<void> } {
  const socket = new WebSocket(url);
  const calls = new Map<number, Pending>();
  const streams = new Map<number, Open>();
  let nextId = 1;
  let failure: string | undefined;

  const ready = new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "hello", token })));
    socket.addEventListener("message", (event) => {
      const parsed = serverFrame.safeParse(JSON.parse(String(event.data)));
      if (!parsed.success) return;
      const frame: ServerFrame = parsed.data;
      if (frame.type === "ready") resolve();
      else if (frame.type === "result") calls.get(frame.id)?.resolve(frame.value);
      else if (frame.type === "error") calls.get(frame.id)?.reject(new Error(frame.message));
      else if (frame.type === "message") streams.get(frame.id)?.message(frame.value);
      else if (frame.type === "end") streams.get(frame.id)?.end(frame.error);
      if (frame.type === "result" || frame.type === "error") calls.delete(frame.id);
      if (frame.type === "end") streams.delete(frame.id);
    });
    socket.addEventListener("close", (event) => {
      failure = `console connection closed (${event.code}${event.reason ? `: ${event.reason}` : ""})`;
      reject(new Error(failure));
      for (const call of calls.values()) call.reject(new Error(failure));
      for (const stream of streams.values()) stream.end(failure);
      calls.clear();
      streams.clear();
    });
  });

  const send = (frame: object) => {
    if (failure) throw new Error(failure);
    socket.send(JSON.stringify(frame));
  };

  const api: ConsoleApi = {
    call(channel, request) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        calls.set(id, { resolve: resolve as (value: unknown) => void, reject });
        try {
          send({ type: "call", id, channel: channel.id, payload: request });
        } catch (error) {
          calls.delete(id);
          reject(error as Error);
        }
      });
    },
    stream(channel, request, on) {
      const id = nextId++;
      streams.set(id, { message: (value) => on.message(value as never), end: on.end });
      try {
        send({ type: "open", id, channel: channel.id, payload: request });
      } catch (error) {
        streams.delete(id);
        on.end((error as Error).message);
      }
      return () => {
        if (!streams.delete(id)) return;
        if (!failure) send({ type: "close", id });
      };
    },
  };
  return { api, ready };
}
