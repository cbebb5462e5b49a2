// The data-subject request queue's side effects: the list read on connect, every minute after (so the
// top bar counts open requests wherever the operator is), and on every visit of the requests view; and the
// admin's complete and reject calls, whose answers replace their rows at once.
import { type ConsoleApi, channels, type DataSubjectRequest } from "@entrim/electron/common";
import type { AppStore } from "./state/store.js";

/** Deadlines are counted in days: a minute's delay in seeing a new request is nothing. */
export const REQUESTS_EVERY_MS = 60_000;

export class RequestsController {
  private timer: ReturnType<typeof setInterval> | undefined;
  private generation = 0;

  constructor(
    private readonly api: ConsoleApi,
    private readonly store: AppStore,
  ) {}

  start(): void {
    this.stop();
    this.store.getState().dataRequestsLoaded([]);
    const generation = this.generation;
    void this.refresh(false);
    this.timer = setInterval(() => {
      if (generation === this.generation) void this.refresh(false);
    }, REQUESTS_EVERY_MS);
  }

  stop(): void {
    this.generation++;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Re-reads every request (open first by deadline); `loud` reports a failure as a notice. */
  async refresh(loud = true): Promise<void> {
    const generation = this.generation;
    try {
      const list = await this.api.call(channels.listDataRequests, { status: "", limit: 500 });
      if (generation !== this.generation) return;
      this.store.getState().dataRequestsLoaded(list);
    } catch (error) {
      if (generation !== this.generation) return;
      const message = (error as Error).message ?? String(error);
      this.store.getState().dataRequestsFailed(message);
      if (loud) this.store.getState().notify("error", `Data-subject requests: ${message}`);
    }
  }

  /** Resolves with the agent's refusal as text (for the dialog), or undefined once done. */
  async complete(id: string, note: string): Promise<string | undefined> {
    return this.act(() => this.api.call(channels.completeDataRequest, { id, note }), "completed");
  }

  async reject(id: string, reason: string): Promise<string | undefined> {
    return this.act(() => this.api.call(channels.rejectDataRequest, { id, reason }), "rejected");
  }

  private async act(call: () => Promise<DataSubjectRequest>, done: string): Promise<string | undefined> {
    try {
      const closed = await call();
      const state = this.store.getState();
      state.dataRequestsLoaded(state.dataRequests.map((r) => (r.id === closed.id ? closed : r)));
      state.notify("info", `The ${closed.kind} request of ${closed.accountId} is ${done}.`);
      return undefined;
    } catch (error) {
      return (error as Error).message ?? String(error);
    }
  }
}
