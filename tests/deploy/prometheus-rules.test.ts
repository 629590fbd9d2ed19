import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { alertFiles, alertGroups, alertRules, DEPLOY, describeRun, readYaml, recordingFiles, requireBinary, ROOT, run } from './tools';
import { amasNamesIn, knownSampleNames } from './known-metrics';

/** The seed guide's alerts: name, group, `for`, labels and the annotations kept word for word. */
const SEED_ALERTS = [
  { alert: 'AMASSystemDown', group: 'amas-critical', for: '1m', severity: 'critical', team: 'platform', summary: 'AMAS system is down', description: 'AMAS has been down for more than 1 minute' },
  { alert: 'AMASAllProvidersDown', group: 'amas-critical', for: '2m', severity: 'critical', team: 'ai-ops', summary: 'All AI providers are down', description: 'No AI providers are responding - system degraded' },
  { alert: 'AMASBulletproofValidationDown', group: 'amas-critical', for: '5m', severity: 'critical', team: 'security', summary: 'Bulletproof validation system compromised', description: 'High fake AI detection rate - potential security breach' },
  { alert: 'AMASSecurityBreach', group: 'amas-critical', for: '1m', severity: 'critical', team: 'security', summary: 'Security breach detected', description: 'Critical security events detected in AMAS' },
  // The two descriptions below print $value; they now name the provider and round the number.
  { alert: 'AMASHighResponseTime', group: 'amas-warnings', for: '5m', severity: 'warning', team: 'performance', summary: 'High AI response times detected', description: undefined },
  { alert: 'AMASHighErrorRate', group: 'amas-warnings', for: '3m', severity: 'warning', team: 'platform', summary: 'High error rate detected', description: undefined },
  { alert: 'AMASProviderDegraded', group: 'amas-warnings', for: '10m', severity: 'warning', team: 'ai-ops', summary: 'AI provider {{ $labels.provider }} degraded', description: 'Provider success rate below 95%' },
] as const;

