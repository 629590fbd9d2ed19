import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import ts from 'typescript';
import YAML from 'yaml';
import { CATALOGUE } from '../../src/ai/catalogue';
import { loadConfigFile } from '../../src/modules/config';

/**
 * The example NetworkPolicy of docs/deploy.md ("Network egress"): a valid networking.k8s.io/v1
 * object, not applied by default, selecting the amas pod, and allowing DNS, the probed dependencies
 * and HTTPS to the provider hosts, nothing else.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const KUBE = path.join(ROOT, 'deploy', 'kubernetes');
const FILE = path.join(KUBE, 'extras', 'networkpolicy-egress.yaml');
const text = (): string => readFileSync(FILE, 'utf8');
const policy = (): INetworkPolicy => YAML.parse(text()) as INetworkPolicy;
const rules = (): INetworkPolicyEgressRule[] => policy().spec?.egress ?? [];

/** TypeScript problems of `object` as an INetworkPolicy literal: unknown (misspelt, misplaced) fields and wrong types. */
function typeProblems(object: unknown): string[] {
  const file = path.join(ROOT, 'tests', 'operator', '__networkpolicy__.ts');
  const source = `import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';\nexport const policy: INetworkPolicy = ${JSON.stringify(object, null, 2)};\n`;
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => (path.resolve(name) === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest));
  host.fileExists = (name) => path.resolve(name) === file || ts.sys.fileExists(name);
  host.readFile = (name) => (path.resolve(name) === file ? source : ts.sys.readFile(name));
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || path.resolve(diagnostic.file.fileName) === file)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '));
}

describe('the example egress NetworkPolicy', () => {
  it('passes the Kubernetes API schema and type-checks as a NetworkPolicy, unknown fields included', () => {
    expect(() => new NetworkPolicy(policy() as never).validate()).not.toThrow();
    expect(typeProblems(policy())).toEqual([]);
  }, 60_000);

  it('the checks above do catch a misplaced field and a wrong type', () => {
    const misplaced = structuredClone(policy()) as unknown as { spec: Record<string, unknown> };
    misplaced.spec.egressRules = [];
    const wrongType = structuredClone(policy()) as unknown as { spec: { policyTypes: unknown } };
    wrongType.spec.policyTypes = 'Egress';
    expect(() => new NetworkPolicy(wrongType as never).validate()).toThrow();
    expect(typeProblems(misplaced)).toEqual([expect.stringMatching(/egressRules.* does not exist in type/)]);
  }, 60_000);

  it('is shipped beside the manifests but not applied by kustomization.yaml', () => {
    const kustomization = YAML.parse(readFileSync(path.join(KUBE, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(kustomization.resources.filter((resource) => /networkpolicy|extras/i.test(resource))).toEqual([]);
    expect(text()).toMatch(/Not part of\s+# kustomization\.yaml/);
  });

  it("selects the amas pod (both containers) and restricts only its egress", () => {
    const deployment = YAML.parse(readFileSync(path.join(KUBE, 'deployment.yaml'), 'utf8')) as { spec: { template: { metadata: { labels: Record<string, string> } } } };
    expect(policy().spec?.podSelector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(policy().spec?.policyTypes).toEqual(['Egress']);
  });

  it('allows DNS to the cluster resolver, the probed dependencies, and HTTPS to address blocks; no rule allows everything', () => {
    const ports = (rule: INetworkPolicyEgressRule): string[] => (rule.ports ?? []).map((port) => `${port.protocol}/${port.port}`).sort();
    const all = rules();
    // Every rule names both where and which ports: an empty `to` or `ports` would allow all.
    for (const rule of all) {
      expect((rule.to ?? []).length).toBeGreaterThan(0);
      expect((rule.ports ?? []).length).toBeGreaterThan(0);
    }
    const dns = all.filter((rule) => ports(rule).includes('UDP/53'));
    expect(dns).toHaveLength(1);
    expect(ports(dns[0] as INetworkPolicyEgressRule)).toEqual(['TCP/53', 'UDP/53']);
    expect(dns[0]?.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);

    // Outside the cluster: HTTPS only, to explicit blocks (never the whole internet).
    const external = all.filter((rule) => (rule.to ?? []).some((peer) => peer.ipBlock));
    expect(external.length).toBeGreaterThan(0);
    for (const rule of external) {
      expect(ports(rule)).toEqual(['TCP/443']);
      for (const peer of rule.to ?? []) {
        expect(peer.ipBlock?.cidr).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
        expect(Number(peer.ipBlock?.cidr.split('/')[1])).toBeGreaterThanOrEqual(8);
      }
    }

    // The rest go to pods in the namespace, on the ports of the dependencies the shipped config probes.
    const internal = all.filter((rule) => !dns.includes(rule) && !external.includes(rule));
    for (const rule of internal) for (const peer of rule.to ?? []) expect(Object.keys(peer)).toEqual(['podSelector']);
    const configMap = YAML.parse(readFileSync(path.join(KUBE, 'exporter-configmap.yaml'), 'utf8')) as { data: Record<string, string> };
    const probes = (YAML.parse(configMap.data['exporter.yaml'] ?? '') as { probes: Array<{ type: string }> }).probes.map((probe) => probe.type);
    const DEFAULT_PORTS: Readonly<Record<string, string>> = { postgres: 'TCP/5432', redis: 'TCP/6379', neo4j: 'TCP/7687' };
    const expected = probes.flatMap((type) => (DEFAULT_PORTS[type] ? [DEFAULT_PORTS[type]] : [])).sort();
    expect(internal.flatMap(ports).sort()).toEqual(expected);
    expect(expected).toEqual(['TCP/5432', 'TCP/6379', 'TCP/7687']);
  });

  it("names every catalogue provider's API host in its header, for the addresses to fill in", () => {
    const hosts = [...new Set(CATALOGUE.map((entry) => new URL(entry.base_url).hostname))].filter((host) => host !== '127.0.0.1' && host !== 'localhost');
    expect(hosts.length).toBeGreaterThan(5);
    const header = text().slice(0, text().indexOf('apiVersion:'));
    expect(hosts.filter((host) => !header.includes(host))).toEqual([]);
  });

  it('needs no rule for the egress canary: it is off in the shipped configs, and docs/deploy.md says why', () => {
    expect(loadConfigFile(path.join(ROOT, 'config', 'exporter.yaml'), { env: {} }).config.ai.egress.canary_url).toBe('');
    // The Kubernetes and Compose configs leave it at that default.
    const configMap = YAML.parse(readFileSync(path.join(KUBE, 'exporter-configmap.yaml'), 'utf8')) as { data: Record<string, string> };
    for (const config of [configMap.data['exporter.yaml'] ?? '', readFileSync(path.join(ROOT, 'deploy', 'compose', 'exporter.yaml'), 'utf8')]) {
      const parsed = YAML.parse(config) as { ai?: { egress?: { canary_url?: string } } };
      expect(parsed.ai?.egress?.canary_url ?? '').toBe('');
    }
    const docs = readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Network egress'), docs.indexOf('\n## ', docs.indexOf('## Network egress') + 1));
    expect(section).toMatch(/egress canary is off by default/i);
    expect(section).toContain('deploy/kubernetes/extras/networkpolicy-egress.yaml');
    expect(section).toMatch(/kind: NetworkPolicy/);
  });
});
