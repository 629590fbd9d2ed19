import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import YAML from 'yaml';
import { loadConfigFile } from '../../src/modules/config';
import { typecheckManifests, type Manifest } from './kubernetes-typecheck';
import { DEPLOY, describeRun, requireBinary, run } from './tools';

/**
 * The environment overlays are built with the real kustomize (the one inside kubectl), exactly as
 * docs/deploy.md tells an operator to build them.
 */
const BASE = path.join(DEPLOY, 'kubernetes');
const OVERLAYS = path.join(BASE, 'overlays');
const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
type Environment = (typeof ENVIRONMENTS)[number];

/** The guide's profiles, as the overlays must set them. */
const PROFILES: Readonly<Record<Environment, { replicas: number; amasLogLevel: string; logLevel: string; probeIntervalMs: number; validationIntervalMs: number }>> = {
  development: { replicas: 1, amasLogLevel: 'DEBUG', logLevel: 'debug', probeIntervalMs: 30_000, validationIntervalMs: 6 * 3_600_000 },
  staging: { replicas: 2, amasLogLevel: 'INFO', logLevel: 'info', probeIntervalMs: 15_000, validationIntervalMs: 3_600_000 },
  production: { replicas: 3, amasLogLevel: 'WARNING', logLevel: 'warn', probeIntervalMs: 10_000, validationIntervalMs: 30 * 60_000 },
};

type K8sObject = Manifest['object'] & Record<string, unknown>;

