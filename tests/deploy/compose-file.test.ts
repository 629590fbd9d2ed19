import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfigFile } from '../../src/modules/config';
import { DEPLOY, readYaml } from './tools';

interface ComposeService {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  ports?: string[];
  environment?: string[] | Record<string, string>;
  volumes?: string[];
  secrets?: Array<string | { source: string; target?: string }>;
  network_mode?: string;
  command?: string[];
  read_only?: boolean;
  user?: string;
}
interface ComposeFile {
  version?: string;
  services: Record<string, ComposeService>;
  secrets?: Record<string, { environment?: string; file?: string }>;
  volumes?: Record<string, unknown>;
}

const FILE = path.join(DEPLOY, 'docker-compose.monitoring.yml');
const compose = (): ComposeFile => YAML.parse(readFileSync(FILE, 'utf8')) as ComposeFile;
const service = (name: string): ComposeService => {
  const found = compose().services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
};

/** `${VAR:-default}` as Compose would expand it with VAR unset. */
const withDefaults = (text: string): string => text.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
const envList = (environment: ComposeService['environment']): string[] => (Array.isArray(environment) ? environment : Object.entries(environment ?? {}).map(([key, value]) => `${key}=${value}`));

describe('deploy/docker-compose.monitoring.yml', () => {
  it("parses as YAML and runs the seed's stack, without the obsolete version key", () => {
    const file = compose();
    expect(file.version).toBeUndefined();
    expect(Object.keys(file.services).sort()).toEqual(['alertmanager', 'amas', 'amas-exporter', 'grafana', 'postgres', 'prometheus', 'redis']);
  });

  it('pins every image to a version tag', () => {
    for (const [name, each] of Object.entries(compose().services)) {
      const image = withDefaults(each.image ?? '');
      expect([name, image]).toEqual([name, expect.stringMatching(/^[a-z0-9./-]+:v?\d+(\.\d+)+(-[a-z0-9.]+)?$/)]);
    }
  });

  it('downloads no Grafana plugin at start', () => {
    expect(envList(service('grafana').environment).filter((entry) => entry.startsWith('GF_INSTALL_PLUGINS'))).toEqual([]);
  });

  it('mounts only files and folders that exist, and builds the exporter from this repository', () => {
    for (const [name, each] of Object.entries(compose().services)) {
      for (const volume of each.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (!source.startsWith('.')) {
          expect([name, source, Object.keys(compose().volumes ?? {}).includes(source)]).toEqual([name, source, true]);
          continue;
        }
        expect([name, source, existsSync(path.resolve(DEPLOY, source))]).toEqual([name, source, true]);
      }
    }
    const build = service('amas-exporter').build;
    const context = path.resolve(DEPLOY, typeof build === 'string' ? build : (build?.context ?? ''));
    expect(statSync(path.join(context, 'Dockerfile')).isFile()).toBe(true);
  });

  it('wires the exporter as a sidecar: AMAS network namespace, read-only log volume, port 8001 on amas as Prometheus expects', () => {
    const exporter = service('amas-exporter');
    expect(exporter.network_mode).toBe('service:amas');
    expect(exporter.read_only).toBe(true);
    const logMount = service('amas').volumes?.find((volume) => volume.endsWith(':/app/logs'));
    expect(logMount).toBeDefined();
    expect(exporter.volumes).toContain(`${logMount}:ro`);
    expect(service('amas').ports).toContainEqual(expect.stringMatching(/^"?8001:8001/));
    const scrape = readYaml<{ scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }> }>('deploy/prometheus/prometheus.yml');
    for (const job of scrape.scrape_configs) expect(job.static_configs[0]?.targets).toEqual(['amas:8001']);
    expect(envList(service('amas').environment)).toContain('AUDIT_LOG_FILE=/app/logs/audit.log');
  });

  it('mounts the shipped Prometheus, alert, Grafana and Alertmanager files where their configs look for them', () => {
    expect(service('prometheus').volumes).toEqual(expect.arrayContaining(['./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro', './prometheus/alerts:/etc/prometheus/alerts:ro']));
    expect(service('prometheus').command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(service('alertmanager').volumes).toContain('./alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro');
    expect(service('alertmanager').volumes).toContain('./alertmanager/alertmanager.notify.yml:/etc/alertmanager/alertmanager.notify.yml:ro');
    // The default config without the Slack secret, the notifying one with it.
    const command = String(service('alertmanager').command);
    expect(command).toContain('config=/etc/alertmanager/alertmanager.yml;');
    expect(command).toContain('[ -s /etc/alertmanager/secrets/slack_api_url ] && config=/etc/alertmanager/alertmanager.notify.yml;');
    expect(command).toContain('--config.file=$$config');
    // Each *_file of alertmanager.notify.yml is a secret mounted at that path.
    const alertmanager = readYaml<{ global: Record<string, string> }>('deploy/alertmanager/alertmanager.notify.yml');
    const wanted = Object.entries(alertmanager.global).filter(([key]) => key.endsWith('_file')).map(([, value]) => value);
    const mounted = (service('alertmanager').secrets ?? []).map((secret) => (typeof secret === 'string' ? `/run/secrets/${secret}` : secret.target));
    expect(mounted.sort()).toEqual(wanted.sort());
  });

  it('takes every secret from the environment, and declares each secret a service uses', () => {
    const declared = compose().secrets ?? {};
    for (const secret of Object.values(declared)) expect(secret.environment).toMatch(/^[A-Z_]+$/);
    for (const each of Object.values(compose().services)) {
      for (const secret of each.secrets ?? []) expect(Object.keys(declared)).toContain(typeof secret === 'string' ? secret : secret.source);
    }
    expect(envList(service('grafana').environment)).toContain('GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana_admin_password');
    expect(readFileSync(FILE, 'utf8')).not.toMatch(/amas_secure_password/);
  });

  it("the exporter's config is a valid exporter config", () => {
    const mount = service('amas-exporter').volumes?.find((volume) => volume.includes(':/etc/amas-exporter/exporter.yaml'));
    const source = path.resolve(DEPLOY, mount?.split(':')[0] ?? '');
    const dir = mkdtempSync(path.join(tmpdir(), 'amas-compose-config-'));
    try {
      const file = path.join(dir, 'exporter.yaml');
      writeFileSync(file, readFileSync(source, 'utf8'));
      const loaded = loadConfigFile(file, { env: { POSTGRES_PASSWORD: 'compose-test-password' } });
      expect(loaded.config.probes.map((probe) => probe.name)).toEqual(expect.arrayContaining(['amas_app', 'postgres', 'redis']));
      expect(loaded.secrets).toContain('compose-test-password');
      // It tails the file AMAS writes and keeps its read positions on its own writable volume.
      expect(loaded.config.logs.sources.map((source) => source.path)).toEqual(['/app/logs/audit.log']);
      const volumes = service('amas-exporter').volumes ?? [];
      const positionsVolume = volumes.find((volume) => loaded.config.logs.positions_path.startsWith(`${volume.split(':')[1]}/`));
      expect(positionsVolume).toBeDefined();
      expect(positionsVolume?.endsWith(':ro')).toBe(false);
      expect(Object.keys(compose().volumes ?? {})).toContain(positionsVolume?.split(':')[0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
