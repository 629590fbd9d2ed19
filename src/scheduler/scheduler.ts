import { randomUUID } from 'node:crypto';
import { DeadlineExceeded, raceWithSignal } from '../lib/abort';
import type { Logger } from '../logging/logger';
import { describeError } from '../probes/classify-error';
import type { Probe, ProbeReport, ProbeResult } from '../probes/types';
import type { ResultStore } from './result-store';
import { setLongTimeout, type LongTimer } from './long-timer';
import { Semaphore } from './semaphore';

/** A probe with its schedule. Tasks with the same name and fingerprint are the same task across reloads. */
export interface ScheduledTask {
  readonly name: string;
  /** Changes whenever the task's config changes; an unchanged task keeps running and keeps its state. */
  readonly fingerprint: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly probe: Probe;
}

interface RunningTask {
  readonly task: ScheduledTask;
  timer: LongTimer | undefined;
  inFlight: Promise<ProbeResult> | undefined;
  /** Aborts the run under way; stopping a task (removed, changed, shutdown) cuts its run at once. */
  controller: AbortController | undefined;
  stopped: boolean;
}

/** The abort reason of a run cut because its task stopped (shutdown, or removed by a reload). */
export class RunStopped extends Error {
  constructor() {
    super('the run was stopped: its probe left the config or the exporter is shutting down');
    this.name = 'RunStopped';
  }
}

/** How long closing one probe may take when it stops; a driver that hangs on close is left behind. */
const CLOSE_BOUND_MS = 1000;

export interface SchedulerOptions {
  readonly store: ResultStore;
  readonly logger: Logger;
  readonly maxConcurrent: number;
  /** Fraction of the interval by which each run may start early or late. */
  readonly jitter: number;
  readonly onRunStateChange?: (inFlight: number) => void;
  /** A scheduled run began, this long after it was due (its timer's lateness plus the wait for a slot). */
  readonly onRunStart?: (name: string, lateMs: number) => void;
  /** Scrubs secrets from result messages before they are stored, so no reader can leak them. */
  readonly redact: (text: string) => string;
}

/**
 * Runs each task on its own interval, with jitter, a hard deadline (an AbortSignal the probe must
 * honour, raced so that even a probe that ignores it is cut), at most one run per task at a time and
 * a global cap on concurrent runs. A probe that throws is recorded as reason `internal`.
 */
export class Scheduler {
  private readonly tasks = new Map<string, RunningTask>();
  private readonly semaphore: Semaphore;
  private jitter: number;
  private running = 0;
  private stopping = false;

  constructor(private readonly options: SchedulerOptions) {
    this.semaphore = new Semaphore(options.maxConcurrent);
    this.jitter = options.jitter;
  }

  configure(maxConcurrent: number, jitter: number): void {
    this.semaphore.setLimit(maxConcurrent);
    this.jitter = jitter;
  }

  /** Makes the running set equal to `tasks`: new ones start, changed ones restart, removed ones stop. */
  async sync(tasks: readonly ScheduledTask[]): Promise<void> {
    const wanted = new Map(tasks.map((task) => [task.name, task]));
    const closing: Promise<void>[] = [];
    for (const [name, running] of this.tasks) {
      const next = wanted.get(name);
      if (next && next.fingerprint === running.task.fingerprint) {
        // Unchanged: keep the running instance; the freshly built probe is not needed.
        if (next.probe !== running.task.probe) closing.push(next.probe.close().catch(() => undefined));
        wanted.delete(name);
        continue;
      }
      closing.push(this.stopTask(running));
      this.tasks.delete(name);
      if (!next) this.options.store.forget(name);
    }
    for (const task of wanted.values()) this.startTask(task);
    await Promise.all(closing);
  }

  names(): string[] {
    return [...this.tasks.keys()];
  }

  /** Runs under way now (the probes_in_flight gauge). */
  inFlight(): number {
    return this.running;
  }

  /** Runs a task now (sharing a run already under way) and returns its result. */
  runNow(name: string): Promise<ProbeResult> | undefined {
    const running = this.tasks.get(name);
    return running ? this.execute(running) : undefined;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const all = [...this.tasks.values()];
    this.tasks.clear();
    await Promise.all(all.map((running) => this.stopTask(running)));
  }

  private startTask(task: ScheduledTask): void {
    const running: RunningTask = { task, timer: undefined, inFlight: undefined, controller: undefined, stopped: false };
    this.tasks.set(task.name, running);
    this.options.store.register(task.name);
    this.schedule(running, firstRunDelay(task.intervalMs, this.jitter, Math.random()));
  }

