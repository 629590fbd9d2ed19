import { RenderSchedule } from '../../../src/server/render-schedule';

/** A schedule on a hand-driven clock whose render returns how many renders ran so far. */
function schedule(timing = { minIntervalMs: 250, maxAgeMs: 1000 }) {
  let now = 0;
  let renders = 0;
  let release: (() => void) | undefined;
  let hold = false;
  const s = new RenderSchedule<number>(
    async () => {
      renders += 1;
      const value = renders;
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      return value;
    },
    timing,
    () => undefined,
    () => now,
  );
  return {
    s,
    advance: (ms: number) => (now += ms),
    renders: () => renders,
    holdNext: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
  };
}

describe('the render schedule', () => {
  afterEach(() => jest.useRealTimers());

  it('serves one render to many reads while nothing changed and it is younger than maxAge', async () => {
    const t = schedule();
    expect(await Promise.all([t.s.get(), t.s.get(), t.s.get()])).toEqual([1, 1, 1]);
    t.advance(900);
    expect(await t.s.get()).toBe(1);
    t.advance(200);
    expect(await t.s.get()).toBe(2);
    t.s.close();
  });

  it('coalesces changes: a read within minInterval of the last render still gets the cached bytes', async () => {
    const t = schedule();
    await t.s.get();
    t.s.invalidate();
    t.advance(100);
    expect(await t.s.get()).toBe(1);
    t.advance(200);
    expect(await t.s.get()).toBe(2);
    t.s.close();
  });

  it('after expire() (a reload) the next read waits for a new render, even right after the last one', async () => {
    const t = schedule();
    await t.s.get();
    t.s.expire();
    expect(await t.s.get()).toBe(2);
    expect(await t.s.get()).toBe(2);
    t.s.close();
  });

  it('a render under way when expire() is called is not served as the new bytes', async () => {
    const t = schedule();
    await t.s.get();
    t.advance(2000);
    t.holdNext();
    const before = t.s.get();
    t.s.expire();
    const after = t.s.get();
    t.release();
    expect(await before).toBe(2);
    expect(await after).toBe(3);
    t.s.close();
  });
});
