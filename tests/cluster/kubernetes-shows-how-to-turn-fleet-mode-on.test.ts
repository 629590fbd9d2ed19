import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfigFile } from '../../src/modules/config';

const K8S = path.join(__dirname, '..', '..', 'deploy', 'kubernetes');

/** The shipped ConfigMap's exporter.yaml, as text. */
function configMapConfig(): string {
  const docs = YAML.parseAllDocuments(readFileSync(path.join(K8S, 'exporter-configmap.yaml'), 'utf8')).map((doc) => doc.toJS() as { kind?: string; data?: Record<string, string> });
  return docs.find((doc) => doc.kind === 'ConfigMap')?.data?.['exporter.yaml'] ?? '';
}

function load(text: string, env: NodeJS.ProcessEnv): ReturnType<typeof loadConfigFile> {
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-fleet-k8s-'));
  try {
    writeFileSync(path.join(dir, 'exporter.yaml'), text);
    return loadConfigFile(path.join(dir, 'exporter.yaml'), { env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the Kubernetes manifests and fleet mode', () => {
  it('ship fleet mode commented out: as shipped, every pod validates alone', () => {
    expect(load(configMapConfig(), {}).config.cluster).toBeUndefined();
  });

  it('turn it on by uncommenting one block: AMAS\'s Redis, a cron slot, the pod named by POD_NAME', () => {
    const text = configMapConfig();
    expect(text).toMatch(/^# cluster:$/m);
    const uncommented = text.replace(/^# (cluster:.*)$/m, '$1').replace(/^# ( {2}\w+:.*)$/gm, '$1');
    const config = load(uncommented, { REDIS_URL: 'redis://redis:6379/0' }).config;
    expect(config.cluster).toMatchObject({ enabled: true, redis_url: 'redis://redis:6379/0', name: 'amas', schedule: '*/30 * * * *', fallback_every: 4 });
    const deployment = YAML.parse(readFileSync(path.join(K8S, 'deployment.yaml'), 'utf8')) as { spec: { template: { spec: { containers: Array<{ name: string; env?: Array<{ name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }> }> } } } };
    const sidecar = deployment.spec.template.spec.containers.find((container) => container.name === 'amas-exporter');
    expect(sidecar?.env?.find((entry) => entry.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
  });
});
