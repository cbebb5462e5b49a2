// The alerts' side effects: one watch of the cluster's alerts while connected (the Node side keeps it on
// a reachable agent), desktop notifications for alerts this console has not seen fire, the operator's
// acts (acknowledge, silence, unsilence) and the cursor's incident timeline.
import { type ConsoleApi, channels } from "@entrim/electron/common";
import { type Alert, alertStatus } from "./state/alertsSlice.js";
import type { AppStore } from "./state/store.js";

export class AlertsController {
  private stopWatch: (() => void) | undefined;
  private generation = 0;
  /** Alert ids this console has already seen: each raises at most one notification. */
  private readonly seen = new Set<string>();
  private timelineRequest = 0;

  constructor(
    private readonly api: ConsoleApi,
    private readonly store: AppStore,
    /** Shows new alerts to the operator (OS or page notification): the Controller's notifyAlerts. */
    private readonly onFresh: (fresh: Alert[]) => void,
  ) {}

  start(): void {
    this.stop();
    this.seen.clear();
    this.store.getState().resetAlerts();
    const generation = this.generation;
    let ended = false;
    const close = this.api.stream(
      channels.watchAlerts,
      {},
      {
        message: (event) => {
          if (generation !== this.generation) return;
          const state = this.store.getState();
          if (event.type === "link") {
            state.alertsLinkChanged({ state: event.state, ...(event.error ? { error: event.error } : {}) });
            return;
          }
          state.alertsLoaded(event.alerts);
          this.announce(event.alerts);
        },
        end: (error) => {
          ended = true;
          if (generation !== this.generation) return;
          this.store.getState().alertsLinkChanged({ state: "closed", ...(error ? { error } : {}) });
          if (error) this.store.getState().notify("error", `Alerts: ${error}`);
        },
      },
    );
    if (!ended) this.stopWatch = close;
  }

  stop(): void {
    this.generation++;
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  /** A firing alert this console has not seen, and nobody silenced or took, is news: one notification. */
  private announce(alerts: Alert[]): void {
    const now = Date.now();
    const fresh = alerts.filter((a) => !this.seen.has(a.id) && alertStatus(a, now) === "firing");
    for (const a of alerts) this.seen.add(a.id);
    if (fresh.length > 0) this.onFresh(fresh);
  }

  /** Loads the incident timeline of one alert; a newer request supersedes one still running. */
  async loadTimeline(id: string): Promise<void> {
    const request = ++this.timelineRequest;
    try {
      const timeline = await this.api.call(channels.getAlertTimeline, { id });
      if (request === this.timelineRequest) this.store.getState().alertTimelineLoaded({ id, timeline });
    } catch (error) {
      if (request === this.timelineRequest)
        this.store.getState().alertTimelineLoaded({ id, error: (error as Error).message ?? String(error) });
    }
  }

  /** Each act resolves with the agent's refusal as text (for the dialog), or undefined once done. */
  acknowledge(id: string, note: string): Promise<string | undefined> {
    return this.act(() => this.api.call(channels.acknowledgeAlert, { id, note }), "acknowledged");
  }

  silence(id: string, untilMs: number, note: string): Promise<string | undefined> {
    return this.act(() => this.api.call(channels.silenceAlert, { id, untilMs, note }), "silenced");
  }

  unsilence(id: string, note: string): Promise<string | undefined> {
    return this.act(() => this.api.call(channels.unsilenceAlert, { id, note }), "unsilenced");
  }

  private async act(call: () => Promise<Alert>, done: string): Promise<string | undefined> {
    try {
      const alert = await call();
      const state = this.store.getState();
      state.alertUpdated(alert);
      state.notify("info", `${alert.summary}: ${done}.`);
      if (state.alertTimeline?.id === alert.id) void this.loadTimeline(alert.id);
      return undefined;
    } catch (error) {
      return (error as Error).message ?? String(error);
    }
  }
}
