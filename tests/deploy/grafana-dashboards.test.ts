import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { amasNamesIn, knownSampleNames } from './known-metrics';
import { dashboards, describeRun, readYaml, requireBinary, run, withGrafanaMacros, type DashboardPanel } from './tools';

/** The seed's three dashboards: uid (its import id), title and panels by title and type. */
const SEED_DASHBOARDS = [
  {
    uid: 'amas-overview-v3',
    title: 'AMAS System Overview v3.0',
    panels: [['🛡️ Bulletproof Validation Status', 'stat'], ['🤖 AI Provider Health', 'stat'], ['📊 Request Rate', 'timeseries'], ['⚡ AI Response Times', 'timeseries']],
  },
  {
    uid: 'amas-ai-providers-v3',
    title: 'AMAS AI Providers v3.0',
    panels: [['🟢 Provider Status Matrix', 'stat'], ['📊 Provider Success Rates', 'timeseries'], ['🛡️ Bulletproof Validation Results', 'piechart']],
  },
  {
    uid: 'amas-security-v3',
    title: 'AMAS Security Dashboard v3.0',
    panels: [['🔒 Authentication Events', 'timeseries'], ['🚨 Security Events', 'table'], ['⚙️ Rate Limit Status', 'heatmap']],
  },
] as const;

/** Panel types built into Grafana 11; no plugin is installed. */
const BUILT_IN_PANELS = new Set(['stat', 'timeseries', 'table', 'piechart', 'heatmap', 'bargauge', 'gauge', 'text', 'row', 'state-timeline', 'status-history', 'barchart']);

const allPanels = (panels: readonly DashboardPanel[]): DashboardPanel[] => panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);

const datasource = readYaml<{ datasources: Array<{ uid: string; type: string; url: string }> }>('deploy/grafana/provisioning/datasources/prometheus.yml').datasources[0];

describe('the shipped Grafana dashboards', () => {
  it("are the seed's three dashboards with stable uids and the seed's panels, plus the SLO dashboard", () => {
    const byUid = new Map(dashboards().map(({ dashboard }) => [dashboard.uid, dashboard]));
    expect([...byUid.keys()].sort()).toEqual([...SEED_DASHBOARDS.map((seed) => seed.uid), 'amas-slo-v1'].sort());
    for (const seed of SEED_DASHBOARDS) {
      const dashboard = byUid.get(seed.uid);
      expect(dashboard?.title).toBe(seed.title);
      const panels = allPanels(dashboard?.panels ?? []).map((panel) => [panel.title, panel.type]);
      for (const panel of seed.panels) expect(panels).toContainEqual([...panel]);
    }
  });

  it.each(dashboards().map(({ file, dashboard }) => [file, dashboard] as const))('%s is complete Grafana JSON: schemaVersion, unique ids, gridPos without overlap, built-in panels', (_file, dashboard) => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(typeof dashboard.time).toBe('object');
    const panels = allPanels(dashboard.panels);
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const panel of panels) {
      expect(BUILT_IN_PANELS.has(panel.type)).toBe(true);
      const { h, w, x, y } = panel.gridPos;
      expect([h, w, x, y].every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
      expect(x + w).toBeLessThanOrEqual(24);
      for (let row = y; row < y + h; row += 1) {
        for (let column = x; column < x + w; column += 1) {
          expect(cells.has(`${row},${column}`) ? `${panel.title} overlaps at ${row},${column}` : 'free').toBe('free');
          cells.add(`${row},${column}`);
        }
      }
    }
  });

  it('name the provisioned Prometheus datasource by uid on every panel and query', () => {
    expect(datasource?.type).toBe('prometheus');
    for (const { dashboard } of dashboards()) {
      for (const panel of allPanels(dashboard.panels).filter((candidate) => candidate.type !== 'row')) {
        expect([panel.title, panel.datasource]).toEqual([panel.title, { type: 'prometheus', uid: datasource?.uid }]);
        for (const target of panel.targets ?? []) expect(target.datasource).toEqual({ type: 'prometheus', uid: datasource?.uid });
      }
    }
  });

  it("fix the seed's broken queries: no unknown metric, no raw counter, quantiles and ratios aggregated", () => {
    const known = knownSampleNames();
    for (const { dashboard } of dashboards()) {
      for (const panel of allPanels(dashboard.panels)) {
        for (const target of panel.targets ?? []) {
          const where = `${dashboard.uid} / ${panel.title}: ${target.expr}`;
          expect([where, amasNamesIn(target.expr).filter((name) => !known.has(name))]).toEqual([where, []]);
          // Counters only through rate() or increase().
          const outsideWindows = target.expr.replace(/\b(rate|increase)\([^()]*\[[^\]]+\]\)/g, 'WINDOW');
          expect([where, outsideWindows.match(/\bamas_\w+_total\b/g)]).toEqual([where, null]);
          if (target.expr.includes('histogram_quantile')) expect(target.expr).toMatch(/histogram_quantile\([0-9.]+, sum by \(le, provider\)/);
          // A division aggregates both sides, so no series is divided by itself.
          if (/\)\s*\n?\s*\/\s/.test(target.expr)) expect(target.expr.split('/').every((side) => /\bsum(\s+by\s*\([^)]*\))?\s*\(/.test(side))).toBe(true);
        }
      }
    }
  });

  it('every panel query is valid PromQL (promtool checks them as recording rules)', () => {
    const promtool = requireBinary('promtool');
    const rules = dashboards().flatMap(({ dashboard }) =>
      allPanels(dashboard.panels).flatMap((panel) =>
        (panel.targets ?? []).map((target, index) => ({ record: `dashboard:${dashboard.uid.replaceAll('-', '_')}:panel${panel.id}_${index}`, expr: withGrafanaMacros(target.expr, { rate: '2m', range: '1h', interval: '1m' }) })),
      ),
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'amas-dashboards-'));
    try {
      const file = path.join(dir, 'panels.yml');
      writeFileSync(file, YAML.stringify({ groups: [{ name: 'panels', rules }] }));
      const result = run(promtool, ['check', 'rules', file]);
      expect({ status: result.status, output: describeRun(result) }).toMatchObject({ status: 0 });
      expect(result.stdout).toContain(`${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are provisioned from the folder that Compose mounts, with the datasource Compose reaches', () => {
    const provider = readYaml<{ providers: Array<{ type: string; options: { path: string } }> }>('deploy/grafana/provisioning/dashboards/amas.yml').providers[0];
    expect(provider?.type).toBe('file');
    const compose = readYaml<{ services: Record<string, { volumes?: string[] }> }>('deploy/docker-compose.monitoring.yml');
    const mounts = compose.services.grafana?.volumes ?? [];
    expect(mounts).toContain(`./grafana/dashboards:${provider?.options.path}:ro`);
    expect(mounts).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
    expect(datasource?.url).toBe('http://prometheus:9090');
    expect(Object.keys(compose.services)).toContain('prometheus');
  });
});
