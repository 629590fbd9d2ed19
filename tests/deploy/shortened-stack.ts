import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { TestPrometheus } from './prometheus-server';
import { alertFiles, dashboards, DEPLOY, recordingFiles, withGrafanaMacros, type DashboardPanel } from './tools';

/**
 * The shipped Prometheus layout made fast enough for a test: scrape and rule intervals of seconds,
 * every `for:` 60 times shorter. Expressions, jobs and files are the shipped ones.
 */

/** Scrape interval per shipped job. */
export const TEST_INTERVALS: Readonly<Record<string, string>> = { amas: '1s', 'amas-ai-providers': '2s', 'amas-security': '1s' };
/** Grafana's interval macros: several scrapes per rate window, everything since the start as the range. */
export const PANEL_WINDOWS = { rate: '20s', range: '30m', interval: '5s' };

/** A Prometheus duration ("1m", "10m", "1h30m") in seconds. */
const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
export function durationSeconds(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(amount) * (UNIT_SECONDS[unit ?? ''] ?? 0);
  return total;
}

/** The shipped alert and recording-rule files (by their path under deploy/prometheus) with every `for:` 60 times shorter (at least 1 s). */
export function shortenedRuleFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of [...alertFiles(), ...recordingFiles()]) {
    const parsed = YAML.parse(readFileSync(file, 'utf8')) as { groups: Array<{ rules: Array<{ for?: string }> }> };
    for (const rule of parsed.groups.flatMap((group) => group.rules)) if (rule.for) rule.for = `${Math.max(1, Math.round(durationSeconds(rule.for) / 60))}s`;
    files[`${path.basename(path.dirname(file))}/${path.basename(file)}`] = YAML.stringify(parsed);
  }
  return files;
}

/** The shipped prometheus.yml with the exporter as the target of every job and short intervals; no Alertmanager. */
export function shortenedPrometheusConfig(exporterPort: number): string {
  type Job = { job_name: string; scrape_interval: string; scrape_timeout?: string; static_configs: Array<{ targets: string[] }> };
  const config = YAML.parse(readFileSync(path.join(DEPLOY, 'prometheus', 'prometheus.yml'), 'utf8')) as { global: Record<string, string>; scrape_configs: Job[]; alerting?: unknown };
  config.global.scrape_interval = '1s';
  config.global.evaluation_interval = '1s';
  delete config.alerting;
  for (const job of config.scrape_configs) {
    const interval = TEST_INTERVALS[job.job_name];
    if (!interval) throw new Error(`unexpected job ${job.job_name} in the shipped prometheus.yml`);
    job.scrape_interval = interval;
    job.scrape_timeout = interval;
    job.static_configs = [{ targets: [`127.0.0.1:${exporterPort}`] }];
  }
  return YAML.stringify(config);
}

const allPanels = (panels: readonly DashboardPanel[]): DashboardPanel[] => panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);

/** Every query of every shipped dashboard, named `<uid> / <panel title> / <refId>`. */
export function panelTargets(): { where: string; target: NonNullable<DashboardPanel['targets']>[number] }[] {
  return dashboards().flatMap(({ dashboard }) =>
    allPanels(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `${dashboard.uid} / ${panel.title} / ${target.refId}`, target }))),
  );
}

/** The panel queries that return no point (NaN counts as none) since `startedAt` (epoch s), with Grafana's macros filled in. */
export async function panelsWithoutData(prom: TestPrometheus, targets: ReturnType<typeof panelTargets>, startedAt: number): Promise<string[]> {
  const missing: string[] = [];
  const now = Math.ceil(Date.now() / 1000);
  for (const { where, target } of targets) {
    const expr = withGrafanaMacros(target.expr, PANEL_WINDOWS);
    const result = target.instant ? await prom.query(expr) : await prom.queryRange(expr, Math.floor(startedAt), now, 2);
    const points = result.flatMap((series) => (series.value ? [series.value] : (series.values ?? []))).filter(([, value]) => value !== 'NaN');
    if (points.length === 0) missing.push(`${where}: ${expr}`);
  }
  return missing;
}
