import { checkExposition } from '../../src/cli/lib/exposition-check';

describe('the exposition checker of test-monitoring', () => {
  it('accepts valid text with escapes, histograms and special values', () => {
    const text = [
      '# HELP amas_probe_success Whether it worked.',
      '# TYPE amas_probe_success gauge',
      'amas_probe_success{probe="a\\"b\\\\c\\nd"} 1',
      'amas_probe_success{probe="e"} NaN',
      '# TYPE amas_ai_response_time_seconds histogram',
      'amas_ai_response_time_seconds_bucket{provider="p",le="0.5"} 1',
      'amas_ai_response_time_seconds_bucket{provider="p",le="+Inf"} 2',
      'amas_ai_response_time_seconds_sum{provider="p"} 1.5',
      'amas_ai_response_time_seconds_count{provider="p"} 2',
      '',
    ].join('\n');
    const report = checkExposition(text, 'prometheus');
    expect(report.errors).toEqual([]);
    expect(report.samples[0]?.labels.probe).toBe('a"b\\c\nd');
    expect(report.types.get('amas_ai_response_time_seconds')).toBe('histogram');
  });

  it.each([
    ['an unclosed label value', 'x{a="b} 1\n', /not closed/],
    ['a value that is not a number', 'x 1,5\n', /invalid value/],
    ['a duplicate series', 'x{a="1"} 1\nx{a="1"} 2\n', /duplicate series/],
    ['a TYPE after samples', 'x 1\n# TYPE x gauge\n', /after its samples/],
    ['an unknown type', '# TYPE x meter\nx 1\n', /unknown type/],
    ['families split apart', '# TYPE x gauge\nx{a="1"} 1\n# TYPE y gauge\ny 1\nx{a="2"} 1\n', /not together/],
    ['a histogram without +Inf (what le="NaN" produces)', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="NaN"} 1\nh_count 1\nh_sum 1\n', /no le="\+Inf" bucket/],
    ['a +Inf bucket that differs from _count', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 2\nh_sum 1\n', /differs from _count/],
    ['an invalid label name', 'x{1a="b"} 1\n', /invalid label name/],
  ])('rejects %s', (_case, text, message) => {
    expect(checkExposition(text, 'prometheus').errors.join('\n')).toMatch(message);
  });

  it('holds OpenMetrics to its own rules: # EOF last, no blank lines, counters named without _total', () => {
    expect(checkExposition('# TYPE c counter\nc_total 1\n# EOF\n', 'openmetrics').errors).toEqual([]);
    expect(checkExposition('# TYPE c counter\nc_total 1\n', 'openmetrics').errors.join()).toMatch(/does not end with "# EOF"/);
    expect(checkExposition('# TYPE c counter\n\nc_total 1\n# EOF\n', 'openmetrics').errors.join()).toMatch(/empty line/);
    expect(checkExposition('x 1\n# EOF\n', 'prometheus').errors.join()).toMatch(/# EOF/);
  });
});
