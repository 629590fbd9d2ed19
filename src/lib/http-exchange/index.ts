import { ExchangeWorkerHost } from './worker-host';
import type { ExchangeRequest, ExchangeResult } from './types';

export * from './types';

/**
 * The process's one exchange worker. Shared on purpose, like fetch's global connection pool: one
 * thread serves every probe and provider call, and it starts only when the first request is made.
 */
const host = new ExchangeWorkerHost();

/**
 * Performs an HTTP request in the exchange worker and resolves with its reply or a bounded failure;
 * never rejects. The deadline is kept twice: by `timeoutMs` on the worker's clock, and by `signal`
 * here, which resolves at once with a `timeout` and cancels the request in the worker.
 */
export function exchange(request: ExchangeRequest, signal?: AbortSignal): Promise<ExchangeResult> {
  const started = performance.now();
  const timedOut = (): ExchangeResult => ({ ok: false, failure: 'timeout', message: 'no complete reply before the deadline', timings: { totalMs: performance.now() - started }, redirects: 0 });
  if (signal?.aborted) return Promise.resolve(timedOut());
  const { id, done } = host.start(request);
  if (!signal) return done;
  const onAbort = (): void => host.cancel(id, timedOut());
  signal.addEventListener('abort', onAbort, { once: true });
  return done.finally(() => signal.removeEventListener('abort', onAbort));
}

/** Requests in flight and whether the worker thread is up (for the soak and tests). */
export function exchangeWorkerState(): { readonly inFlight: number; readonly running: boolean } {
  return { inFlight: host.inFlight, running: host.running };
}

/** Stops the worker (requests in flight fail); the next exchange starts a new one. */
export function stopExchangeWorker(): Promise<void> {
  return host.stop();
}
