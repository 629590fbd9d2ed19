const NEWLINE = 10;

type OnLines = (buffer: Buffer, start: number, end: number) => void;
type OnTooLong = (lines: number) => void;

/**
 * Cuts bytes read from a file into chunks of whole lines. A partial line stays in the buffer until
 * its newline arrives. A line longer than `maxLineBytes` is dropped as it streams in (the buffer
 * never holds more than one read plus one line) and reported once its newline is seen.
 * `consumed` counts the bytes fully dealt with, so a saved position never splits a line.
 */
export class LineSplitter {
  readonly buffer: Buffer;
  /** Bytes of the file fully dealt with (lines handed over, or skipped whole) since `reset`. */
  consumed = 0;
  /** Bytes at the start of the buffer: a line whose newline has not arrived. */
  private held = 0;
  private skipping = false;
  /** Bytes of the long line being skipped, dropped so far. */
  private skipped = 0;

  constructor(
    private readonly maxLineBytes: number,
    chunkBytes: number,
  ) {
    // Room for a held line, one read, and the "\n" that `flushPartial` may add.
    this.buffer = Buffer.allocUnsafe(maxLineBytes + chunkBytes + 1);
  }

  /** Where the next read must put its bytes. */
  get writeOffset(): number {
    return this.held;
  }

  /** How many bytes the next read may put. */
  get writeLength(): number {
    return this.buffer.length - 1 - this.held;
  }

  reset(): void {
    this.consumed = 0;
    this.held = 0;
    this.skipping = false;
    this.skipped = 0;
  }

  /** Takes `count` bytes just read at `writeOffset`; hands over whole lines and skipped long lines. */
  commit(count: number, onLines: OnLines, onTooLong: OnTooLong): void {
    const total = this.held + count;
    let start = 0;
    if (this.skipping) {
      const newline = this.buffer.indexOf(NEWLINE, 0);
      if (newline < 0 || newline >= total) {
        this.skipped += total;
        this.held = 0;
        return;
      }
      this.consumed += this.skipped + newline + 1;
      this.skipping = false;
      this.skipped = 0;
      start = newline + 1;
      onTooLong(1);
    }
    const last = this.buffer.lastIndexOf(NEWLINE, total - 1);
    if (last >= start) {
      onLines(this.buffer, start, last + 1);
      this.consumed += last + 1 - start;
      start = last + 1;
    }
    const rest = total - start;
    if (rest > this.maxLineBytes) {
      this.skipping = true;
      this.skipped = rest;
      this.held = 0;
      return;
    }
    if (start > 0 && rest > 0) this.buffer.copy(this.buffer, 0, start, total);
    this.held = rest;
  }

  /**
   * Ends the file: a held partial line is handed over as a line. A rotated file gets no more bytes,
   * so its last line is complete or was cut by a writer that died, and is counted either way.
   */
  flushPartial(onLines: OnLines, onTooLong: OnTooLong): void {
    if (this.skipping) {
      this.consumed += this.skipped;
      onTooLong(1);
    } else if (this.held > 0) {
      this.buffer[this.held] = NEWLINE;
      this.consumed += this.held;
      onLines(this.buffer, 0, this.held + 1);
    }
    this.held = 0;
    this.skipping = false;
    this.skipped = 0;
  }
}
