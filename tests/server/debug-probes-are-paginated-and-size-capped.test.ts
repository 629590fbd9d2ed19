import { DEBUG_BODY_CAP_BYTES, DEFAULT_DEBUG_PAGE, debugPageOf, MAX_DEBUG_LIMIT, pageOf } from '../../src/server/debug-probes';

describe('/debug/probes pages', () => {
  const runs = Array.from({ length: 75 }, (_v, i) => ({ n: i, message: `run ${i}` }));

  it('gives the default page, then the next from next_offset, until none is left', () => {
    const first = pageOf(runs, DEFAULT_DEBUG_PAGE);
    expect(first.items.map((run) => run.n)).toEqual(Array.from({ length: 20 }, (_v, i) => i));
    expect(first).toMatchObject({ total: 75, offset: 0, next_offset: 20, truncated: false });
    const seen: number[] = [];
    let offset: number | null = 0;
    for (let pages = 0; offset !== null && pages < 10; pages += 1) {
      const page: ReturnType<typeof pageOf<(typeof runs)[number]>> = pageOf(runs, { offset, limit: 30 });
      seen.push(...page.items.map((run) => run.n));
      offset = page.next_offset;
    }
    expect(seen).toEqual(runs.map((run) => run.n));
  });

  it('stops a page at the byte cap, always giving at least one entry, and says where to go on', () => {
    const huge = Array.from({ length: 10 }, (_v, i) => ({ n: i, transcript: 'x'.repeat(100 * 1024) }));
    const page = pageOf(huge, { offset: 0, limit: MAX_DEBUG_LIMIT });
    expect(page.items.length).toBe(2);
    expect(JSON.stringify(page.items).length).toBeLessThanOrEqual(DEBUG_BODY_CAP_BYTES + 1024);
    expect(page).toMatchObject({ truncated: true, next_offset: 2, total: 10 });
    const single = pageOf([{ transcript: 'y'.repeat(2 * DEBUG_BODY_CAP_BYTES) }], DEFAULT_DEBUG_PAGE);
    expect(single.items).toHaveLength(1);
    expect(single.next_offset).toBeNull();
  });

  it('refuses a limit above the maximum, a negative or non-numeric offset and repeated parameters', () => {
    expect(debugPageOf({})).toEqual(DEFAULT_DEBUG_PAGE);
    expect(debugPageOf({ offset: '40', limit: '10' })).toEqual({ offset: 40, limit: 10 });
    expect(debugPageOf({ limit: String(MAX_DEBUG_LIMIT + 1) })).toMatch(/limit must be a whole number from 0 to 200/);
    expect(debugPageOf({ offset: '-1' })).toMatch(/offset must be a whole number/);
    expect(debugPageOf({ offset: 'abc' })).toMatch(/offset/);
    expect(debugPageOf({ limit: ['1', '2'] })).toMatch(/limit/);
  });
});
