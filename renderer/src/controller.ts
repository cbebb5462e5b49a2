// The renderer's side effects: calls over the ConsoleApi, results into the store, samples into the
// series rings. Views call these; nothing else talks to the carrier.
import { type ConsoleApi, channels, type FleetEvent } from "@entrim/electron/common";
import type { SeriesStore } from "./metrics/series.js";
import type { AppStore } from "./state/store.js";

/** Fleet events are applied to the store in batches: one render per tick, not one per node sample. */
const FLUSH_MS = 250;

export class Controller {
  private stopFleet: (() => void) | undefined;

  constructor(
    readonly api: ConsoleApi,
    readonly store: AppStore,
    readonly series: SeriesStore,
  ) {}

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
    } catch (error) {
      this.store.getState().connectFailed((error as Error).message);
    }
  }

  async disconnect(): Promise<void> {
    this.stopFleet?.();
    this.stopFleet = undefined;
    await this.api.call(channels.disconnect, {}).catch(() => undefined);
    this.store.getState().disconnected();
  }

  private watchFleet(): void {
    let pending: FleetEvent[] = [];
    const timer = setInterval(() => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      this.store.getState().applyFleetEvents(batch);
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
