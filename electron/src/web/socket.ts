// One browser tab's WebSocket: a hello with the token first, then calls and streams by id, each frame
// parsed with the wire schema; every payload is then parsed again by the channel's schema (router).
import type { WebSocket } from "ws";
import { clientFrame, type ServerFrame } from "../common/index.js";
import { errorText, type Router } from "../node/router.js";

/** A tab that does not authenticate within this long is dropped. */
const HELLO_TIMEOUT_MS = 5_000;

export function attachSocket(ws: WebSocket, router: Router, tokenOk: (token: string) => boolean): void {
  let authenticated = false;
  const streams = new Map<number, AbortController>();
  const send = (frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const helloTimer = setTimeout(() => ws.close(4401, "no hello"), HELLO_TIMEOUT_MS);

  ws.on("close", () => {
    clearTimeout(helloTimer);
    for (const controller of streams.values()) controller.abort();
    streams.clear();
  });

  ws.on("message", (data, isBinary) => {
    let frame: ReturnType<typeof clientFrame.parse>;
    try {
      if (isBinary) throw new Error("binary frame");
      frame = clientFrame.parse(JSON.parse(data.toString()));
    } catch {
      ws.close(4400, "malformed frame");
      return;
    }
    if (!authenticated) {
      if (frame.type !== "hello" || !tokenOk(frame.token)) {
        ws.close(4401, "bad token");
        return;
      }
      authenticated = true;
      clearTimeout(helloTimer);
      send({ type: "ready" });
      return;
    }
    switch (frame.type) {
      case "hello":
        return;
      case "call":
        router.call(frame.channel, frame.payload).then(
          (value) => send({ type: "result", id: frame.id, value: value ?? null }),
          (error) => send({ type: "error", id: frame.id, message: errorText(error) }),
        );
        return;
      case "open": {
        if (streams.has(frame.id)) return;
        const controller = new AbortController();
        streams.set(frame.id, controller);
        router
          .open(
            frame.channel,
            frame.payload,
            (value) => send({ type: "message", id: frame.id, value }),
            controller.signal,
          )
          .then(
            () => send({ type: "end", id: frame.id }),
            (error) => send({ type: "end", id: frame.id, error: errorText(error) }),
          )
          .finally(() => streams.delete(frame.id));
        return;
      }
      case "close":
        streams.get(frame.id)?.abort();
        streams.delete(frame.id);
        return;
    }
  });
}
