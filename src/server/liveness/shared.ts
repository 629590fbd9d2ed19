/**
 * What the main thread and the liveness worker share: one SharedArrayBuffer holding the main
 * loop's latest heartbeat (process.hrtime, monotonic and the same clock in every thread) and
 * whether the exporter is ready. This folder imports nothing but Node's own modules (the worker
 * loads it alone).
 */
export const HEARTBEAT_SLOT = 0;
export const READY_SLOT = 1;
export const SHARED_BYTES = 16;

export interface LivenessWorkerData {
  readonly address: string;
  readonly port: number;
  readonly stalledAfterMs: number;
  readonly shared: SharedArrayBuffer;
}

export type FromLivenessWorker = { readonly type: 'listening'; readonly port: number } | { readonly type: 'error'; readonly message: string };
