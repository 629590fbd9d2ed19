import { detach } from './transforms';

/** Most sessions tracked at once; beyond it the oldest are forgotten first. */
const MAX_SESSIONS = 100_000;

/**
 * Distinct session keys seen within a time window: the value of amas_active_sessions and
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
      // Updating in place keeps the first-seen order: eviction then drops long-known keys first.
      if (atMs > previous) this.lastSeen.set(key, atMs);
      return;
    }
    if (this.lastSeen.size >= MAX_SESSIONS) this.evict();
    this.lastSeen.set(detach(key), atMs);
  }

  /** Makes room: the oldest tenth, by last sighting, goes. */
  private evict(): void {
    const times = [...this.lastSeen.values()].sort((a, b) => a - b);
    const cutoff = times[Math.floor(times.length / 10)] as number;
    for (const [key, at] of this.lastSeen) if (at <= cutoff) this.lastSeen.delete(key);
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
