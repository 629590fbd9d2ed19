/**
 * A deadline that counts only time this process could have noticed an answer.
 *
 * After the event loop was blocked (CPU throttling, a long synchronous task), Node runs due
 * timers before it reads the sockets, so a plain timeout fires even though the reply has been
 * waiting in the socket buffer: a stalled exporter would read a healthy server as timing out.
 * Here a timer that fires late first lets pending I/O be read (setImmediate runs after the poll
 * phase), and when the work is still pending grants the time the stall took away, once.
 */

/** A timer later than this (and than a tenth of the timeout) means the loop was blocked. */
const LATE_MS = 20;
/** How many times a stalled deadline is extended; a hung server still times out within 2x. */
const MAX_EXTENSIONS = 1;

export function withLoopTimeDeadline<T>(work: Promise<T>, timeoutMs: number, timeoutError: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let extensions = 0;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      const due = performance.now() + timeoutMs;
      timer = setTimeout(() => {
        const late = performance.now() - due;
        setImmediate(() => {
          if (settled) return;
          if (late > Math.max(LATE_MS, timeoutMs / 10) && extensions < MAX_EXTENSIONS) {
            extensions += 1;
            arm();
            return;
          }
          settled = true;
          reject(timeoutError());
        });
      }, timeoutMs);
    };
    arm();
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
