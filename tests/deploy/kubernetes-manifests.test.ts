import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IService } from 'kubernetes-models/v1/Service';
import YAML from 'yaml';
import { CATALOGUE } from '../../src/ai/catalogue';
import { loadConfigFile } from '../../src/modules/config';
import { typecheckManifests, type Manifest } from './kubernetes-typecheck';
import { allRuleGroups, DEPLOY, describeRun, requireBinary, ROOT, run } from './tools';

const DIR = path.join(DEPLOY, 'kubernetes');

function manifests(): Manifest[] {
  return readdirSync(DIR)
    .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
    .sort()
    .flatMap((name) => YAML.parseAllDocuments(readFileSync(path.join(DIR, name), 'utf8')).map((doc) => ({ source: name, object: doc.toJS() as Manifest['object'] })));
}

function find<T>(kind: string, name?: string): T {
  const found = manifests().find((manifest) => manifest.object.kind === kind && (name === undefined || manifest.object.metadata?.name === name));
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} in deploy/kubernetes`);
  return found.object as unknown as T;
}

const deployment = (): IDeployment => find<IDeployment>('Deployment', 'amas');
const container = (name: string): IContainer => {
  const found = deployment().spec?.template.spec?.containers.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
};

/** The JSON-schema validators of kubernetes-models for the core and apps kinds. */
const VALIDATORS: Readonly<Record<string, (object: never) => { validate(): void }>> = {
  Namespace: (object) => new Namespace(object),
  ConfigMap: (object) => new ConfigMap(object),
  Service: (object) => new Service(object),
  Deployment: (object) => new Deployment(object),
};

describe('the shipped Kubernetes manifests', () => {
  it('kustomization.yaml lists exactly the manifests in the folder', () => {
    const kustomization = YAML.parse(readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    const files = readdirSync(DIR).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it.each(manifests().filter((manifest) => VALIDATORS[manifest.object.kind]).map((manifest) => [`${manifest.source} ${manifest.object.kind}`, manifest] as const))(
    '%s passes the Kubernetes API schema (kubernetes-models)',
    (_name, manifest) => {
      expect(() => VALIDATORS[manifest.object.kind]?.(manifest.object as never).validate()).not.toThrow();
    },
  );

  it('every manifest type-checks against its kind, unknown fields included (CRDs against the operator API)', () => {
    expect(typecheckManifests(manifests())).toEqual([]);
  }, 60_000);

  it('the type check does catch a misplaced field and a wrong type', () => {
    const broken = (change: (container: Record<string, unknown>) => void): Manifest => {
      const copy = structuredClone(deployment()) as unknown as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
      change(copy.spec.template.spec.containers[0] as Record<string, unknown>);
      return { source: 'broken.yaml', object: copy as unknown as Manifest['object'] };
    };
    const problems = typecheckManifests([
      broken((first) => {
        first.readOnlyRootFilesystem = true; // belongs under securityContext
      }),
      broken((first) => {
        first.ports = [{ containerPort: '8000' }];
      }),
    ]);
    expect(problems).toEqual([expect.stringMatching(/^broken\.yaml: Deployment amas: .*readOnlyRootFilesystem.* does not exist in type 'IContainer'/), expect.stringMatching(/^broken\.yaml: Deployment amas: Type 'string' is not assignable to type 'number'/)]);
  }, 60_000);

  it('runs amas-exporter as a sidecar sharing the log emptyDir at /app/logs, as uid 1000, non-root, read-only root', () => {
    const spec = deployment().spec?.template.spec;
    expect(spec?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    const logs = spec?.volumes?.find((volume) => volume.name === 'logs');
    expect(logs?.emptyDir).toBeDefined();
    expect(container('amas').volumeMounts).toContainEqual({ name: 'logs', mountPath: '/app/logs' });
    expect(container('amas-exporter').volumeMounts).toContainEqual({ name: 'logs', mountPath: '/app/logs', readOnly: true });
    expect(container('amas').env).toContainEqual({ name: 'AUDIT_LOG_FILE', value: '/app/logs/audit.log' });
    const exporter = container('amas-exporter');
    expect(exporter.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    // Everything it may write goes to an emptyDir.
    const writable = (exporter.volumeMounts ?? []).filter((mount) => !mount.readOnly);
    expect(writable.length).toBeGreaterThan(0);
    for (const mount of writable) expect([mount.mountPath, spec?.volumes?.find((volume) => volume.name === mount.name)?.emptyDir !== undefined]).toEqual([mount.mountPath, true]);
    expect(writable.map((mount) => mount.mountPath)).toContain('/tmp');
  });

  it('probes the exporter on /livez and /readyz and gives every container requests and limits', () => {
    const exporter = container('amas-exporter');
    // The kubelet asks the health port, answered from its own thread while the main loop is busy.
    expect(exporter.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'health' });
    expect(exporter.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(exporter.startupProbe?.httpGet).toEqual({ path: '/livez', port: 'health' });
    expect(exporter.ports).toContainEqual({ name: 'metrics', containerPort: 8001, protocol: 'TCP' });
    expect(exporter.ports).toContainEqual({ name: 'health', containerPort: 8002, protocol: 'TCP' });
    for (const each of deployment().spec?.template.spec?.containers ?? []) {
      expect([each.name, Object.keys(each.resources?.requests ?? {}).sort(), Object.keys(each.resources?.limits ?? {}).sort()]).toEqual([each.name, ['cpu', 'memory'], ['cpu', 'memory']]);
      for (const probe of [each.livenessProbe, each.readinessProbe, each.startupProbe]) {
        const port = probe?.httpGet?.port;
        if (typeof port === 'string') expect(each.ports?.map((candidate) => candidate.name)).toContain(port);
      }
    }
  });

  it('reads the config from the ConfigMap and the provider keys from a Secret, named as AMAS names them', () => {
    const exporter = container('amas-exporter');
    expect(exporter.args).toEqual(['serve', '--config', '/etc/amas-exporter/exporter.yaml']);
    const configMount = exporter.volumeMounts?.find((mount) => mount.mountPath === '/etc/amas-exporter');
    const configVolume = deployment().spec?.template.spec?.volumes?.find((volume) => volume.name === configMount?.name);
    const configMap = find<{ metadata: { name: string }; data: Record<string, string> }>('ConfigMap', configVolume?.configMap?.name);
    expect(Object.keys(configMap.data)).toContain('exporter.yaml');

    const fromSecret = new Map((exporter.env ?? []).filter((entry) => entry.valueFrom?.secretKeyRef).map((entry) => [entry.name, entry.valueFrom?.secretKeyRef]));
    for (const provider of CATALOGUE.filter((entry) => entry.key_env.length > 0)) {
      const name = provider.key_env[0] as string;
      expect([provider.id, fromSecret.get(name)]).toEqual([provider.id, { name: 'amas-ai-keys', key: name, optional: true }]);
    }
    expect(container('amas').envFrom).toContainEqual({ secretRef: { name: 'amas-ai-keys', optional: true } });
  });

  it("the ConfigMap's exporter.yaml is a valid exporter config with the Deployment's environment", () => {
    const configMap = find<{ data: Record<string, string> }>('ConfigMap', 'amas-exporter-config');
    const env = Object.fromEntries((container('amas-exporter').env ?? []).filter((entry) => entry.value !== undefined).map((entry) => [entry.name, entry.value]));
    const dir = mkdtempSync(path.join(tmpdir(), 'amas-k8s-config-'));
    try {
      const file = path.join(dir, 'exporter.yaml');
      writeFileSync(file, configMap.data['exporter.yaml'] ?? '');
      const loaded = loadConfigFile(file, { env });
      expect(loaded.config.listen.port).toBe(8001);
      expect(loaded.config.listen.health_port).toBe(8002);
      const probes = loaded.config.probes.map((probe) => probe.name);
      expect(probes).toEqual(expect.arrayContaining(['amas_app', 'postgres', 'redis', 'neo4j']));
      const app = loaded.config.probes.find((probe) => probe.name === 'amas_app') as { url?: string } | undefined;
      expect(app?.url).toBe('http://127.0.0.1:8000/health');

      // The log it tails is the file AMAS writes, on the shared volume; what it writes lies on a
      // writable emptyDir of its own, not on the read-only log volume or root filesystem.
      const mounts = container('amas-exporter').volumeMounts ?? [];
      const mountOf = (file: string) => [...mounts].sort((a, b) => b.mountPath.length - a.mountPath.length).find((mount) => file.startsWith(`${mount.mountPath}/`));
      expect(loaded.config.logs.sources.map((source) => source.path)).toEqual(['/app/logs/audit.log']);
      expect(mountOf('/app/logs/audit.log')).toMatchObject({ name: 'logs', readOnly: true });
      const positions = mountOf(loaded.config.logs.positions_path);
      expect(positions?.readOnly).toBeFalsy();
      expect(deployment().spec?.template.spec?.volumes?.find((volume) => volume.name === positions?.name)?.emptyDir).toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Service selects the pod and names its container ports; the ServiceMonitor scrapes the same three jobs', () => {
    const service = find<IService>('Service', 'amas');
    const podLabels = deployment().spec?.template.metadata?.labels ?? {};
    for (const [key, value] of Object.entries(service.spec?.selector ?? {})) expect(podLabels[key]).toBe(value);
    const portNames = (deployment().spec?.template.spec?.containers ?? []).flatMap((each) => (each.ports ?? []).map((port) => port.name));
    for (const port of service.spec?.ports ?? []) expect(portNames).toContain(port.targetPort);

    const monitor = find<{ spec: { selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port: string; path: string; interval: string; params?: Record<string, string[]>; relabelings: Array<{ targetLabel: string; replacement: string }> }> } }>('ServiceMonitor');
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) expect(service.metadata?.labels?.[key]).toBe(value);
    const servicePorts = (service.spec?.ports ?? []).map((port) => port.name);
    expect(monitor.spec.endpoints.map((endpoint) => [endpoint.path, endpoint.interval, endpoint.relabelings.find((relabel) => relabel.targetLabel === 'job')?.replacement])).toEqual([
      ['/metrics', '5s', 'amas'],
      ['/metrics/ai-providers', '30s', 'amas-ai-providers'],
      ['/metrics/security', '10s', 'amas-security'],
    ]);
    for (const endpoint of monitor.spec.endpoints) expect(servicePorts).toContain(endpoint.port);
    expect((monitor.spec.endpoints[0]?.params?.exclude ?? []).flatMap((value) => value.split(',')).sort()).toEqual(['ai-providers', 'security']);
  });

  it('the PrometheusRule is generated from the alert and recording-rule files and up to date', () => {
    const check = run(process.execPath, [path.join(DEPLOY, 'scripts', 'render-prometheusrule.js'), '--check'], { cwd: ROOT });
    expect({ status: check.status, output: describeRun(check) }).toMatchObject({ status: 0 });
    const rule = find<{ spec: { groups: unknown[] } }>('PrometheusRule', 'amas');
    expect(rule.spec.groups).toEqual(allRuleGroups());
  });

  it("the PrometheusRule's groups pass promtool check rules", () => {
    const promtool = requireBinary('promtool');
    const rule = find<{ spec: { groups: unknown[] } }>('PrometheusRule', 'amas');
    const dir = mkdtempSync(path.join(tmpdir(), 'amas-prometheusrule-'));
    try {
      const file = path.join(dir, 'rules.yml');
      writeFileSync(file, YAML.stringify({ groups: rule.spec.groups }));
      const result = run(promtool, ['check', 'rules', file]);
      expect({ status: result.status, output: describeRun(result) }).toMatchObject({ status: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
