import { ConfigError } from '../../../src/config/errors';
import { parseConfig } from '../../../src/modules/config';

/** The located problems of a config text, or [] when it loads. */
function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'exporter.yaml', { env: {} });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((problem) => `${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`);
  }
}

const redis = (interval: string, timeout: string): string => `probes:
  - name: cache
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: ${interval}
    timeout: ${timeout}
`;

describe('durations have a floor and a ceiling', () => {
  // 30d and more overflow Node's 32-bit timers (they fired after 1 ms: a probe storm); 0ms, 1ms and
  // 0.001ms ran each probe about 155 times a second.
  it.each([
    ['30d', '5s', 'from 100ms to 1d, found "30d"'],
    ['60d', '5s', 'from 100ms to 1d, found "60d"'],
    ['0ms', '100ms', 'from 100ms to 1d, found "0ms"'],
    ['1ms', '100ms', 'from 100ms to 1d, found "1ms"'],
    ['0.001ms', '100ms', 'from 100ms to 1d, found "0.001ms"'],
  ])('refuses a probe interval of %s with a located message', (interval, timeout, expected) => {
    expect(problems(redis(interval, timeout))).toEqual([`5:15: probes[0].interval: expected a duration ${expected}`]);
  });

  it('refuses 60d/60d and 0ms/0ms on both keys', () => {
    expect(problems(redis('60d', '60d'))).toEqual([
      '5:15: probes[0].interval: expected a duration from 100ms to 1d, found "60d"',
      '6:14: probes[0].timeout: expected a duration from 100ms to 5m, found "60d"',
    ]);
    expect(problems(redis('0ms', '0ms'))).toEqual([
      '5:15: probes[0].interval: expected a duration from 100ms to 1d, found "0ms"',
      '6:14: probes[0].timeout: expected a duration from 100ms to 5m, found "0ms"',
    ]);
  });

  it('accepts the bounds themselves', () => {
    expect(problems(redis('100ms', '100ms'))).toEqual([]);
    expect(problems(redis('1d', '5m'))).toEqual([]);
  });

  it('gives the paid AI rung a higher floor than the free ones, for defaults and per-provider overrides', () => {
    expect(problems('ai:\n  rungs:\n    reachability: { interval: 500ms, timeout: 500ms }\n')).toEqual([]);
    expect(problems('ai:\n  rungs:\n    validation: { interval: 500ms, timeout: 500ms }\n')).toEqual([
      '3:29: ai.rungs.validation.interval: expected a duration from 1s to 1d, found "500ms"',
    ]);
    expect(problems('ai:\n  providers:\n    openai:\n      rungs:\n        validation: { interval: 30d }\n')).toEqual([
      '5:33: ai.providers.openai.rungs.validation.interval: expected a duration from 1s to 1d, found "30d"',
    ]);
    expect(problems('ai:\n  providers:\n    openai:\n      rungs:\n        metadata: { timeout: 1ms }\n')).toEqual([
      '5:30: ai.providers.openai.rungs.metadata.timeout: expected a duration from 100ms to 5m, found "1ms"',
    ]);
  });

  it('bounds the admin failure window', () => {
    expect(problems('admin:\n  auth_failure_window: 0ms\n')).toEqual(['2:24: admin.auth_failure_window: expected a duration from 1s to 7d, found "0ms"']);
  });

  it('still reports text that is not a duration once, with the usual hint', () => {
    expect(problems(redis('soon', '5s'))).toEqual(['5:15: probes[0].interval: expected a duration such as "500ms", "15s", "5m" or "1h", found "soon"']);
  });
});
