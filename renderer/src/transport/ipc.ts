// The Electron carrier, renderer side: the preload's bridge (window.entrimBridge) behind ConsoleApi.
import type { ConsoleApi } from "@entrim/electron/common";

export interface MenuItem {
  id: string;
  title: string;
  section: string;
  shortcut?: string;
  enabled: boolean;
  reason?: string;
}

export interface Bridge {
  /** Electron only: the actions as the app's menu bar, and menu clicks back by id. */
  setMenu?(items: MenuItem[]): void;
  onMenuAction?(run: (id: string) => void): void;
  call(
    channel: string,
    payload: unknown,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: string }>;
  stream(
    channel: string,
    payload: unknown,
    onMessage: (value: unknown) => void,
    onEnd: (error?: string) => void,
  ): () => void;
}

export function ipcApi(bridge: Bridge): ConsoleApi {
  return {
    async call(channel, request) {
      const answer = await bridge.call(channel.id, request);
      if (!answer.ok) throw new Error(answer.error);
      return answer.value as never;
    },
    stream(channel, request, on) {
      return bridge.stream(channel.id, request, (value) => on.message(value as never), on.end);
    },
  };
}
