// The Electron carrier: requests over ipcMain.handle, streams over a MessagePort the preload hands over.
// Only the app's own page may call (senderFrame check); every payload then goes through the router,
// which parses it with the channel's schema.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, MessagePortMain } from "electron";
import { z } from "zod";
import { errorText, type Router } from "../node/router.js";

export const IPC_CALL = "entrim:call";
export const IPC_OPEN = "entrim:open";

const callArgs = z.tuple([z.string().min(1).max(64), z.unknown()]);
const openArgs = z.object({ channel: z.string().min(1).max(64), payload: z.unknown() }).strict();

export type CallResult = { ok: true; value: unknown } | { ok: false; error: string };

/** True for frames showing the app's bundle (app://bundle/, see app-protocol.ts). */
export type SenderCheck = (url: string | undefined) => boolean;

export function registerIpc(
  ipcMain: Pick<IpcMain, "handle" | "on">,
  router: Router,
  trusted: SenderCheck,
): void {
  ipcMain.handle(IPC_CALL, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<CallResult> => {
    if (!trusted(event.senderFrame?.url)) return { ok: false, error: "untrusted sender" };
    const parsed = callArgs.safeParse(args);
    if (!parsed.success) return { ok: false, error: "malformed call" };
    try {
      return { ok: true, value: (await router.call(parsed.data[0], parsed.data[1])) ?? null };
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
  });

  ipcMain.on(IPC_OPEN, (event: IpcMainEvent, raw: unknown) => {
    const port = event.ports[0];
    if (!port) return;
    const parsed = openArgs.safeParse(raw);
    if (!trusted(event.senderFrame?.url) || !parsed.success) {
      port.postMessage({ type: "end", error: "refused" });
      port.close();
      return;
    }
    serveStream(port, router, parsed.data.channel, parsed.data.payload);
  });
}

function serveStream(port: MessagePortMain, router: Router, channel: string, payload: unknown): void {
  const controller = new AbortController();
  // The renderer closes its end (or sends "close") when the view unsubscribes or the page goes away.
  port.on("message", () => controller.abort());
  port.on("close", () => controller.abort());
  port.start();
  router
    .open(channel, payload, (value) => port.postMessage({ type: "message", value }), controller.signal)
    .then(
      () => port.postMessage({ type: "end" }),
      (error) => port.postMessage({ type: "end", error: errorText(error) }),
    )
    .finally(() => port.close());
}
