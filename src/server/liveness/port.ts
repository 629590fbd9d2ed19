import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../lib/module-worker';
import { HEARTBEAT_SLOT, READY_SLOT, SHARED_BYTES, type FromLivenessWorker, type LivenessWorkerData } from './shared';

/** How often the main loop says it is alive; far below any sensible `stalled_after`. */
const HEARTBEAT_MS = 250;

export interface LivenessPort {
  readonly port: number;
  close(): Promise<void>;
}

export interface LivenessOptions {
  readonly address: string;
  readonly port: number;
  readonly stalledAfterMs: number;
  /** Read on every heartbeat: what /readyz on the health port answers. */
  readonly ready: () => boolean;
}

/** Starts the health port's thread (./worker.ts) and the main loop's heartbeat into it. */
export async function startLivenessPort(options: LivenessOptions): Promise<LivenessPort> {
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const view = new BigInt64Array(shared);
  const beat = (): void => {
    Atomics.store(view, HEARTBEAT_SLOT, process.hrtime.bigint());
    Atomics.store(view, READY_SLOT, options.ready() ? 1n : 0n);
  };
  beat();
  const data: LivenessWorkerData = { address: options.address, port: options.port, stalledAfterMs: options.stalledAfterMs, shared };
  const worker: Worker = startModuleWorker(__dirname, 'worker', { data: { ...data }, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: FromLivenessWorker) => (message.type === 'listening' ? resolve(message.port) : reject(new Error(`listen.health_port ${options.port}: ${message.message}`))));
    worker.once('error', (error) => reject(new Error(`listen.health_port ${options.port}: ${error.message}`)));
    worker.once('exit', (code) => reject(new Error(`listen.health_port ${options.port}: the health port's thread exited with code ${code}`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  worker.unref();
  return {
    port,
    async close() {
      clearInterval(timer);
      await worker.terminate();
    },
  };
}
