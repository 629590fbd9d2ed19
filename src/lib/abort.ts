/** Thrown (or used as an abort reason) when a probe's deadline passes. */
export class DeadlineExceeded extends Error {
  constructor(readonly timeoutMs: number) {
    super(`deadline of ${timeoutMs}ms exceeded`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Resolves with the promise's value, or rejects as soon as the signal aborts.
 * Drivers that ignore AbortSignal still get cut at the deadline this way; the
 * caller must also close the driver's resources, which `onAbort` is for.
 */
export function raceWithSignal<T>(promise: Promise<T>, signal: AbortSignal, onAbort?: () => void): Promise<T> {
  if (signal.aborted) {
    onAbort?.();
    return Promise.reject(signal.reason ?? new DeadlineExceeded(0));
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort?.();
      reject(signal.reason ?? new DeadlineExceeded(0));
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
