import type { ProbeResult } from '../probes/types';
import type { ResultStore } from '../scheduler/result-store';

/** One run in a status-page strip. */
export interface RunMark {
  /** ISO time the run started. */
  readonly at: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly reason: string | null;
}

/** A probe's recent runs and uptime, as the status page draws them. */
export interface ProbeHistoryView {
  /** Oldest first, at most STRIP_RUNS. */
  readonly runs: readonly RunMark[];
  /** Percent of runs that passed in the last hour and day; null without a run in that window. */
  readonly uptime_1h: number | null;
  readonly uptime_24h: number | null;
}

/** Runs in a strip: about 7 minutes of a 15 s probe, a day of a 30 min validation. */
export const STRIP_RUNS = 30;
/** Uptime is counted in 5-minute buckets over a day: 288 buckets per probe, a few KB in all. */
const BUCKET_MS = 5 * 60_000;
const DAY_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;

interface Bucket {
  start: number;
  runs: number;
  ok: number;
}
interface Track {
  readonly runs: RunMark[];
  readonly buckets: Bucket[];
}

/**
 * Every probe's last runs and a day of pass counts, fed by the result store. The store itself keeps
 * 10 successes and 50 failures per probe (for the debug view); that is minutes of a busy probe, too
 * short for a day's uptime, so the page keeps this small rollup beside it.
 */
export class StatusHistory {
  private readonly tracks = new Map<string, Track>();

  constructor(private readonly store: ResultStore) {
    store.onResult((result) => this.add(result));
  }

  add(result: ProbeResult): void {
    let track = this.tracks.get(result.probe);
    if (!track) this.tracks.set(result.probe, (track = { runs: [], buckets: [] }));
    track.runs.push({ at: new Date(result.startedAt).toISOString(), ok: result.outcome.ok, ms: Math.round(result.durationSeconds * 1000), reason: result.outcome.ok ? null : result.outcome.reason });
    if (track.runs.length > STRIP_RUNS) track.runs.splice(0, track.runs.length - STRIP_RUNS);
    const start = Math.floor(result.startedAt / BUCKET_MS) * BUCKET_MS;
    let bucket = track.buckets[track.buckets.length - 1];
    if (!bucket || bucket.start !== start) track.buckets.push((bucket = { start, runs: 0, ok: 0 }));
    bucket.runs += 1;
    if (result.outcome.ok) bucket.ok += 1;
    while (track.buckets.length > 0 && (track.buckets[0] as Bucket).start < start - DAY_MS) track.buckets.shift();
  }

  /** The view of one probe; probes that left the config are dropped here too. */
  view(name: string, now = Date.now()): ProbeHistoryView {
    if (!this.store.get(name)) this.tracks.delete(name);
    const track = this.tracks.get(name);
    if (!track) return { runs: [], uptime_1h: null, uptime_24h: null };
    const uptime = (windowMs: number): number | null => {
      const inWindow = track.buckets.filter((bucket) => bucket.start + BUCKET_MS > now - windowMs);
      const runs = inWindow.reduce((sum, bucket) => sum + bucket.runs, 0);
      return runs === 0 ? null : Math.round((1000 * inWindow.reduce((sum, bucket) => sum + bucket.ok, 0)) / runs) / 10;
    };
    return { runs: [...track.runs], uptime_1h: uptime(HOUR_MS), uptime_24h: uptime(DAY_MS) };
  }
}

const histories = new WeakMap<ResultStore, StatusHistory>();

/** The one history of a result store, created on first use. */
export function statusHistoryOf(store: ResultStore): StatusHistory {
  let history = histories.get(store);
  if (!history) histories.set(store, (history = new StatusHistory(store)));
  return history;
}
