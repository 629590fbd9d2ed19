import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** The repository root and the deploy/ folder. */
export const ROOT = path.resolve(__dirname, '..', '..');
export const DEPLOY = path.join(ROOT, 'deploy');

/** Where CI gets each external tool from; a missing one fails the suite with this hint. */
const PACKAGES: Readonly<Record<string, string>> = {
  promtool: 'prometheus',
  prometheus: 'prometheus',
  amtool: 'prometheus-alertmanager',
};

/**
 * The absolute path of a tool on PATH. Throws (never skips) when it is missing, naming the Debian
 * package that provides it, because these suites prove the files work with the real tool.
 */
export function requireBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is not installed or not on PATH; install it with: apt-get install ${PACKAGES[name] ?? name}`);
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (bounded by `timeoutMs`) and returns its exit status and output. */
export function run(command: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): RunResult {
  const result = spawnSync(command, args, { cwd: options.cwd ?? ROOT, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Output of a run, for assertion messages. */
export const describeRun = (result: RunResult): string => `exit ${String(result.status)}\n${result.stdout}\n${result.stderr}`;

/** Reads a YAML file from the repository (path relative to the root). */
export function readYaml<T = unknown>(relative: string): T {
  return YAML.parse(readFileSync(path.join(ROOT, relative), 'utf8')) as T;
}

/** Every document of a multi-document YAML file. */
export function readYamlDocuments(relative: string): unknown[] {
  return YAML.parseAllDocuments(readFileSync(path.join(ROOT, relative), 'utf8')).map((doc) => doc.toJS() as unknown);
}

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** The alert files under deploy/prometheus/alerts, in file-name order. */
export function alertFiles(): string[] {
  const dir = path.join(DEPLOY, 'prometheus', 'alerts');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Every rule group of the alert files, in file-name order. */
export function alertGroups(): RuleGroup[] {
  return alertFiles().flatMap((file) => (YAML.parse(readFileSync(file, 'utf8')) as { groups: RuleGroup[] }).groups);
}

/** The recording-rule files under deploy/prometheus/rules, in file-name order. */
export function recordingFiles(): string[] {
  const dir = path.join(DEPLOY, 'prometheus', 'rules');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Every rule group Prometheus loads: the alert files, then the recording-rule files. */
export function allRuleGroups(): unknown[] {
  return [...alertFiles(), ...recordingFiles()].flatMap((file) => (YAML.parse(readFileSync(file, 'utf8')) as { groups: unknown[] }).groups);
}

/** Every alert rule of the alert files. */
export function alertRules(): AlertRule[] {
  return alertGroups().flatMap((group) => group.rules);
}

export interface DashboardTarget {
  readonly refId: string;
  readonly expr: string;
  readonly instant?: boolean;
  readonly legendFormat?: string;
  readonly format?: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
}
export interface DashboardPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly h: number; readonly w: number; readonly x: number; readonly y: number };
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: readonly DashboardTarget[];
  readonly panels?: readonly DashboardPanel[];
}
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly DashboardPanel[];
  readonly [key: string]: unknown;
}

/** The dashboards under deploy/grafana/dashboards, by file name. */
export function dashboards(): Array<{ file: string; dashboard: Dashboard }> {
  const dir = path.join(DEPLOY, 'grafana', 'dashboards');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ file: name, dashboard: JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Dashboard }));
}

/** Grafana's interval macros replaced by fixed windows, so Prometheus can run a panel's query. */
export function withGrafanaMacros(expr: string, windows: { rate: string; range: string; interval: string }): string {
  return expr.replaceAll('$__rate_interval', windows.rate).replaceAll('$__range', windows.range).replaceAll('$__interval', windows.interval);
}
