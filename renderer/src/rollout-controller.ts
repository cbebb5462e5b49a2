// The rollouts' side effects: the list and the catalogue into the store, one watch stream per rollout
// that is not final (so the view is live), and the operator's calls. While connected the list is re-read now and then, to find rollouts started
// elsewhere (another console, the CLI).
import {
  type ConsoleApi,
  channels,
  type Rollout,
  type RolloutVerb,
  type StartRolloutInput,
} from "@entrim/electron/common";
import { isFinal } from "./state/rolloutSlice.js";
import type { AppStore } from "./state/store.js";

/** How often the list is re-read to find new rollouts; the watches carry every change in between. */
const LIST_EVERY_MS = 5_000;

export class RolloutController {
  private readonly watches = new Map<string, () => void>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private generation = 0;

  constructor(
    private readonly api: ConsoleApi,
    private readonly store: AppStore,
  ) {}

  /** On connect: a fresh list and catalogue, watches for the active rollouts, the periodic re-read. */
  start(): void {
    this.stop();
    this.store.getState().resetRollouts();
    const generation = this.generation;
    void this.refresh();
    this.timer = setInterval(() => {
      if (generation === this.generation) void this.refresh(false);
    }, LIST_EVERY_MS);
  }

  stop(): void {
    this.generation++;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const close of this.watches.values()) close();
    this.watches.clear();
  }

  /** Re-reads the list (and the catalogue); `loud` reports failures (a visit, not the background poll). */
  async refresh(loud = true): Promise<void> {
    const generation = this.generation;
    try {
      const [list, models] = await Promise.all([
        this.api.call(channels.listRollouts, { limit: 50 }),
        this.api.call(channels.listModels, {}),
      ]);
      if (generation !== this.generation) return;
      const state = this.store.getState();
      state.rolloutsLoaded(list);
      state.catalogueLoaded(models);
      for (const r of list) if (!isFinal(r.state)) this.watch(r.id);
    } catch (error) {
      if (loud) this.store.getState().notify("error", `Rollouts: ${(error as Error).message}`);
    }
  }

  /** Keeps one rollout live until it is final (the stream then ends by itself). */
  watch(id: string): void {
    if (this.watches.has(id)) return;
    const generation = this.generation;
    // A carrier that is down ends the stream synchronously, before `stream` returns.
    let ended = false;
    let close: (() => void) | undefined;
    close = this.api.stream(
      channels.watchRollout,
      { id },
      {
        message: (event) => {
          if (generation !== this.generation) return;
          const state = this.store.getState();
          if (event.type === "rollout") {
            state.rolloutUpdated(event.rollout);
            // Where nodes serve what changed: the catalogue's placement follows.
            if (isFinal(event.rollout.state)) void this.loadCatalogue();
          } else
            state.rolloutWatch(id, { state: event.state, ...(event.error ? { error: event.error } : {}) });
        },
        end: (error) => {
          ended = true;
          if (close && this.watches.get(id) === close) this.watches.delete(id);
          if (generation !== this.generation) return;
          // Not final yet (an error): the next re-read of the list opens it again.
          this.store.getState().rolloutWatch(id, error ? { state: "closed", error } : undefined);
        },
      },
    );
    if (!ended) this.watches.set(id, close);
  }

  async loadCatalogue(): Promise<void> {
    try {
      this.store.getState().catalogueLoaded(await this.api.call(channels.listModels, {}));
    } catch (error) {
      this.store.getState().notify("error", `Catalogue: ${(error as Error).message}`);
    }
  }

  /** Starts a rollout; resolves with the agent's refusal as text (for the dialog), or undefined. */
  async startRollout(request: StartRolloutInput): Promise<string | undefined> {
    try {
      const rollout = await this.api.call(channels.startRollout, request);
      this.adopt(rollout);
      this.store.getState().notify("info", `Rollout of ${rollout.model} to ${rollout.toVersion} started.`);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Pause, resume, abort or roll back; resolves with the refusal as text, or undefined. */
  async act(id: string, verb: RolloutVerb, reason: string): Promise<string | undefined> {
    try {
      this.adopt(await this.api.call(channels.rolloutAction, { id, verb, reason }));
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  private adopt(rollout: Rollout): void {
    const state = this.store.getState();
    state.rolloutUpdated(rollout);
    state.setRolloutCursor(rollout.id);
    // Roll back restarts work on a finished rollout: watch it again.
    if (!isFinal(rollout.state)) this.watch(rollout.id);
  }
}
