import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { DEPLOY, describeRun, requireBinary, run } from '../deploy/tools';
import { amasNamesIn, knownSampleNames } from '../deploy/known-metrics';

const RULES = path.join(DEPLOY, 'prometheus', 'rules', 'amas-slo.yml');
const TESTS = path.join(DEPLOY, 'prometheus', 'tests', 'amas-slo.test.yml');

interface Rule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly labels?: Record<string, string>;
}
const rules = (): Rule[] => (YAML.parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((group) => group.rules);
const recorded = (name: string, slo: string): string | undefined => rules().find((rule) => rule.record === name && rule.labels?.slo === slo)?.expr;

/** The guide's SLO table: objective of each SLO. */
const GUIDE_SLOS: Readonly<Record<string, number>> = { availability: 0.999, error_rate: 0.999, ai_response_time: 0.95, provider_success: 0.99, bulletproof_validation: 1 };

describe('the SLO rules (deploy/prometheus/rules/amas-slo.yml)', () => {
  it('pass promtool check rules', () => {
    const result = run(requireBinary('promtool'), ['check', 'rules', RULES]);
    expect({ status: result.status, output: describeRun(result) }).toMatchObject({ status: 0 });
  });

  it('pass their promtool unit tests', () => {
    const result = run(requireBinary('promtool'), ['test', 'rules', TESTS], { cwd: path.dirname(TESTS), timeoutMs: 120_000 });
    expect({ status: result.status, output: describeRun(result) }).toMatchObject({ status: 0 });
    expect(result.stdout).toMatch(/SUCCESS/);
  });

  it.each(Object.entries(GUIDE_SLOS))('record %s with its objective and error ratios over 5m, 30m, 1h and 6h', (slo, objective) => {
    expect(recorded('amas:slo_objective:ratio', slo)).toBe(`vector(${objective})`);
    expect(Number(/vector\((.*)\)/.exec(recorded('amas:slo_error_budget:ratio', slo) ?? '')?.[1])).toBeCloseTo(1 - objective, 9);
    for (const window of ['5m', '30m', '1h', '6h']) expect(recorded(`amas:slo_errors:ratio_rate${window}`, slo)).toContain(`[${window}]`);
  });

  it('alert on a fast burn (14.4x over 1h and 5m) and a slow burn (6x over 6h and 30m) of every SLO with a budget', () => {
    for (const [slo, objective] of Object.entries(GUIDE_SLOS)) {
      const alerts = rules().filter((rule) => rule.alert && rule.labels?.slo === slo);
      if (objective === 1) {
        expect(alerts.map((rule) => rule.expr.trim())).toEqual([`amas:slo_errors:ratio_rate1h{slo="${slo}"} > 0`]);
        continue;
      }
      const budget = Number((1 - objective).toFixed(6));
      const fast = alerts.find((rule) => rule.alert?.endsWith('BudgetBurnFast'));
      const slow = alerts.find((rule) => rule.alert?.endsWith('BudgetBurnSlow'));
      expect(fast?.expr.replace(/\s+/g, ' ').trim()).toBe(`amas:slo_errors:ratio_rate1h{slo="${slo}"} > (14.4 * ${budget}) and amas:slo_errors:ratio_rate5m{slo="${slo}"} > (14.4 * ${budget})`);
      expect(slow?.expr.replace(/\s+/g, ' ').trim()).toBe(`amas:slo_errors:ratio_rate6h{slo="${slo}"} > (6 * ${budget}) and amas:slo_errors:ratio_rate30m{slo="${slo}"} > (6 * ${budget})`);
      expect([fast?.labels?.severity, slow?.labels?.severity]).toEqual(['critical', 'warning']);
    }
  });

  it('every SLO alert has a unit test where it fires and one where it stays silent', () => {
    const parsed = YAML.parse(readFileSync(TESTS, 'utf8')) as { tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }> };
    const checks = parsed.tests.flatMap((test) => test.alert_rule_test ?? []);
    for (const alert of rules().flatMap((rule) => (rule.alert ? [rule.alert] : []))) {
      expect(checks.some((check) => check.alertname === alert && (check.exp_alerts?.length ?? 0) > 0)).toBe(true);
      expect(checks.some((check) => check.alertname === alert && (check.exp_alerts?.length ?? 0) === 0)).toBe(true);
    }
  });

  it('name only metrics the exporter defines', () => {
    const known = knownSampleNames();
    expect(rules().flatMap((rule) => amasNamesIn(rule.expr).filter((name) => !known.has(name)))).toEqual([]);
  });
});
