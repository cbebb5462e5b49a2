/**
 * Turns generated text into the deltas a client may see. Stop strings are matched on text (OpenAI
 * semantics: they can span tokens and are not returned), so any tail that could still become a stop
 * string is held back until the next chunk proves otherwise.
 */
export class TextStream {
  private text = "";
  private released = 0;
  private stopped = false;
  private stop: string | undefined;
  private readonly longestStop: number;

  constructor(
    private readonly stops: readonly string[],
    private readonly emit: (delta: string) => void,
    /** Drop trailing whitespace (a JSON grammar pads with it until a stop trigger ends the stream). */
    private readonly trimTrailingWhitespace = false,
  ) {
    this.stops = stops.filter((s) => s.length > 0);
    this.longestStop = Math.max(0, ...this.stops.map((s) => s.length));
  }

  /** True once a stop string was found; the text is then final. */
  get hasStopped(): boolean {
    return this.stopped;
  }

  /** The stop string that ended the text (a tool call's opening is one, for the runtime to act on). */
  get stoppedBy(): string | undefined {
    return this.stop;
  }

  /** Adds generated text; returns true when it completed a stop string. */
  push(chunk: string): boolean {
    if (this.stopped || chunk === "") return this.stopped;
    const searchFrom = Math.max(0, this.text.length - this.longestStop + 1);
    this.text += chunk;
    let cut = -1;
    for (const stop of this.stops) {
      const at = this.text.indexOf(stop, searchFrom);
      if (at !== -1 && (cut === -1 || at < cut)) {
        cut = at;
        this.stop = stop;
      }
    }
    if (cut !== -1) {
      this.text = this.text.slice(0, cut);
      if (this.trimTrailingWhitespace) this.text = this.text.trimEnd();
      this.stopped = true;
      this.release(this.text.length);
      return true;
    }
    this.release(this.text.length - Math.max(this.pendingStopPrefix(), this.trailingWhitespace()));
    return false;
  }

  /** Releases whatever was held back (generation ended without completing a stop) and returns the text. */
  finish(): string {
    if (this.trimTrailingWhitespace) this.text = this.text.trimEnd();
    this.release(this.text.length);
    return this.text;
  }

  /** Length of the longest tail of the text that is the beginning of some stop string. */
  private pendingStopPrefix(): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let k = Math.min(stop.length - 1, this.text.length); k > longest; k--) {
        if (this.text.endsWith(stop.slice(0, k))) {
          longest = k;
          break;
        }
      }
    }
    return longest;
  }

  private trailingWhitespace(): number {
    return this.trimTrailingWhitespace ? this.text.length - this.text.trimEnd().length : 0;
  }

  private release(upTo: number): void {
    if (upTo <= this.released) return;
    this.emit(this.text.slice(this.released, upTo));
    this.released = upTo;
  }
}
