/** A one-line progress bar for terminals; callers only create it when stdout is a terminal. */
export class ProgressBar {
  private timer: NodeJS.Timeout | undefined;
  private lastWidth = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly width: number,
  ) {}

  /** Redraws `line()` every `everyMs` until stopped. */
  start(line: () => { fraction: number; text: string }, everyMs = 250): void {
    const draw = (): void => {
      const { fraction, text } = line();
      const size = 24;
      const filled = Math.round(Math.min(1, Math.max(0, fraction)) * size);
      const content = `[${'#'.repeat(filled)}${'.'.repeat(size - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${text}`.slice(0, this.width - 1);
      this.write(`\r${content}${' '.repeat(Math.max(0, this.lastWidth - content.length))}`);
      this.lastWidth = content.length;
    };
    draw();
    this.timer = setInterval(draw, everyMs);
  }

  /** Stops redrawing and clears the line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.write(`\r${' '.repeat(this.lastWidth)}\r`);
  }
}
