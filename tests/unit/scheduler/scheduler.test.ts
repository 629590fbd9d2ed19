import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/logging/logger';
import { SecretStore } from '../../../src/logging/redact';
import { success, type Probe, type ProbeReport } from '../../../src/probes/types';
import { ResultStore } from '../../../src/scheduler/result-store';
import { firstRunDelay, nextRunDelay, Scheduler, type ScheduledTask } from '../../../src/scheduler/scheduler';
import { waitFor } from '../../helpers/exporter';

const logger = createLogger({ level: 'error', secrets: new SecretStore(), stream: new PassThrough() });

function task(name: string, probe: Probe, intervalMs = 60_000, timeoutMs = 1_000): ScheduledTask {
  return { name, fingerprint: name, intervalMs, timeoutMs, probe };
}

/** A probe that records how many of its kind run at once and holds each run for `holdMs`. */
function gaugedProbe(counter: { now: number; max: number; runs: number }, holdMs: number): Probe {
  return {
    async run() {
      counter.now += 1;
      counter.runs += 1;
      counter.max = Math.max(counter.max, counter.now);
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      counter.now -= 1;
      return success('ok');
    },
    close: async () => undefined,
  };
}

describe('the scheduler', () => {
  let scheduler: Scheduler;
  let store: ResultStore;
  beforeEach(() => {
    store = new ResultStore();
    scheduler = new Scheduler({ store, logger, maxConcurrent: 2, jitter: 0, redact: (text) => text });
  });
  afterEach(() => scheduler.stop());

  it('reports how late each scheduled run began: a stalled loop and a wait for a slot both count', async () => {
    const late: Record<string, number[]> = {};
    const timed = new Scheduler({ store, logger, maxConcurrent: 1, jitter: 0, redact: (text) => text, onRunStart: (name, ms) => (late[name] ??= []).push(ms) });
    const counter = { now: 0, max: 0, runs: 0 };
    try {
      // First runs are due within 0 ms (jitter 0); the loop is blocked for 300 ms before any timer fires.
      await timed.sync([task('held', gaugedProbe(counter, 200)), task('waiting', gaugedProbe(counter, 10))]);
      const until = Date.now() + 300;
      while (Date.now() < until) {
        // busy: the timers are due meanwhile
      }
      await waitFor(() => (late.held?.length ?? 0) >= 1 && (late.waiting?.length ?? 0) >= 1, 5_000, 10);
      const first = Math.min(late.held?.[0] ?? 0, late.waiting?.[0] ?? 0);
      const second = Math.max(late.held?.[0] ?? 0, late.waiting?.[0] ?? 0);
      expect(first).toBeGreaterThanOrEqual(250);
      // One slot: the second run waited for the first one's whole run as well.
      expect(second).toBeGreaterThanOrEqual(first + 5);
      // A forced run is not scheduled: nothing reported.
      const before = (late.held?.length ?? 0) + (late.waiting?.length ?? 0);
      await timed.runNow('waiting');
      expect((late.held?.length ?? 0) + (late.waiting?.length ?? 0)).toBe(before);
    } finally {
      await timed.stop();
    }
  });

  it('never runs more probes at once than the global cap', async () => {
    const counter = { now: 0, max: 0, runs: 0 };
    await scheduler.sync(['a', 'b', 'c', 'd', 'e'].map((name) => task(name, gaugedProbe(counter, 100))));
    await waitFor(() => store.allRanOnce(), 10_000);
    expect(counter.runs).toBeGreaterThanOrEqual(5);
    expect(counter.max).toBe(2);
  });

  it('runs a given probe at most once at a time: a request during a run shares that run', async () => {
    const counter = { now: 0, max: 0, runs: 0 };
    await scheduler.sync([task('slow', gaugedProbe(counter, 200))]);
    const [first, second] = await Promise.all([scheduler.runNow('slow'), scheduler.runNow('slow')]);
    expect(first).toBe(second);
    expect(counter.max).toBe(1);
  });

  it('cuts a probe that ignores its signal at the deadline and records a timeout', async () => {
    const never: Probe = { run: () => new Promise<ProbeReport>(() => undefined), close: async () => undefined };
    await scheduler.sync([task('stuck', never, 60_000, 150)]);
    const result = await scheduler.runNow('stuck');
    expect(result?.outcome).toEqual({ ok: false, reason: 'timeout', message: 'No result within the 150ms timeout' });
  });

  it('records a probe that throws as an internal failure and keeps scheduling it', async () => {
    let calls = 0;
    const buggy: Probe = {
      run: async () => {
        calls += 1;
        throw new TypeError('undefined is not a function');
      },
      close: async () => undefined,
    };
    await scheduler.sync([task('buggy', buggy, 100, 50)]);
    await waitFor(() => calls >= 3, 10_000);
    const record = store.get('buggy');
    expect(record?.latest?.outcome).toMatchObject({ ok: false, reason: 'internal' });
    expect(record?.failures.get('internal')).toBeGreaterThanOrEqual(2);
  });

  it('keeps an unchanged task running across a sync and forgets a removed one', async () => {
    const counter = { now: 0, max: 0, runs: 0 };
    const kept = task('kept', gaugedProbe(counter, 1));
    await scheduler.sync([kept, task('gone', gaugedProbe(counter, 1))]);
    await waitFor(() => store.allRanOnce());
    const before = store.get('kept');
    await scheduler.sync([{ ...kept, probe: gaugedProbe(counter, 1) }]);
    expect(store.get('kept')).toBe(before);
    expect(store.get('gone')).toBeUndefined();
    expect(scheduler.names()).toEqual(['kept']);
  });
});

describe('jitter', () => {
  it('moves each next run up to the jitter fraction of the interval early or late, counted from the last start', () => {
    expect(nextRunDelay(10_000, 0.1, 200, 0)).toBe(8_800);
    expect(nextRunDelay(10_000, 0.1, 200, 0.5)).toBe(9_800);
    expect(nextRunDelay(10_000, 0.1, 200, 0.999999)).toBeCloseTo(10_800, 0);
    expect(nextRunDelay(10_000, 0, 200, 0.9)).toBe(9_800);
  });

  it('follows a run that outlasted its interval at once', () => {
    expect(nextRunDelay(1_000, 0.1, 5_000, 0.5)).toBe(0);
  });

  it('spreads first runs over at most one second, or the jittered part of a short interval', () => {
    expect(firstRunDelay(60_000, 0.1, 0.5)).toBe(500);
    expect(firstRunDelay(2_000, 0.1, 0.5)).toBe(100);
    expect(firstRunDelay(60_000, 0, 0.5)).toBe(0);
  });

  it('gives probes with the same interval different start times', async () => {
    const store = new ResultStore();
    const scheduler = new Scheduler({ store, logger, maxConcurrent: 8, jitter: 0.5, redact: (text) => text });
    const starts: number[] = [];
    const probe: Probe = { run: async () => { starts.push(performance.now()); return success('ok'); }, close: async () => undefined };
    try {
      await scheduler.sync(['a', 'b', 'c', 'd', 'e', 'f'].map((name) => task(name, probe, 2_000)));
      await waitFor(() => starts.length >= 6, 10_000);
      expect(new Set(starts.map((t) => Math.round(t))).size).toBeGreaterThan(1);
    } finally {
      await scheduler.stop();
    }
  });
});
