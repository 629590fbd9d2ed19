import path from 'node:path';
import { DEPLOY, describeRun, readYaml, requireBinary, run } from './tools';

const CONFIG = path.join(DEPLOY, 'alertmanager', 'alertmanager.yml');

interface Receiver {
  name: string;
  [kind: string]: unknown;
}

/** Every string value in a parsed YAML tree, with its key path. */
function strings(value: unknown, at = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, `${at}[${index}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => strings(item, at ? `${at}.${key}` : key));
  return [];
}

describe('the shipped Alertmanager config', () => {
  let amtool: string;
  beforeAll(() => {
    amtool = requireBinary('amtool');
  });

  it('passes amtool check-config', () => {
    const result = run(amtool, ['check-config', CONFIG]);
    expect({ status: result.status, output: describeRun(result) }).toMatchObject({ status: 0 });
    expect(result.stdout).toMatch(/SUCCESS/);
  });

  it.each([
    [['severity=critical', 'alertname=AMASSystemDown'], 'critical-alerts'],
    [['severity=warning', 'alertname=AMASProviderDegraded'], 'warning-alerts'],
    [['severity=info', 'alertname=Deployed'], 'web.hook'],
    [['alertname=Unlabelled'], 'web.hook'],
  ])('routes %j to %s, as the seed does', (labels, receiver) => {
    const result = run(amtool, ['config', 'routes', 'test', `--config.file=${CONFIG}`, ...labels]);
    expect({ status: result.status, output: describeRun(result) }).toMatchObject({ status: 0 });
    expect(result.stdout.trim()).toBe(receiver);
  });

  it('reads receiver secrets from files and holds no placeholder instead of a URL', () => {
    const config = readYaml<{ global: Record<string, string>; receivers: Receiver[] }>('deploy/alertmanager/alertmanager.yml');
    expect(config.global.slack_api_url_file).toMatch(/^\/etc\/alertmanager\/secrets\//);
    expect(config.global.smtp_auth_password_file).toMatch(/^\/etc\/alertmanager\/secrets\//);
    const secretsInline = strings(config).filter(([key]) => /(^|\.)(api_url|auth_password|smtp_auth_password|slack_api_url|password|secret|token)$/.test(key));
    expect(secretsInline).toEqual([]);
    const urls = strings(config).filter(([key]) => /(^|\.)(url|api_url)$/.test(key));
    for (const [key, value] of urls) expect([key, URL.canParse(value)]).toEqual([key, true]);
    expect(strings(config).filter(([, value]) => /YOUR_|CHANGE_?ME|<[A-Z_]+>/.test(value))).toEqual([]);
    expect(config.receivers.map((receiver) => receiver.name).sort()).toEqual(['critical-alerts', 'warning-alerts', 'web.hook']);
  });
});
