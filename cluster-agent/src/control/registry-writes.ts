/**
 * The agent's own writes to its registry row (heartbeats, the drain's state changes), closed before
 * the "stopped" registration at shutdown. Without it a beat or a drain save still in flight could land
 * after the stop and turn the row back to "drained" or "ready": a node that stopped cleanly would then
 * read as silent and page node-down, and a drained one would lose the drain that makes its stop
 * deliberate (docs/alerting.md).
 */
export class RegistryWrites {
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  /** Runs `write` unless closed (then it resolves without writing: the stop is what the row says). */
  run<T>(write: () => Promise<T>): Promise<T | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const p = write();
    const settled = p.then(
      () => {},
      () => {},
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return p;
  }

  /** Refuses new writes and waits for those under way. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.inFlight]);
  }
}
