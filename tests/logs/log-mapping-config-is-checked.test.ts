import path from 'node:path';
import { ConfigError } from '../../src/config/errors';
import { loadConfigFile, parseConfig } from '../../src/modules/config';
import { builtInMappings } from '../../src/logs/mapping-sets';
import { LOG_FAMILIES } from '../../src/logs/families';
import { createMetrics } from '../../src/metrics/definitions';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'test.yaml', { env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.line ?? '?'}: ${problem.path}: ${problem.message}`);
    throw error;
  }
  return [];
}

const withMapping = (mapping: string): string => `logs:\n  mappings:\n    - name: mine\n${mapping}`;

describe('log mappings are data, checked when the config loads', () => {
  it('ships mapping sets for both formats that pass the schema', () => {
    expect(builtInMappings('audit').length).toBeGreaterThan(10);
    expect(builtInMappings('nested').length).toBeGreaterThan(8);
    expect(builtInMappings('none')).toEqual([]);
  });

  it('loads the default config, whose audit source waits for /app/logs', () => {
    const loaded = loadConfigFile(path.join(__dirname, '..', '..', 'config', 'exporter.yaml'), { env: { AMAS_LOG_DIR: '/nowhere/logs' } });
    expect(loaded.config.logs.sources).toEqual([{ name: 'audit', path: '/nowhere/logs/audit.log', format: 'audit', start_at: 'end', follow: 'family' }]);
    expect(loaded.config.logs.positions_path).toBe('/app/logs/.amas-exporter-positions.json');
  });

  it('accepts a user mapping for their own lines', () => {
    expect(problems(withMapping(`      metric: amas_analyses_completed_total
      when:
        - { field: kind, equals: analysis_done }
        - any: [{ field: score, gte: 0.5 }, { field: tags, contains: urgent }]
      labels:
        type: { field: analysis.kind, transform: lower, default: unknown }
        result: { value: success }
`))).toEqual([]);
  });

  it.each([
    ['an unknown family', '      metric: amas_made_up_total\n', /metric: expected "amas_http_requests_total" or/],
    ['a missing label', '      metric: amas_jwt_validations_total\n', /missing label "result"/],
    ['a label the family lacks', '      metric: amas_jwt_validations_total\n      labels: { result: r, reason: x }\n', /has no label "reason"/],
    ['a histogram without a value', '      metric: amas_http_request_duration_seconds\n      labels: { method: m, endpoint: e }\n', /needs a "value"/],
    ['a broken regular expression', '      metric: amas_jwt_validations_total\n      labels: { result: r }\n      when: [{ field: x, regex: "(" }]\n', /invalid regular expression/],
    ['an unknown transform', '      metric: amas_jwt_validations_total\n      labels: { result: { field: r, transform: rot13 } }\n', /transform/],
    ['a condition without operator', '      metric: amas_jwt_validations_total\n      labels: { result: r }\n      when: [{ field: x }]\n', /expected one of equals/],
  ])('refuses %s with a located message', (_case, body, message) => {
    const found = problems(withMapping(body));
    expect(found.join('\n')).toMatch(message);
    expect(found.every((problem) => problem.startsWith('?') === false)).toBe(true);
  });

  it('names only families that exist, with their real labels', () => {
    const { metrics } = createMetrics('test');
    for (const [name, family] of Object.entries(LOG_FAMILIES)) {
      const metric = metrics[family.metric] as unknown as { name: string; labelNames: string[] };
      expect([name, [...metric.labelNames]]).toEqual([metric.name, [...family.labels]]);
    }
  });
});
