import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports';
import { DEPLOY, describeRun, readYaml, requireBinary, run } from './tools';

/** The default config (no secrets, null receivers) and the notifying one (the seed's mail and Slack). */
const DEFAULT = path.join(DEPLOY, 'alertmanager', 'alertmanager.yml');
const NOTIFY = path.join(DEPLOY, 'alertmanager', 'alertmanager.notify.yml');

interface Receiver {
  name: string;
  [kind: string]: unknown;
}
interface AlertmanagerConfig {
  global?: Record<string, string | boolean>;
  route: unknown;
  inhibit_rules: unknown[];
  receivers: Receiver[];
}

/** Every string value in a parsed YAML tree, with its key path. */
function strings(value: unknown, at = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, `${at}[${index}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => strings(item, at ? `${at}.${key}` : key));
  return [];
}

describe('the shipped Alertmanager configs', () => {
  let amtool: string;
  beforeAll(() => {
    amtool = requireBinary('amtool');
  });

  it.each([DEFAULT, NOTIFY])('%s passes amtool check-config', (file) => {
    const result = run(amtool, ['check-config', file]);
    expect({ status: result.status, output: describeRun(result) }).toMatchObject({ status: 0 });
    expect(result.stdout).toMatch(/SUCCESS/);
  });

  it.each([
    [['severity=critical', 'alertname=AMASSystemDown'], 'critical-alerts'],
    [['severity=warning', 'alertname=AMASProviderDegraded'], 'warning-alerts'],
    [['severity=info', 'alertname=AMASNoProviderConfigured'], 'web.hook'],
    [['alertname=Unlabelled'], 'web.hook'],
  ])('routes %j to %s in both configs, as the seed does', (labels, receiver) => {
    for (const file of [DEFAULT, NOTIFY]) {
      const result = run(amtool, ['config', 'routes', 'test', `--config.file=${file}`, ...labels]);
      expect({ file, status: result.status, output: describeRun(result) }).toMatchObject({ file, status: 0 });
      expect(result.stdout.trim()).toBe(receiver);
    }
  });

  it('the default needs no secret and names no host: every receiver is a null receiver', () => {
    const config = readYaml<AlertmanagerConfig>('deploy/alertmanager/alertmanager.yml');
    expect(config.receivers.map((receiver) => receiver.name).sort()).toEqual(['critical-alerts', 'warning-alerts', 'web.hook']);
    expect(config.receivers.filter((receiver) => Object.keys(receiver).length > 1)).toEqual([]);
    expect(strings(config).filter(([key]) => /(url|smarthost|host|_file|password|token)$/i.test(key))).toEqual([]);
  });

  it('switching to the notifying config changes the receivers only: same routes and inhibitions', () => {
    const defaults = readYaml<AlertmanagerConfig>('deploy/alertmanager/alertmanager.yml');
    const notify = readYaml<AlertmanagerConfig>('deploy/alertmanager/alertmanager.notify.yml');
    expect(notify.route).toEqual(defaults.route);
    expect(notify.inhibit_rules).toEqual(defaults.inhibit_rules);
    expect(notify.receivers.map((receiver) => receiver.name).sort()).toEqual(defaults.receivers.map((receiver) => receiver.name).sort());
  });

  it('the notifying config reads receiver secrets from files and holds no placeholder instead of a URL', () => {
    const config = readYaml<{ global: Record<string, string>; receivers: Receiver[] }>('deploy/alertmanager/alertmanager.notify.yml');
    expect(config.global.slack_api_url_file).toMatch(/^\/etc\/alertmanager\/secrets\//);
    expect(config.global.smtp_auth_password_file).toMatch(/^\/etc\/alertmanager\/secrets\//);
    const secretsInline = strings(config).filter(([key]) => /(^|\.)(api_url|auth_password|smtp_auth_password|slack_api_url|password|secret|token)$/.test(key));
    expect(secretsInline).toEqual([]);
    const urls = strings(config).filter(([key]) => /(^|\.)(url|api_url)$/.test(key));
    for (const [key, value] of urls) expect([key, URL.canParse(value)]).toEqual([key, true]);
    expect(strings(config).filter(([, value]) => /YOUR_|CHANGE_?ME|<[A-Z_]+>/.test(value))).toEqual([]);
  });

  it('a real Alertmanager on the default config takes critical, warning and info alerts without one notification error', async () => {
    const binary = requireBinary('prometheus-alertmanager');
    const dir = mkdtempSync(path.join(tmpdir(), 'amas-alertmanager-'));
    const [port, cluster] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${port}`;
    const output: string[] = [];
    const child = spawn(binary, [`--config.file=${DEFAULT}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, `--cluster.listen-address=127.0.0.1:${cluster}`, '--log.level=debug'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    try {
      let ready = false;
      for (let attempt = 0; attempt < 100 && !ready && child.exitCode === null; attempt += 1) {
        ready = await fetch(`${url}/-/ready`).then((response) => response.ok, () => false);
        if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect({ ready, output: output.join('') }).toMatchObject({ ready: true });
      const alerts = ['critical', 'warning', 'info'].map((severity) => ({ labels: { alertname: `AMASTest_${severity}`, severity, provider: 'cerebras' }, annotations: { summary: severity } }));
      const posted = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      expect(posted.status).toBe(200);
      // group_wait is 10 s: wait (bounded) until every group has been flushed to its receiver.
      let flushed = 0;
      for (let attempt = 0; attempt < 60 && flushed < 3; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        flushed = (output.join('').match(/flushing/gi) ?? []).length;
      }
      const listed = (await (await fetch(`${url}/api/v2/alerts`)).json()) as Array<{ labels: Record<string, string>; receivers: Array<{ name: string }> }>;
      expect(listed.map((alert) => [alert.labels.severity, alert.receivers.map((receiver) => receiver.name)]).sort()).toEqual([
        ['critical', ['critical-alerts']],
        ['info', ['web.hook']],
        ['warning', ['warning-alerts']],
      ]);
      const log = output.join('');
      expect(flushed).toBeGreaterThanOrEqual(3);
      expect(log.split('\n').filter((line) => /level=(error|warn)|lookup|dial tcp|Notify for alerts failed/i.test(line))).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
