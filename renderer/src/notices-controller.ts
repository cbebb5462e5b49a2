// The Notices view's side effects: while the view is open the messages and the cursor's deliveries
// are re-read every few seconds (so "waiting" turns into "sent" as the mailer works); publishing and
// retiring answer with the new message, which becomes the cursor.
import {
  type ConsoleApi,
  channels,
  type NoticeMessage,
  type PublishNoticeInput,
} from "@entrim/electron/common";
import type { AppStore } from "./state/store.js";

/** Mail leaves the queue within seconds; a slower poll would hide that from the operator. */
export const NOTICES_EVERY_MS = 5_000;

export class NoticesController {
  private generation = 0;

  constructor(
    private readonly api: ConsoleApi,
    private readonly store: AppStore,
  ) {}

  /** Polls until the returned function is called (the view unmounting). */
  watch(): () => void {
    const generation = ++this.generation;
    void this.refresh(false);
    const timer = setInterval(() => {
      if (generation === this.generation) void this.refresh(false);
    }, NOTICES_EVERY_MS);
    return () => {
      clearInterval(timer);
      if (generation === this.generation) this.generation++;
    };
  }

  /** Re-reads the messages, then the cursor's deliveries; `loud` reports a failure as a notice. */
  async refresh(loud = true): Promise<void> {
    const generation = this.generation;
    try {
      const list = await this.api.call(channels.listNotices, { limit: 200 });
      if (generation !== this.generation) return;
      this.store.getState().noticesLoaded(list);
      await this.loadDeliveries();
    } catch (error) {
      if (generation !== this.generation) return;
      const message = (error as Error).message ?? String(error);
      this.store.getState().noticesFailed(message);
      if (loud) this.store.getState().notify("error", `Notices: ${message}`);
    }
  }

  async select(id: string): Promise<void> {
    this.store.getState().setNoticeCursor(id);
    await this.loadDeliveries().catch((error: Error) =>
      this.store.getState().notify("error", `Notice deliveries: ${error.message}`),
    );
  }

  private async loadDeliveries(): Promise<void> {
    const id = this.store.getState().noticeCursor;
    if (!id) return;
    const rows = await this.api.call(channels.noticeDeliveries, { id });
    this.store.getState().deliveriesLoaded(id, rows);
  }

  /** Resolves with the agent's refusal as text (for the dialog), or undefined once done. */
  publish(request: PublishNoticeInput): Promise<string | undefined> {
    return this.act(() => this.api.call(channels.publishNotice, request));
  }

  retire(model: string, date: string, replacement: string): Promise<string | undefined> {
    return this.act(() => this.api.call(channels.deprecateModel, { model, date, replacement }));
  }

  private async act(call: () => Promise<NoticeMessage>): Promise<string | undefined> {
    try {
      const made = await call();
      const state = this.store.getState();
      state.noticesLoaded([made, ...state.noticeMessages.filter((n) => n.id !== made.id)]);
      state.notify("info", `“${made.title}” went to ${made.counts?.accounts ?? 0} account(s).`);
      await this.select(made.id);
      return undefined;
    } catch (error) {
      return (error as Error).message ?? String(error);
    }
  }
}
