import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/logging/logger';
import { SecretStore } from '../../../src/logging/redact';
import { success, type Probe, type ProbeReport } from '../../../src/probes/types';
import { ResultStore } from '../../../src/scheduler/result-store';
import { MAX_TIMER_MS, setLongTimeout } from '../../../src/scheduler/long-timer';
import { Scheduler, type ScheduledTask } from '../../../src/scheduler/scheduler';
import { waitFor } from '../../helpers/exporter';

const logger = createLogger({ level: 'error', secrets: new SecretStore(), stream: new PassThrough() });
const THIRTY_DAYS_MS = 30 * 86_400_000;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function task(name: string, probe: Probe, intervalMs: number, timeoutMs = 60_000): ScheduledTask {
  return { name, fingerprint: name, intervalMs, timeoutMs, probe };
}

describe('a wait longer than a 32-bit timer', () => {
  let scheduler: Scheduler;
  beforeEach(() => {
    scheduler = new Scheduler({ store: new ResultStore(), logger, maxConcurrent: 4, jitter: 0, redact: (text) => text });
  });
  afterEach(() => scheduler.stop());

  it('does not make the scheduler run a probe again early', async () => {
    let runs = 0;
    const counting: Probe = { run: async () => { runs += 1; return success('ok'); }, close: async () => undefined };
    await scheduler.sync([task('monthly', counting, THIRTY_DAYS_MS)]);
    await waitFor(() => runs >= 1);
    // A 30-day setTimeout fires after 1 ms: unchained, this pause would hold hundreds of runs.
    await pause(300);
    expect(runs).toBe(1);
  });

  it('is chained: the callback waits for the whole delay, and cancel stops the chain', () => {
    jest.useFakeTimers();
    try {
      const fired: number[] = [];
      setLongTimeout(() => fired.push(Date.now()), MAX_TIMER_MS * 2 + 5);
      jest.advanceTimersByTime(MAX_TIMER_MS);
      jest.advanceTimersByTime(MAX_TIMER_MS);
      expect(fired).toEqual([]);
      jest.advanceTimersByTime(5);
      expect(fired).toHaveLength(1);
      const cancelled: number[] = [];
      setLongTimeout(() => cancelled.push(1), MAX_TIMER_MS + 10).cancel();
      jest.advanceTimersByTime(MAX_TIMER_MS * 2);
      expect(cancelled).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('stopping the scheduler', () => {
  it('aborts runs under way, even of a probe that never returns, and does not wait for a hanging close', async () => {
    const scheduler = new Scheduler({ store: new ResultStore(), logger, maxConcurrent: 4, jitter: 0, redact: (text) => text });
    const signals: AbortSignal[] = [];
    const hung: Probe = {
      run: ({ signal }) => {
        signals.push(signal);
        return new Promise<ProbeReport>(() => undefined);
      },
      close: () => new Promise<void>(() => undefined),
    };
    await scheduler.sync([task('a', hung, 60_000), task('b', hung, 60_000)]);
    await waitFor(() => signals.length === 2 && scheduler.inFlight() === 2);
    await scheduler.stop();
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true]);
    expect(scheduler.inFlight()).toBe(0);
  });

  it('aborts the run of a probe removed by a sync without recording its result', async () => {
    const store = new ResultStore();
    const scheduler = new Scheduler({ store, logger, maxConcurrent: 4, jitter: 0, redact: (text) => text });
    let signal: AbortSignal | undefined;
    const hung: Probe = { run: (ctx) => { signal = ctx.signal; return new Promise<ProbeReport>(() => undefined); }, close: async () => undefined };
    try {
      await scheduler.sync([task('leaving', hung, 60_000)]);
      await waitFor(() => signal !== undefined);
      await scheduler.sync([]);
      expect(signal?.aborted).toBe(true);
      expect(store.get('leaving')).toBeUndefined();
    } finally {
      await scheduler.stop();
    }
  });
});