  private async stopTask(running: RunningTask): Promise<void> {
    running.stopped = true;
    running.timer?.cancel();
    running.controller?.abort(new RunStopped());
    // The run settles at once (it is raced with its signal); a close that hangs is not awaited forever.
    await running.inFlight?.catch(() => undefined);
    await withinMs(running.task.probe.close().catch(() => undefined), CLOSE_BOUND_MS);
  }

  private schedule(running: RunningTask, delayMs: number): void {
    if (running.stopped || this.stopping) return;
    // Chained timers: a delay of 2^31 ms or more would otherwise fire after 1 ms.
    const due = performance.now() + delayMs;
    running.timer = setLongTimeout(() => {
      const started = Date.now();
      void this.execute(running, due).finally(() => {
        this.schedule(running, nextRunDelay(running.task.intervalMs, this.jitter, Date.now() - started, Math.random()));
      });
    }, delayMs);
  }

  /** `due`: when a scheduled run should have begun (performance.now()); a forced run has none. */
  private execute(running: RunningTask, due?: number): Promise<ProbeResult> {
    running.inFlight ??= this.runOnce(running, due).finally(() => {
      running.inFlight = undefined;
      running.controller = undefined;
    });
    return running.inFlight;
  }

  private async runOnce(running: RunningTask, due: number | undefined): Promise<ProbeResult> {
    const { task } = running;
    const release = await this.semaphore.acquire();
    if (due !== undefined) this.options.onRunStart?.(task.name, Math.max(0, performance.now() - due));
    this.running += 1;
    this.options.onRunStateChange?.(this.running);
    const correlationId = randomUUID();
    const logger = this.options.logger.child({ component: 'scheduler', probe: task.name, correlation_id: correlationId });
    const controller = new AbortController();
    running.controller = controller;
    if (running.stopped) controller.abort(new RunStopped());
    const deadline = setTimeout(() => controller.abort(new DeadlineExceeded(task.timeoutMs)), task.timeoutMs);
    const startedAt = Date.now();
    const started = performance.now();
    let report: ProbeReport;
    try {
      // A run that waited for a slot while its task stopped never starts.
      if (controller.signal.aborted) throw controller.signal.reason;
      report = await raceWithSignal(task.probe.run({ signal: controller.signal, logger }), controller.signal);
    } catch (error) {
      const cut = error instanceof DeadlineExceeded || error instanceof RunStopped;
      report =
        error instanceof DeadlineExceeded
          ? { outcome: { ok: false, reason: 'timeout', message: `No result within the ${task.timeoutMs}ms timeout` }, observations: [] }
          : error instanceof RunStopped
            ? { outcome: { ok: false, reason: 'timeout', message: `Cut before its result: ${error.message}` }, observations: [] }
            : { outcome: { ok: false, reason: 'internal', message: `Probe raised an error: ${describeError(error)}` }, observations: [] };
      if (!cut) logger.error('probe raised an error', { error: describeError(error) });
    } finally {
      clearTimeout(deadline);
      release();
      this.running -= 1;
      this.options.onRunStateChange?.(this.running);
    }
    const outcome = { ...report.outcome, message: this.options.redact(report.outcome.message) };
    const result: ProbeResult = { ...report, outcome, probe: task.name, correlationId, startedAt, durationSeconds: report.durationSeconds ?? (performance.now() - started) / 1000 };
    if (result.outcome.ok) logger.debug('probe succeeded', { duration_seconds: result.durationSeconds });
    else if (result.outcome.skipped) logger.info('probe skipped', { skipped: result.outcome.skipped, reason: result.outcome.reason, detail: result.outcome.message });
    else logger.warn('probe failed', { reason: result.outcome.reason, detail: result.outcome.message, duration_seconds: result.durationSeconds });
    if (!isSuperseded(this.tasks.get(task.name), task)) this.options.store.record(result);
    return result;
  }
}

/**
 * Delay before a task's first run: soon, spread over a short window (at most 1 s, or the jittered
 * part of the interval) so that a start or reload does not fire every probe at the same instant.
 * `random` is in [0, 1).
 */
export function firstRunDelay(intervalMs: number, jitter: number, random: number): number {
  return random * Math.min(1000, intervalMs * jitter);
}

/**
 * Delay before the next run: one interval after the last run started, moved early or late by up
 * to `jitter` of the interval so that probes do not fire in lockstep; a run that took longer than
 * that is followed at once. `random` is in [0, 1).
 */
export function nextRunDelay(intervalMs: number, jitter: number, elapsedMs: number, random: number): number {
  const offset = (random * 2 - 1) * jitter * intervalMs;
  return Math.max(0, intervalMs + offset - elapsedMs);
}

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
function withinMs(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A result from a task that was replaced or removed while it ran must not overwrite its successor's. */
function isSuperseded(current: RunningTask | undefined, task: ScheduledTask): boolean {
  return !current || current.task !== task;
}
