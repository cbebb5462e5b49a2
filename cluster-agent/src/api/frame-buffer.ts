/**
 * The frames of a stream waiting for their write, as bytes: the frames of one tick leave as one
 * Buffer (one chunk of the chunked encoding, one syscall). Frames rendered as strings are encoded
 * into it once; a plain token's frame is spliced in as bytes (prefix, the engine's literal, suffix),
 * so its text is never decoded or encoded on the way through, and the write needs no byte count or
 * encoding pass over a joined string.
 */

/** The first buffer of a stream; later ones are sized by what the last write carried. */
const INITIAL_BYTES = 1024;
const EMPTY = Buffer.alloc(0);

export class FrameBuffer {
  #buf: Buffer = EMPTY;
  #length = 0;
  /** The size the last take() handed out: a stream's ticks carry much the same. */
  #hint = INITIAL_BYTES;

  /** Bytes waiting. */
  get length(): number {
    return this.#length;
  }

  /** Appends a frame rendered as a string. */
  text(frame: string): void {
    // At most 3 UTF-8 bytes per UTF-16 unit (a surrogate pair is 2 units and 4 bytes).
    this.#reserve(frame.length * 3);
    this.#length += this.#buf.write(frame, this.#length);
  }

  /**
   * Appends `prefix`, `bytes[start, end)` and `suffix`. `bytes` is the upstream's read: what follows
   * `end` in it is likely more frames this tick, so room for about as much is made at once.
   */
  splice(prefix: Buffer, bytes: Buffer, start: number, end: number, suffix: Buffer): void {
    const frame = prefix.length + (end - start) + suffix.length;
    if (this.#length + frame > this.#buf.length) this.#grow(frame, bytes.length - end);
    const buf = this.#buf;
    let at = this.#length;
    buf.set(prefix, at);
    at += prefix.length;
    // A token's literal is a few bytes: a loop beats a native copy's call.
    if (end - start <= 64) for (let i = start; i < end; i++) buf[at++] = bytes[i]!;
    else at += bytes.copy(buf, at, start, end);
    buf.set(suffix, at);
    this.#length = at + suffix.length;
  }

  /** The bytes waiting, handed over (the socket keeps them until written); empties the buffer. */
  take(): Buffer {
    const out = this.#buf.subarray(0, this.#length);
    this.#hint = this.#length;
    this.#buf = EMPTY;
    this.#length = 0;
    return out;
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes > this.#buf.length) this.#grow(bytes, 0);
  }

  /** Room for `bytes` more, and for `ahead` more expected (the frames of the rest of a read). */
  #grow(bytes: number, ahead: number): void {
    const needed = this.#length + bytes;
    const grown = Buffer.allocUnsafe(Math.max(needed * 2, this.#hint + bytes, needed + ahead * 2));
    if (this.#length > 0) this.#buf.copy(grown, 0, 0, this.#length);
    this.#buf = grown;
  }
}
