import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../module-worker';
import type { ExchangeFailure, ExchangeRequest, ExchangeResult, FromWorker, ToWorker } from './types';

/** How long an idle worker stays up; probing every few seconds keeps it, a finished CLI run does not. */
const IDLE_MS = 60_000;

interface Pending {
  readonly resolve: (result: ExchangeResult) => void;
}

const internal = (message: string): ExchangeFailure => ({ ok: false, failure: 'internal', message, timings: { totalMs: 0 }, redirects: 0 });

/** One exchange worker: started on first use, referenced only while requests are in flight. */
export class ExchangeWorkerHost {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  /** Sends a request; resolves with the worker's result, never rejects. */
  start(request: ExchangeRequest): { readonly id: number; readonly done: Promise<ExchangeResult> } {
    const id = this.nextId++;
    const done = new Promise<ExchangeResult>((resolve) => this.pending.set(id, { resolve }));
    try {
      const worker = this.ensureWorker();
      this.post(worker, { type: 'start', id, request });
    } catch (error) {
      this.settle(id, internal(`the HTTP exchange worker did not start: ${error instanceof Error ? error.message : String(error)}`));
    }
    return { id, done };
  }

  /** Stops the request in the worker; its result is no longer awaited. */
  cancel(id: number, result: ExchangeResult): void {
    if (this.worker) this.post(this.worker, { type: 'cancel', id });
    this.settle(id, result);
  }

  /** Number of requests in flight (for tests and the soak). */
  get inFlight(): number {
    return this.pending.size;
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Ends the worker; requests in flight fail as `internal`. The next request starts a new one. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.failAll(worker, 'the HTTP exchange worker was stopped');
    await worker.terminate();
  }

  private post(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.worker) {
      this.worker.ref();
      return this.worker;
    }
    // A small heap: bodies are Buffers (outside the heap) and handed over at once. Going over it ends
    // the worker, which fails the requests in flight as `internal`; the next request starts a new one.
    const worker = startModuleWorker(__dirname, 'worker', { resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 } });
    worker.on('message', (message: FromWorker) => {
      const result = message.result;
      this.settle(message.id, result.ok ? { ...result, body: Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength) } : result);
    });
    worker.on('error', (error) => this.failAll(worker, `the HTTP exchange worker failed: ${error.message}`));
    worker.on('exit', (code) => this.failAll(worker, `the HTTP exchange worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private failAll(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const id of [...this.pending.keys()]) this.settle(id, internal(message));
  }

  private settle(id: number, result: ExchangeResult): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.resolve(result);
    if (this.pending.size === 0 && this.worker) {
      // Idle: never keep the process alive, and give the thread back after a while.
      this.worker.unref();
      const worker = this.worker;
      this.idleTimer = setTimeout(() => {
        if (this.worker === worker && this.pending.size === 0) void this.stop();
      }, IDLE_MS);
      this.idleTimer.unref();
    }
  }
}
