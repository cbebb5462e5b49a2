// The renderer's only door to the Node side (sandboxed preloads must be CommonJS). It exposes two
// functions, never ipcRenderer itself: a page script cannot send to arbitrary IPC channels.
const { contextBridge, ipcRenderer } = require("electron") as typeof import("electron");

type Frame = { type: "message"; value: unknown } | { type: "end"; error?: string };

/**
 * The renderer world's MessagePort (the DOM one, not Node's), declared here rather than taken from the
 * DOM lib: the package compiles without it, so nothing on the Node side can reach for browser globals.
 */
interface RendererPort {
  onmessage: ((event: { data: Frame }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

contextBridge.exposeInMainWorld("entrimBridge", {
  /** The actions registry as a menu bar (see menu.ts); menu clicks come back by action id. */
  setMenu: (items: unknown) => ipcRenderer.send("entrim:menu", items),
  onMenuAction: (run: (id: string) => void) => {
    ipcRenderer.on("entrim:menu-action", (_event, id: unknown) => {
      if (typeof id === "string") run(id);
    });
  },
  call: (channel: string, payload: unknown): Promise<unknown> =>
    ipcRenderer.invoke("entrim:call", channel, payload),
  stream(
    channel: string,
    payload: unknown,
    onMessage: (value: unknown) => void,
    onEnd: (error?: string) => void,
  ) {
    const { port1, port2 } = new MessageChannel() as unknown as {
      port1: RendererPort;
      port2: InstanceType<typeof MessagePort>;
    };
    let ended = false;
    port1.onmessage = (event) => {
      const frame = event.data;
      if (frame.type === "message") onMessage(frame.value);
      else if (!ended) {
        ended = true;
        port1.close();
        onEnd(frame.error);
      }
    };
    ipcRenderer.postMessage("entrim:open", { channel, payload }, [port2]);
    return () => {
      if (ended) return;
      ended = true;
      port1.postMessage("close");
      port1.close();
    };
  },
});
