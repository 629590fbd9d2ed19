import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { stopExchangeWorker } from '../../src/lib/http-exchange';
import { createLogger } from '../../src/logging/logger';
import { SecretStore } from '../../src/logging/redact';
import { httpProbe } from '../../src/probes/http';
import { success, type Probe } from '../../src/probes/types';
import { ResultStore } from '../../src/scheduler/result-store';
import { Scheduler, type ScheduledTask } from '../../src/scheduler/scheduler';

/**
 * Start lateness of the scheduler: N HTTP probes at 1 s against one local target (in its own
 * process), the exporter's scheduler with its defaults (8 runs at once, jitter 0.1), for SECONDS.
 * Lateness is how long after it was due a run began (timer lateness plus the wait for a slot),
 * reported by the scheduler itself. References in the same run: the same scheduler with probes
 * that do nothing (the scheduler's own cost), and N bare Node 1 s timer chains (Node's limit).
 * Bare timers fire within well under a millisecond, so the difference, not a ratio, is reported.
 * BENCH_TARGETS (default "200,500"), BENCH_SECONDS (default 20). Prints a Markdown table.
 */
const TARGETS = (process.env.BENCH_TARGETS ?? '200,500').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const INTERVAL_MS = 1000;
/** Runs in the first seconds are spread by the first-run window; they are left out. */
const SETTLE_MS = 3000;

const logger = createLogger({ level: 'error', secrets: new SecretStore(), stream: new PassThrough() });

interface Lateness {
  readonly runs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const summary = (values: readonly number[]): Lateness => {
  const sorted = [...values].sort((a, b) => a - b);
  return { runs: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? NaN };
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
  });
}

const idle: Probe = { run: async () => success('ok'), close: async () => undefined };

async function scheduled(count: number, probeFor: (index: number) => Probe): Promise<Lateness> {
  const late: number[] = [];
  const started = performance.now();
  const scheduler = new Scheduler({
    store: new ResultStore(),
    logger,
    maxConcurrent: 8,
    jitter: 0.1,
    redact: (text) => text,
    onRunStart: (_name, ms) => {
      if (performance.now() - started > SETTLE_MS) late.push(ms);
    },
  });
  const tasks: ScheduledTask[] = Array.from({ length: count }, (_v, index) => ({ name: `p${index}`, fingerprint: `p${index}`, intervalMs: INTERVAL_MS, timeoutMs: 5000, probe: probeFor(index) }));
  await scheduler.sync(tasks);
  await sleep(SECONDS * 1000);
  await scheduler.stop();
  return summary(late);
}

/** N chains of 1 s timers doing nothing: how late Node itself fires them. */
async function bareTimers(count: number): Promise<Lateness> {
  const late: number[] = [];
  const started = performance.now();
  let stopped = false;
  const chain = (due: number): void => {
    setTimeout(() => {
      const now = performance.now();
      if (now - started > SETTLE_MS) late.push(Math.max(0, now - due));
      if (!stopped) chain(now + INTERVAL_MS);
    }, Math.max(0, due - performance.now()));
  };
  for (let index = 0; index < count; index += 1) chain(performance.now() + Math.random() * INTERVAL_MS);
  await sleep(SECONDS * 1000);
  stopped = true;
  return summary(late);
}

async function main(): Promise<void> {
  const target = spawn(process.execPath, [path.join(__dirname, '..', 'transport', 'target.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = `http://127.0.0.1:${(await firstLine(target)).trim()}/health`;
  const out = [`# bench:scheduler, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, node ${process.version}, ${SECONDS} s per row, 1 s interval, first ${SETTLE_MS / 1000} s left out`, ''];
  out.push('| contender | probes | runs | p50 ms late | p99 ms late | max ms late | p99 over bare timers, ms |', '|---|---|---|---|---|---|---|');
  try {
    for (const count of TARGETS) {
      const http = await scheduled(count, () => httpProbe.create(httpProbe.schema.parse({ name: 'bench', type: 'http', url, timeout: '5s' })));
      const noop = await scheduled(count, () => idle);
      const bare = await bareTimers(count);
      const rows: Array<[string, Lateness]> = [['scheduler, HTTP probes (exchange worker)', http], ['scheduler, probes doing nothing', noop], ['bare Node 1 s timer chains', bare]];
      for (const [name, result] of rows) {
        out.push(`| ${name} | ${count} | ${result.runs} | ${result.p50Ms.toFixed(2)} | ${result.p99Ms.toFixed(2)} | ${result.maxMs.toFixed(1)} | ${name.startsWith('bare') ? '' : `+${(result.p99Ms - bare.p99Ms).toFixed(2)}`} |`);
      }
    }
  } finally {
    target.kill('SIGTERM');
    await stopExchangeWorker();
  }
  console.log(out.join('\n'));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
