/** Node's timers hold a signed 32-bit delay: anything longer fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  cancel(): void;
}

/**
 * setTimeout for any delay: a wait longer than MAX_TIMER_MS is a chain of shorter timers, so a
 * 30-day interval waits 30 days instead of firing at once. An infinite delay never fires. Every
 * timer is unref'd: a pending wait never keeps the process alive.
 */
export function setLongTimeout(callback: () => void, delayMs: number): LongTimer {
  let handle: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = (remainingMs: number): void => {
    const step = Math.min(remainingMs, MAX_TIMER_MS);
    handle = setTimeout(() => {
      if (cancelled) return;
      if (remainingMs > MAX_TIMER_MS) arm(remainingMs - step);
      else callback();
    }, step);
    handle.unref();
  };
  if (delayMs !== Number.POSITIVE_INFINITY) arm(Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0);
  return {
    cancel() {
      cancelled = true;
      if (handle) clearTimeout(handle);
    },
  };
}
