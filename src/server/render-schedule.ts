/** When cached bytes are rebuilt: after a change at most every `minIntervalMs`, and at least every `maxAgeMs` while read. */
export interface RenderTiming {
  /** Renders after a change start at least this long after the previous one (coalescing). */
  readonly minIntervalMs: number;
  /** Bytes older than this are rebuilt on the next read: values that change without an event (process CPU, ages) stay this fresh. */
  readonly maxAgeMs: number;
}

export const DEFAULT_RENDER_TIMING: RenderTiming = { minIntervalMs: 250, maxAgeMs: 1000 };

/**
 * A value (rendered bytes) rebuilt on change, not per read. A read gets the cached value unless
 * there is none, it is older than maxAgeMs, or a change came in and it is older than minIntervalMs;
 * then one render runs and every reader meanwhile shares it. After a change, when the value was
 * read since its last render, the render runs in the background at the coalescing deadline, so
 * frequent readers find fresh bytes without waiting. Nobody reading means nothing is rendered.
 */
export class RenderSchedule<T> {
  private value: T | undefined;
  private renderedAt = 0;
  private pending: Promise<T> | undefined;
  private dirty = false;
  private readSinceRender = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Bumped by expire(); a value rendered in an older epoch is never served again. */
  private epoch = 0;
  private renderedEpoch = 0;
  private pendingEpoch = 0;
  /** Renders done so far (tests and benchmarks count them). */
  renders = 0;

  constructor(
    private readonly render: () => Promise<T>,
    private readonly timing: RenderTiming,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The current value; renders first when there is none or it is stale. */
  get(): Promise<T> {
    this.readSinceRender = true;
    const value = this.value;
    if (value === undefined) return this.renderNow();
    if (this.renderedEpoch < this.epoch) return this.renderFresh();
    const age = this.now() - this.renderedAt;
    if (age >= this.timing.maxAgeMs || (this.dirty && age >= this.timing.minIntervalMs)) return this.renderNow().catch(() => value);
    if (this.dirty) this.scheduleBackground();
    return Promise.resolve(value);
  }

  /** Something the value shows changed. */
  invalidate(): void {
    this.dirty = true;
    if (this.readSinceRender) this.scheduleBackground();
  }

  /**
   * What the value shows changed in kind (a config reload added or removed series): the next read
   * waits for a render started after this call, instead of being served the old bytes.
   */
  expire(): void {
    this.epoch += 1;
    this.dirty = true;
  }

  /** Renders now (joining a render under way), whatever the age; e.g. when a new format is first asked for. */
  refresh(): Promise<T> {
    return this.renderNow();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleBackground(): void {
    if (this.timer || this.pending || this.closed) return;
    const wait = Math.max(0, this.renderedAt + this.timing.minIntervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.dirty) this.renderNow().catch(() => undefined);
    }, wait);
    this.timer.unref();
  }

  /** A render started in the current epoch: a render under way from before expire() is waited out first. */
  private renderFresh(): Promise<T> {
    if (this.pending && this.pendingEpoch < this.epoch) return this.pending.catch(() => undefined).then(() => this.renderNow());
    return this.renderNow();
  }

  private renderNow(): Promise<T> {
    if (this.pending) return this.pending;
    this.dirty = false;
    const epoch = this.epoch;
    this.pendingEpoch = epoch;
    const run = (async () => {
      try {
        // Started from a resolved promise, so `pending` is set before any part of the render runs.
        const value = await Promise.resolve().then(() => this.render());
        this.value = value;
        this.renderedAt = this.now();
        this.renderedEpoch = epoch;
        this.readSinceRender = false;
        this.renders += 1;
        return value;
      } catch (error) {
        this.onError(error);
        this.dirty = true;
        throw error;
      } finally {
        this.pending = undefined;
      }
    })();
    this.pending = run;
    return run;
  }
}
