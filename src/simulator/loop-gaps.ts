/** How often the heartbeat runs; a gap is how much later than this a beat came. */
const BEAT_MS = 10;
/** Gaps kept: enough for the longest reply a test waits for. */
const KEPT = 512;
/** A gap that ended this long before a request was handled may have held its arrival. */
const ARRIVAL_SLACK_MS = 25;

/**
 * The simulator thread's own stalls, from a heartbeat. A stall before a request is handled (its
 * arrival waited) or while it waits delays the reply as much as a late timer does, yet no timer of
 * the request shows it; a test judging latency needs both to set its harness's doing aside.
 */
export class LoopGaps {
  private readonly gaps: { end: number; ms: number }[] = [];
  private last = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => {
      const now = performance.now();
      const gap = now - this.last - BEAT_MS;
      this.last = now;
      if (gap < 5) return;
      this.gaps.push({ end: now, ms: gap });
      if (this.gaps.length > KEPT) this.gaps.shift();
    }, BEAT_MS);
    this.timer.unref();
  }

  /** The longest stall that ended between just before `since` and now (ms). */
  worstSince(since: number): number {
    let worst = 0;
    for (const gap of this.gaps) if (gap.end >= since - ARRIVAL_SLACK_MS && gap.ms > worst) worst = gap.ms;
    return worst;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
