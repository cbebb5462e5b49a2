// The renderer's side effects: calls over the ConsoleApi, results into the store, samples into the
// series rings. Views call these; nothing else talks to the carrier.
import { type ConsoleApi, channels, type FleetEvent } from "@entrim/electron/common";
import { AlertsController } from "./alerts-controller.js";
import type { SeriesStore } from "./metrics/series.js";
import { NoticesController } from "./notices-controller.js";
import { RequestsController } from "./requests-controller.js";
import { RolloutController } from "./rollout-controller.js";
import type { Alert } from "./state/alertsSlice.js";
import type { AppStore } from "./state/store.js";
import { UrgentController } from "./urgent-controller.js";

/** Fleet events are applied to the store in batches: one render per tick, not one per node sample. */
const FLUSH_MS = 250;

export class Controller {
  private stopFleet: (() => void) | undefined;
  readonly rollouts: RolloutController;
  readonly requests: RequestsController;
  readonly notices: NoticesController;
  readonly urgent: UrgentController;
  readonly alerts: AlertsController;

  constructor(
    readonly api: ConsoleApi,
    readonly store: AppStore,
    readonly series: SeriesStore,
  ) {
    this.rollouts = new RolloutController(api, store);
    this.requests = new RequestsController(api, store);
    this.alerts = new AlertsController(api, store, (fresh) => void this.notifyAlerts(fresh));
    this.notices = new NoticesController(api, store);
    this.urgent = new UrgentController(api, store, (id) => this.openAccount(id, false));
  }

  private fail(context: string, error: unknown): void {
    this.store.getState().notify("error", `${context}: ${(error as Error).message ?? error}`);
  }

  async loadProfiles(): Promise<void> {
    try {
      this.store.getState().setProfiles(await this.api.call(channels.listProfiles, {}));
    } catch (error) {
      this.fail("Profiles", error);
    }
  }

  async connect(profile: string): Promise<void> {
    const state = this.store.getState();
    state.connectStarted(profile);
    try {
      const cluster = await this.api.call(channels.connect, { profile });
      this.stopFleet?.();
      this.series.clear();
      this.store.getState().connected(cluster);
      this.watchFleet();
      this.rollouts.start();
      this.requests.start();
      this.alerts.start();
    } catch (error) {
      this.store.getState().connectFailed((error as Error).message);
    }
  }

  async disconnect(): Promise<void> {
    this.stopFleet?.();
    this.stopFleet = undefined;
    this.rollouts.stop();
    this.requests.stop();
    this.alerts.stop();
    await this.api.call(channels.disconnect, {}).catch(() => undefined);
    this.store.getState().disconnected();
  }

  private watchFleet(): void {
    let pending: FleetEvent[] = [];
    const timer = setInterval(() => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      // Charts and the table change on the same beat: one frame for both.
      this.series.flush();
      const state = this.store.getState();
      state.applyFleetEvents(batch);
    }, FLUSH_MS);
    // Declared first: a carrier that is already down ends the stream synchronously.
    let stop: () => void = () => clearInterval(timer);
    this.stopFleet = stop;
    const close = this.api.stream(
      channels.watchFleet,
      {},
      {
        message: (event) => {
          if (event.type === "snapshot") this.series.push(event.node, event.snapshot);
          pending.push(event);
        },
        end: (error) => {
          clearInterval(timer);
          if (this.stopFleet !== stop) return;
          this.stopFleet = undefined;
          if (error) this.fail("Fleet stream ended", error);
        },
      },
    );
    if (this.stopFleet !== stop) return;
    stop = () => {
      clearInterval(timer);
      close();
    };
    this.stopFleet = stop;
  }

  /**
   * Alerts newly firing (the cluster's, not yet seen by this console) as desktop notifications: the desktop app shows them through the OS (Electron's
   * Notification, on the Node side); browser mode uses the page's Notification API only where the
   * operator allowed it. Otherwise the alert list and the top bar's badge are all there is.
   */
  async notifyAlerts(fresh: Alert[]): Promise<void> {
    // A rack going dark is one notification, not forty.
    const [first] = fresh;
    const title =
      fresh.length === 1
        ? `entrim: ${first!.rule.replaceAll("-", " ")}`
        : `entrim: ${fresh.length} new alerts`;
    const body =
      fresh.length === 1
        ? first!.summary
        : fresh
            .slice(0, 4)
            .map((a) => a.summary)
            .join("\n");
    try {
      const { shown } = await this.api.call(channels.notifyDesktop, { title, body: body.slice(0, 1000) });
      if (shown) return;
    } catch {
      // No OS notification; try the page's own below.
    }
    const Web = (globalThis as { Notification?: typeof Notification }).Notification;
    if (Web?.permission === "granted")
      new Web(title, { body, tag: fresh.length === 1 ? first!.id : "entrim-alerts" });
  }

  /** Searches accounts; a newer search supersedes one still running. */
  async searchAccounts(query: string): Promise<void> {
    const request = this.store.getState().setAccountQuery(query);
    try {
      const accounts = await this.api.call(channels.listAccounts, { query, limit: 1000 });
      this.store.getState().accountsLoaded(request, accounts);
    } catch (error) {
      this.store.getState().accountsLoaded(request, []);
      this.fail("Accounts", error);
    }
  }

  async openAccount(id: string, withKeys = true): Promise<void> {
    this.store.getState().setAccountCursor(id);
    // Keys and limits beside the detail: the urgent actions (revoke, limits) act on them.
    if (withKeys) void this.urgent.loadAccount(id);
    try {
      this.store.getState().accountOpened(await this.api.call(channels.getAccount, { id }));
    } catch (error) {
      this.fail(`Account ${id}`, error);
    }
  }

  /** Drains each node in parallel; progress lands in the store per node. */
  drain(nodes: string[], reason: string, deadlineSeconds = 0): void {
    for (const node of nodes) {
      const state = this.store.getState();
      state.drainStarted(node);
      this.api.stream(
        channels.drain,
        { node, reason, deadlineSeconds },
        {
          message: (event) => this.store.getState().drainProgress(event),
          end: (error) => {
            const s = this.store.getState();
            s.drainEnded(node, error);
            s.notify(
              error ? "error" : "info",
              error ? `Drain of ${node} failed: ${error}` : `${node} is drained.`,
            );
          },
        },
      );
    }
  }

  async undrain(nodes: string[], reason: string): Promise<void> {
    await Promise.all(
      nodes.map(async (node) => {
        try {
          await this.api.call(channels.undrain, { node, reason });
          this.store.getState().notify("info", `${node} is back in service.`);
        } catch (error) {
          this.fail(`Undrain of ${node}`, error);
        }
      }),
    );
  }
}
