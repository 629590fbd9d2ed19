import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEPLOY, withGrafanaMacros, type Dashboard, type DashboardPanel } from '../deploy/tools';
import { startBackfilledPrometheus, type BackfilledPrometheus, type BackfillSeries } from './helpers/backfilled-prometheus';

/**
 * One day and seven hours of history, one sample a minute. promtool writes one block per two hours
 * of history (about 1 s each), so 30 days would take minutes: the panels' 30-day window is run as a
 * 1-day window over this history, the same expressions otherwise.
 */
const STEP = 60;
const WINDOW = 1440;
const N = WINDOW + 420;
const dashboard = JSON.parse(readFileSync(path.join(DEPLOY, 'grafana', 'dashboards', 'amas-slo.json'), 'utf8')) as Dashboard;
const targets = (dashboard.panels as DashboardPanel[]).flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

const job = { job: 'amas', instance: 'amas:8001' };
const ai = { job: 'amas-ai-providers', instance: 'amas:8001', provider: 'cerebras' };
/** Known history: AMAS down one minute 5 hours ago; 1 % 5xx in the last hour; 2.5 % slow AI calls; 0.5 % failed calls. */
const HISTORY: BackfillSeries[] = [
  { name: 'amas_probe_success', labels: { ...job, probe: 'amas_app' }, value: (i) => (i === N - 300 ? 0 : 1) },
  { name: 'amas_http_requests_total', labels: { ...job, method: 'GET', endpoint: '/api/v1/agents', status: '200' }, value: (i) => 100 * i },
  { name: 'amas_http_requests_total', labels: { ...job, method: 'GET', endpoint: '/api/v1/agents', status: '500' }, value: (i) => Math.max(0, i - (N - 61)) },
  { name: 'amas_ai_response_time_seconds_bucket', labels: { ...ai, model: 'llama', le: '3' }, value: (i) => 1.95 * i },
  { name: 'amas_ai_response_time_seconds_count', labels: { ...ai, model: 'llama' }, value: (i) => 2 * i },
  { name: 'amas_ai_requests_total', labels: { ...ai, status: 'success', validated: 'true' }, value: (i) => i },
  { name: 'amas_ai_requests_total', labels: { ...ai, status: 'timeout', validated: 'false' }, value: (i) => 0.005 * i },
  { name: 'amas_bulletproof_validations_total', labels: { ...ai, result: 'validated' }, value: (i) => i },
  { name: 'amas_bulletproof_validations_total', labels: { ...ai, result: 'skipped' }, value: (i) => i },
  { name: 'amas_bulletproof_validations_total', labels: { ...ai, result: 'fake_ai_detected' }, value: () => 0 },
];

const macros = (expr: string): string => withGrafanaMacros(expr, { rate: '5m', range: '30d', interval: '1m' }).replaceAll('[30d]', '[1d]');

describe('the SLO dashboard against a real Prometheus holding a known history', () => {
  let prometheus: BackfilledPrometheus;
  beforeAll(async () => {
    // The shipped rules, evaluated every second instead of every 30 s so the test need not wait.
    const rules = readFileSync(path.join(DEPLOY, 'prometheus', 'rules', 'amas-slo.yml'), 'utf8').replace(/interval: 30s/g, 'interval: 1s');
    prometheus = await startBackfilledPrometheus(HISTORY, N, STEP, { 'amas-slo.yml': rules });
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if ((await prometheus.query('amas:slo_errors:ratio_rate6h')).length >= 5) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }, 180_000);
  afterAll(() => prometheus?.close());

  const value = async (title: string, legend?: string): Promise<number> => {
    const target = targets.find((candidate) => candidate.panel === title) as { expr: string };
    const result = await prometheus.query(macros(target.expr));
    const sample = legend === undefined ? result[0] : result.find((item) => item.metric.slo === legend);
    return Number(sample?.value[1]);
  };

  it('runs every panel query and gets data', async () => {
    expect(targets.length).toBeGreaterThanOrEqual(10);
    for (const target of targets) {
      const result = await prometheus.query(macros(target.expr));
      expect([target.panel, result.length > 0]).toEqual([target.panel, true]);
    }
  }, 60_000);

  it('shows the error budget left that the history leaves', async () => {
    expect(await value('Error budget left, 30 days: Availability (99.9 %)')).toBeCloseTo(1 - (1 / WINDOW) * 1000, 2);
    expect(await value('Error budget left, 30 days: Error rate (< 0.1 %)')).toBeCloseTo(1 - (60 / (100 * (WINDOW - 1) + 60)) * 1000, 2);
    expect(await value('Error budget left, 30 days: AI response p95 < 3 s')).toBeCloseTo(1 - 0.025 * 20, 3);
    expect(await value('Error budget left, 30 days: Provider success (> 99 %)')).toBeCloseTo(1 - (0.005 / 1.005) * 100, 3);
    expect(await value('Bulletproof validation, 30 days (objective 100 %)')).toBe(1);
  });

  it('shows the burn rates of the recording rules: 5xx at 1 in 101 burns the 0.1 % budget 9.9 times over', async () => {
    expect(await value('Burn rate now (1h window)', 'error_rate')).toBeCloseTo(1000 / 101, 2);
    expect(await value('Burn rate now (1h window)', 'availability')).toBe(0);
    expect(await value('Burn rate now (1h window)', 'ai_response_time')).toBeCloseTo(0.5, 3);
    expect(await value('Burn rate over 6h', 'provider_success')).toBeCloseTo((0.005 / 1.005) * 100, 3);
    expect(await value('Burn rate over 5m', 'error_rate')).toBeCloseTo(1000 / 101, 2);
  });
});
