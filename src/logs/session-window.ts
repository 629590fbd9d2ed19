import { detach } from './transforms';

/** Most sessions tracked at once; beyond it the oldest are forgotten first. */
const MAX_SESSIONS = 100_000;

/**
 * Distinct session keys seen within a time window: the value of amas_active_sessions_total and
 * /health `metrics.active_sessions`. Keys stay in memory only and never become labels.
 */
export class SessionWindow {
  private readonly lastSeen = new Map<string, number>();

  constructor(private windowMs: number) {}

  setWindow(windowMs: number): void {
    this.windowMs = windowMs;
  }

  touch(key: string, atMs: number): void {
    const previous = this.lastSeen.get(key);
    if (previous !== undefined) {
      if (atMs > previous) {
        // Re-insert so that the map stays ordered by last use.
        this.lastSeen.delete(key);
        this.lastSeen.set(key, atMs);
      }
      return;
    }
    if (this.lastSeen.size >= MAX_SESSIONS) {
      const oldest = this.lastSeen.keys().next().value;
      if (oldest !== undefined) this.lastSeen.delete(oldest);
    }
    this.lastSeen.set(detach(key), atMs);
  }

  /** Sessions seen within the window before `nowMs`; forgets older ones. */
  count(nowMs: number): number {
    const cutoff = nowMs - this.windowMs;
    let active = 0;
    for (const [key, at] of this.lastSeen) {
      if (at < cutoff) this.lastSeen.delete(key);
      else active += 1;
    }
    return active;
  }
}