function build(dir: string, loadRestrictorNone: boolean): K8sObject[] {
  const kubectl = requireBinary('kubectl');
  const result = run(kubectl, ['kustomize', ...(loadRestrictorNone ? ['--load-restrictor', 'LoadRestrictionsNone'] : []), dir]);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${describeRun(result)}`);
  return YAML.parseAllDocuments(result.stdout).map((doc) => doc.toJS() as K8sObject);
}

const id = (object: K8sObject): string => `${object.kind}/${object.metadata?.name ?? '?'}`;

/** Every leaf that differs between two JSON trees, as a path; env lists are keyed by name. */
function differences(a: unknown, b: unknown, at: string, out: string[]): string[] {
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((item) => item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string')) {
    const byName = (list: unknown[]) => new Map(list.map((item) => [(item as { name: string }).name, item]));
    const [left, right] = [byName(a), byName(b)];
    for (const name of new Set([...left.keys(), ...right.keys()])) differences(left.get(name), right.get(name), `${at}[${name}]`, out);
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], at ? `${at}.${key}` : key, out);
    return out;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(at);
  return out;
}

const deploymentOf = (objects: K8sObject[]): IDeployment => objects.find((object) => object.kind === 'Deployment') as unknown as IDeployment;
const envOf = (deployment: IDeployment, container: string): Record<string, string> =>
  Object.fromEntries((deployment.spec?.template.spec?.containers.find((each) => each.name === container)?.env ?? []).filter((entry) => entry.value !== undefined).map((entry) => [entry.name, entry.value as string]));

const VALIDATORS: Readonly<Record<string, (object: never) => { validate(): void }>> = {
  Namespace: (object) => new Namespace(object),
  ConfigMap: (object) => new ConfigMap(object),
  Service: (object) => new Service(object),
  Deployment: (object) => new Deployment(object),
  PodDisruptionBudget: (object) => new PodDisruptionBudget(object),
};

describe('the Kubernetes environment overlays (kubectl kustomize)', () => {
  const base = build(BASE, false);
  const rendered = Object.fromEntries(ENVIRONMENTS.map((env) => [env, build(path.join(OVERLAYS, env), true)])) as Record<Environment, K8sObject[]>;

  it('overlays/common renders exactly what deploy/kubernetes renders, so the overlays start from the base', () => {
    expect(build(path.join(OVERLAYS, 'common'), true)).toEqual(base);
  });

  it('kustomize refuses to build an overlay naming deploy/kubernetes itself (why overlays/common exists)', () => {
    const kubectl = requireBinary('kubectl');
    const dir = mkdtempSync(path.join(OVERLAYS, '.probe-'));
    try {
      writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - ../..\n');
      const result = run(kubectl, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', dir]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/cycle detected/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(ENVIRONMENTS)('%s: every object passes the Kubernetes API schema (kubernetes-models)', (env) => {
    const checked = rendered[env].filter((each) => VALIDATORS[each.kind]);
    expect(checked.map((object) => object.kind)).toEqual(expect.arrayContaining(['Namespace', 'ConfigMap', 'Service', 'Deployment']));
    for (const object of checked) expect(() => VALIDATORS[object.kind]?.(object as never).validate()).not.toThrow();
  });

  it('every object of every overlay type-checks against its kind (CRDs against the operator API)', () => {
    // The type check has no PodDisruptionBudget type; its schema is validated above.
    const manifests = ENVIRONMENTS.flatMap((env) => rendered[env].filter((object) => object.kind !== 'PodDisruptionBudget').map((object) => ({ source: `overlays/${env}`, object })));
    expect(typecheckManifests(manifests)).toEqual([]);
  }, 60_000);

  it.each(ENVIRONMENTS)('%s differs from the base only in its profile: label, replicas, log levels and intervals', (env) => {
    const baseById = new Map(base.map((object) => [id(object), object]));
    const changed: string[] = [];
    for (const object of rendered[env]) {
      const original = baseById.get(id(object));
      if (!original) changed.push(`${id(object)} (new)`);
      else for (const where of differences(original, object, '', [])) changed.push(`${id(object)} ${where}`);
    }
    const label = (object: K8sObject) => `${id(object)} metadata.labels.app.kubernetes.io/environment`;
    const expected = [
      ...base.map(label),
      'Deployment/amas spec.replicas',
      'Deployment/amas spec.template.spec.containers[amas].env[LOG_LEVEL]',
      'Deployment/amas spec.template.spec.containers[amas-exporter].env[AMAS_EXPORTER_LOG_LEVEL]',
      'Deployment/amas spec.template.spec.containers[amas-exporter].env[AMAS_PROBE_INTERVAL]',
      'Deployment/amas spec.template.spec.containers[amas-exporter].env[AMAS_AI_VALIDATION_INTERVAL]',
      ...(env === 'production' ? ['PodDisruptionBudget/amas (new)'] : []),
    ].filter((entry) => !(env === 'development' && entry === 'Deployment/amas spec.replicas'));
    expect(changed.sort()).toEqual(expected.sort());
    // Nothing is lost: the same objects as the base, in every namespace the base uses.
    expect(rendered[env].filter((object) => baseById.has(id(object))).map(id).sort()).toEqual(base.map(id).sort());
  });

  it.each(ENVIRONMENTS)("%s: the exporter's config, loaded with the rendered environment, has the profile's log level and intervals", (env) => {
    const profile = PROFILES[env];
    const deployment = deploymentOf(rendered[env]);
    expect(deployment.spec?.replicas).toBe(profile.replicas);
    expect(envOf(deployment, 'amas').LOG_LEVEL).toBe(profile.amasLogLevel);
    const configMap = rendered[env].find((object) => object.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    const dir = mkdtempSync(path.join(tmpdir(), 'amas-overlay-'));
    try {
      const file = path.join(dir, 'exporter.yaml');
      writeFileSync(file, configMap.data['exporter.yaml'] ?? '');
      const { config } = loadConfigFile(file, { env: envOf(deployment, 'amas-exporter') });
      expect(config.log_level).toBe(profile.logLevel);
      const intervals = Object.fromEntries(config.probes.map((probe) => [probe.name, (probe as { interval: number }).interval]));
      expect(intervals).toMatchObject({ amas_app: profile.probeIntervalMs, postgres: profile.probeIntervalMs, redis: profile.probeIntervalMs, system: profile.probeIntervalMs });
      expect(config.ai.rungs.validation.interval).toBe(profile.validationIntervalMs);
      // The daily budget never cuts the schedule short: every planned validation fits in it.
      expect(86_400_000 / config.ai.rungs.validation.interval).toBeLessThanOrEqual(config.ai.budget.requests ?? Infinity);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('production keeps two of its three pods through a disruption, selecting exactly the pods', () => {
    const budget = rendered.production.find((object) => object.kind === 'PodDisruptionBudget') as unknown as IPodDisruptionBudget;
    const deployment = deploymentOf(rendered.production);
    expect(budget.spec?.minAvailable).toBe(2);
    expect(budget.spec?.selector).toEqual(deployment.spec?.selector);
    expect(Number(budget.spec?.minAvailable)).toBeLessThan(deployment.spec?.replicas ?? 0);
  });

  it('the base alone still uses the defaults the overlays override', () => {
    const deployment = deploymentOf(base);
    expect(deployment.spec?.replicas).toBe(1);
    expect(Object.keys(envOf(deployment, 'amas-exporter'))).not.toContain('AMAS_PROBE_INTERVAL');
  });
});