/** Alerts the seed lacks, each with the metric it must watch. */
const OPERATOR_ALERTS: ReadonlyArray<readonly [string, RegExp]> = [
  ['AMASExporterDown', /\bup\{/],
  ['AMASExporterResultsStale', /time\(\) - amas_probe_last_run_timestamp_seconds/],
  ['AMASExporterConfigReloadFailed', /amas_exporter_config_last_reload_successful == 0/],
  ['AMASFakeAIDetected', /max by \(provider\) \(increase\(amas_provider_fake_ai_detected_total\[\w+\]\)\) > 0/],
  ['AMASNoProviderConfigured', /count\(amas_provider_health\{status="unconfigured"\}\) == count\(amas_provider_health\)/],
  ['AMASProviderBudgetExhausted', /amas_provider_budget_remaining/],
  ['AMASDependencyDown', /amas_probe_success\{probe=~"[^"]+"\} == 0/],
  ['AMASLogTailStalled', /amas_exporter_log_last_line_timestamp_seconds/],
];

interface RuleTestFile {
  rule_files: string[];
  tests: Array<{ name?: string; alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
}

const testsDir = path.join(DEPLOY, 'prometheus', 'tests');
const ruleTestFiles = (): string[] => readdirSync(testsDir).filter((name) => name.endsWith('.yml')).sort().map((name) => path.join(testsDir, name));

describe('the shipped Prometheus config and alert rules', () => {
  let promtool: string;
  beforeAll(() => {
    promtool = requireBinary('promtool');
  });

  it.each(['prometheus.yml', 'prometheus-single-job.yml'])('promtool check config passes for %s, rule files included', (file) => {
    const result = run(promtool, ['check', 'config', path.join(DEPLOY, 'prometheus', file)]);
    expect({ status: result.status, output: describeRun(result) }).toMatchObject({ status: 0 });
    expect(result.stdout).toMatch(new RegExp(`${alertFiles().length + recordingFiles().length} rule files found`));
  });

  it('promtool check rules passes for every alert and recording-rule file', () => {
    const result = run(promtool, ['check', 'rules', ...alertFiles(), ...recordingFiles()]);
    expect({ status: result.status, output: describeRun(result) }).toMatchObject({ status: 0 });
  });

  it('promtool test rules passes: every unit test of deploy/prometheus/tests', () => {
    const result = run(promtool, ['test', 'rules', ...ruleTestFiles()], { cwd: testsDir, timeoutMs: 120_000 });
    expect({ status: result.status, output: describeRun(result) }).toMatchObject({ status: 0 });
  });

  it('every alert has a unit test where it fires and one where it stays silent', () => {
    const firing = new Set<string>();
    const silent = new Set<string>();
    for (const file of ruleTestFiles()) {
      const parsed = YAML.parse(readFileSync(file, 'utf8')) as RuleTestFile;
      for (const test of parsed.tests) {
        for (const check of test.alert_rule_test ?? []) (check.exp_alerts?.length ? firing : silent).add(check.alertname);
      }
    }
    const names = alertRules().map((rule) => rule.alert);
    expect(names.filter((name) => !firing.has(name))).toEqual([]);
    expect(names.filter((name) => !silent.has(name))).toEqual([]);
  });

  it.each(SEED_ALERTS.map((seed) => [seed.alert, seed] as const))("keeps the seed's %s with its group, for, labels and annotations", (_name, seed) => {
    const group = alertGroups().find((candidate) => candidate.rules.some((rule) => rule.alert === seed.alert));
    const rule = group?.rules.find((candidate) => candidate.alert === seed.alert);
    expect(group?.name).toBe(seed.group);
    expect(rule?.for).toBe(seed.for);
    expect(rule?.labels).toEqual({ severity: seed.severity, team: seed.team });
    expect(rule?.annotations?.summary).toBe(seed.summary);
    if (seed.description) expect(rule?.annotations?.description).toBe(seed.description);
    else expect(rule?.annotations?.description).toBeTruthy();
  });

  it('replaces the seed expressions that cannot work (seed-errata.md)', () => {
    const expr = (name: string): string => alertRules().find((rule) => rule.alert === name)?.expr ?? '';
    expect(expr('AMASSystemDown')).not.toMatch(/\bup\{/);
    expect(expr('AMASSystemDown')).toMatch(/amas_probe_success\{probe="amas_app"\}/);
    // Ratios aggregate both sides over a rate window instead of dividing each series by itself.
    expect(expr('AMASBulletproofValidationDown')).toMatch(/^sum\(rate\(.*\n\s*\/\n\s*sum\(rate\(/m);
    expect(expr('AMASBulletproofValidationDown')).not.toMatch(/result="failed"/);
    expect(expr('AMASHighErrorRate')).toMatch(/100 \* sum\(rate\(amas_http_requests_total\{status=~"5\.\."\}\[5m\]\)\)\s*\/\s*sum\(rate\(amas_http_requests_total\[5m\]\)\)\s*> 5/);
    expect(expr('AMASHighResponseTime')).toMatch(/histogram_quantile\(0\.95, sum by \(le, provider\)/);
  });

  it.each(OPERATOR_ALERTS)('adds the operator alert %s', (name, pattern) => {
    const rule = alertRules().find((candidate) => candidate.alert === name);
    expect(rule?.expr).toMatch(pattern);
    expect(['critical', 'warning', 'info']).toContain(rule?.labels?.severity);
    expect(rule?.annotations?.summary).toBeTruthy();
    expect(rule?.annotations?.description).toBeTruthy();
  });

  it('gives every rule a runbook_url: the one configurable base (external label runbook_base_url) plus its own section of docs/alerts.md', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'alerts.md'), 'utf8');
    // GitHub's heading anchors: lower case, spaces to dashes, punctuation dropped.
    const anchors = new Set([...doc.matchAll(/^#{2,4} (.+)$/gm)].map(([, title]) => (title ?? '').trim().toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-')));
    const problems = alertRules().flatMap((rule) => {
      const expected = `{{ or $externalLabels.runbook_base_url "docs/alerts.md" }}#${rule.alert.toLowerCase()}`;
      const url = rule.annotations?.runbook_url;
      return [...(url === expected ? [] : [`${rule.alert}: runbook_url ${String(url)}`]), ...(anchors.has(rule.alert.toLowerCase()) ? [] : [`${rule.alert}: no section in docs/alerts.md`])];
    });
    expect(problems).toEqual([]);
    expect(alertRules().length).toBeGreaterThanOrEqual(15);
  });

  it('keeps all-down for configured providers and raises one fake-AI alert per provider with the reasons in its annotations', () => {
    const rule = (name: string) => alertRules().find((candidate) => candidate.alert === name);
    expect(rule('AMASAllProvidersDown')?.expr).toMatch(/sum\(amas_provider_health\) == 0\s+and\s+count\(amas_provider_health\{status!="unconfigured"\}\) > 0/);
    expect(rule('AMASNoProviderConfigured')?.labels?.severity).toBe('info');
    const fake = rule('AMASFakeAIDetected');
    // Every branch aggregates by provider alone, so the reason label cannot split the alert.
    expect(fake?.expr.match(/max by \(provider\)/g)).toHaveLength(2);
    expect(fake?.annotations?.reasons).toMatch(/query .*amas_provider_fake_ai_detected_total.*sortByLabel "reason"/);
    expect(fake?.annotations?.description).toMatch(/reasons: \{\{ range/);
  });

  it("records the seed's _total gauge names from the lint-clean exposed names", () => {
    const groups = recordingFiles().flatMap((file) => (YAML.parse(readFileSync(file, 'utf8')) as { groups: Array<{ rules: Array<{ record: string; expr: string }> }> }).groups);
    const records = Object.fromEntries(groups.flatMap((group) => group.rules).map((rule) => [rule.record, rule.expr]));
    expect(records).toMatchObject({ amas_active_sessions_total: 'amas_active_sessions', amas_concurrent_analyses_total: 'amas_concurrent_analyses' });
    const known = knownSampleNames();
    expect(Object.values(records).filter((expr) => amasNamesIn(expr).some((name) => !known.has(name)))).toEqual([]);
  });

  it('names only metrics the exporter defines', () => {
    const known = knownSampleNames();
    const unknown = alertRules().flatMap((rule) => amasNamesIn(rule.expr).filter((name) => !known.has(name)).map((name) => `${rule.alert}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it("scrapes the seed's three jobs with each group once, and the single-job variant scrapes /metrics whole", () => {
    type ScrapeConfig = { job_name: string; scrape_interval: string; metrics_path: string; params?: Record<string, string[]>; static_configs: Array<{ targets: string[] }> };
    const three = readYaml<{ scrape_configs: ScrapeConfig[]; rule_files: string[] }>('deploy/prometheus/prometheus.yml');
    expect(three.rule_files).toEqual(expect.arrayContaining(['alerts/*.yml', 'rules/*.yml']));
    expect(three.scrape_configs.map((job) => [job.job_name, job.scrape_interval, job.metrics_path, job.static_configs[0]?.targets])).toEqual([
      ['amas', '5s', '/metrics', ['amas:8001']],
      ['amas-ai-providers', '30s', '/metrics/ai-providers', ['amas:8001']],
      ['amas-security', '10s', '/metrics/security', ['amas:8001']],
    ]);
    const excluded = (three.scrape_configs[0]?.params?.exclude ?? []).flatMap((value) => value.split(','));
    expect(excluded.sort()).toEqual(['ai-providers', 'security']);
    expect(three.scrape_configs.slice(1).every((job) => job.params === undefined)).toBe(true);

    const single = readYaml<{ scrape_configs: ScrapeConfig[] }>('deploy/prometheus/prometheus-single-job.yml');
    expect(single.scrape_configs.map((job) => [job.job_name, job.metrics_path, job.params])).toEqual([['amas', '/metrics', undefined]]);
  });
});
