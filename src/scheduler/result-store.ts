import type { FailureReason, ProbeResult } from '../probes/types';

/** Per-probe record: the latest result, cumulative counts and a short history. */
export interface ProbeRecord {
  readonly name: string;
  latest: ProbeResult | undefined;
  runs: number;
  readonly failures: Map<FailureReason, number>;
  /** Runs that made no call on purpose (a circuit open), by why; never counted as failures. */
  readonly skips: Map<string, number>;
  /** Recent successes and failures, newest last; failures are kept longer. */
  readonly recentSuccesses: ProbeResult[];
  readonly recentFailures: ProbeResult[];
}

export type ResultListener = (result: ProbeResult) => void;

const SUCCESS_HISTORY = 10;
const FAILURE_HISTORY = 50;

/**
 * The only place probe results live. Scrapes and /health read from here and never wait for a
 * probe; a probe that leaves the config is forgotten, so its series disappear with it.
 */
export class ResultStore {
  private readonly records = new Map<string, ProbeRecord>();
  private readonly listeners: ResultListener[] = [];

  register(name: string): void {
    if (!this.records.has(name)) {
      this.records.set(name, { name, latest: undefined, runs: 0, failures: new Map(), skips: new Map(), recentSuccesses: [], recentFailures: [] });
    }
  }

  forget(name: string): void {
    this.records.delete(name);
  }

  record(result: ProbeResult): void {
    const record = this.records.get(result.probe);
    if (!record) return; // the probe left the config while it ran
    record.latest = result;
    record.runs += 1;
    if (result.outcome.ok) {
      pushBounded(record.recentSuccesses, result, SUCCESS_HISTORY);
    } else {
      const skipped = result.outcome.skipped;
      if (skipped) record.skips.set(skipped, (record.skips.get(skipped) ?? 0) + 1);
      else record.failures.set(result.outcome.reason, (record.failures.get(result.outcome.reason) ?? 0) + 1);
      pushBounded(record.recentFailures, result, FAILURE_HISTORY);
    }
    for (const listener of this.listeners) listener(result);
  }

  onResult(listener: ResultListener): void {
    this.listeners.push(listener);
  }

  get(name: string): ProbeRecord | undefined {
    return this.records.get(name);
  }

  all(): ProbeRecord[] {
    return [...this.records.values()];
  }

  /** Whether every registered probe has finished at least one run. */
  allRanOnce(): boolean {
    return this.all().every((record) => record.latest !== undefined);
  }
}

function pushBounded<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}
