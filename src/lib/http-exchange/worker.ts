import { parentPort } from 'node:worker_threads';
import { perform } from './perform';
import type { ExchangeResult, FromWorker, ToWorker } from './types';

/**
 * The exchange worker: performs requests for the serving thread, so that their timings and
 * deadlines run on a loop that scrapes, log tailing and rendering never block.
 */
const port = parentPort;
if (port === null) throw new Error('the HTTP exchange worker must run in a worker thread');
const running = new Map<number, AbortController>();

/**
 * How late this worker's own loop ran while exchanges were under way. A CPU-starved process (a
 * throttled pod, an overloaded node) delivers replies late and in bunches, which stretches and
 * flattens latencies; the timing validator must not read that as a provider's fixed delay. A 10 ms
 * ticker runs only while something is in flight; each exchange keeps the worst lateness it saw.
 */
const TICK_MS = 10;
const worstLag = new Map<number, number>();
let ticker: NodeJS.Timeout | undefined;
let lastTick = 0;

function watchLag(id: number): void {
  worstLag.set(id, 0);
  if (ticker) return;
  lastTick = performance.now();
  ticker = setInterval(() => {
    const now = performance.now();
    const late = Math.max(0, now - lastTick - TICK_MS);
    lastTick = now;
    for (const [key, worst] of worstLag) if (late > worst) worstLag.set(key, late);
  }, TICK_MS);
}

function lagOf(id: number): number {
  // The stretch since the last tick counts too: a stall at the very end of the exchange.
  const sinceTick = Math.max(0, performance.now() - lastTick - TICK_MS);
  const worst = Math.max(worstLag.get(id) ?? 0, sinceTick);
  worstLag.delete(id);
  if (worstLag.size === 0 && ticker) {
    clearInterval(ticker);
    ticker = undefined;
  }
  return Math.round(worst * 10) / 10;
}

function post(id: number, result: ExchangeResult): void {
  const message: FromWorker = { id, result };
  // The body's memory moves to the serving thread instead of being copied.
  const transfer = result.ok && result.body.byteLength > 0 ? [result.body.buffer as ArrayBuffer] : [];
  port?.postMessage(message, transfer);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  watchLag(message.id);
  void perform(message.request, controller.signal)
    .catch((error: unknown): ExchangeResult => ({ ok: false, failure: 'internal', message: `exchange failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200), timings: { totalMs: 0 }, redirects: 0 }))
    .then((result) => {
      running.delete(message.id);
      post(message.id, { ...result, timings: { ...result.timings, loopLagMs: lagOf(message.id) } } as ExchangeResult);
    });
});
