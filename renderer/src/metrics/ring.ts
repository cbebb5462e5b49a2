// Fixed-size ring buffers for metric samples: written at 1 Hz per node and GPU, read by charts. They live
// outside React state so a sample does not re-render the tree; charts subscribe and redraw themselves.
export class Ring {
  private readonly values: Float64Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.values = new Float64Array(capacity).fill(Number.NaN);
  }

  push(value: number): void {
    const index = (this.start + this.count) % this.capacity;
    this.values[index] = value;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  get length(): number {
    return this.count;
  }

  /** Oldest first; NaN where a sample was missing (uPlot draws a gap). */
  toArray(): number[] {
    const out = new Array<number>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.values[(this.start + i) % this.capacity]!;
    return out;
  }

  /** The newest `n` values, oldest first. */
  tail(n: number): number[] {
    const all = this.toArray();
    return all.slice(Math.max(0, all.length - n));
  }

  last(): number | undefined {
    return this.count === 0 ? undefined : this.values[(this.start + this.count - 1) % this.capacity];
  }
}
