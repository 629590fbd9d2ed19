import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './tools';

/**
 * The Prometheus Operator's monitoring.coreos.com/v1 shapes for the two custom resources shipped,
 * written from the operator's API reference (fields this project may use; anything else is
 * reported as unknown, like a typo would be).
 */
const CRD_TYPES = `
type Duration = string;
interface SecretKeySelector { name?: string; key: string; optional?: boolean }
interface RelabelConfig {
  sourceLabels?: string[]; separator?: string; targetLabel?: string; regex?: string; modulus?: number; replacement?: string;
  action?: 'replace' | 'Replace' | 'keep' | 'Keep' | 'drop' | 'Drop' | 'hashmod' | 'HashMod' | 'labelmap' | 'LabelMap' | 'labeldrop' | 'LabelDrop' | 'labelkeep' | 'LabelKeep' | 'lowercase' | 'Lowercase' | 'uppercase' | 'Uppercase' | 'keepequal' | 'KeepEqual' | 'dropequal' | 'DropEqual';
}
interface SafeTLSConfig { ca?: unknown; cert?: unknown; keySecret?: SecretKeySelector; serverName?: string; insecureSkipVerify?: boolean }
interface ScrapeEndpoint {
  port?: string; targetPort?: string | number; path?: string; scheme?: 'http' | 'https'; params?: Record<string, string[]>;
  interval?: Duration; scrapeTimeout?: Duration; honorLabels?: boolean; honorTimestamps?: boolean; trackTimestampsStaleness?: boolean;
  relabelings?: RelabelConfig[]; metricRelabelings?: RelabelConfig[]; tlsConfig?: SafeTLSConfig; bearerTokenSecret?: SecretKeySelector;
  basicAuth?: { username?: SecretKeySelector; password?: SecretKeySelector }; authorization?: { type?: string; credentials?: SecretKeySelector };
  followRedirects?: boolean; enableHttp2?: boolean; filterRunning?: boolean; proxyUrl?: string;
}
interface IServiceMonitor {
  apiVersion: 'monitoring.coreos.com/v1'; kind: 'ServiceMonitor'; metadata: ObjectMeta;
  spec: {
    selector: ILabelSelector; endpoints: ScrapeEndpoint[]; jobLabel?: string; targetLabels?: string[]; podTargetLabels?: string[];
    namespaceSelector?: { any?: boolean; matchNames?: string[] }; sampleLimit?: number; targetLimit?: number; labelLimit?: number;
    attachMetadata?: { node?: boolean }; scrapeProtocols?: string[];
  };
}
interface IPodMonitor {
  apiVersion: 'monitoring.coreos.com/v1'; kind: 'PodMonitor'; metadata: ObjectMeta;
  spec: { selector: ILabelSelector; podMetricsEndpoints: ScrapeEndpoint[]; jobLabel?: string; namespaceSelector?: { any?: boolean; matchNames?: string[] } };
}
interface Rule {
  alert?: string; record?: string; expr: string | number; for?: Duration; keep_firing_for?: Duration;
  labels?: Record<string, string>; annotations?: Record<string, string>;
}
interface IPrometheusRule {
  apiVersion: 'monitoring.coreos.com/v1'; kind: 'PrometheusRule'; metadata: ObjectMeta;
  spec: { groups: Array<{ name: string; interval?: Duration; rules: Rule[]; partial_response_strategy?: string; limit?: number; query_offset?: Duration }> };
}
`;

/** The TypeScript type each kind is checked against. */
const TYPES: Readonly<Record<string, string>> = {
  'v1/Namespace': 'INamespace',
  'v1/ConfigMap': 'IConfigMap',
  'v1/Secret': 'ISecret',
  'v1/Service': 'IService',
  'apps/v1/Deployment': 'IDeployment',
  'monitoring.coreos.com/v1/ServiceMonitor': 'IServiceMonitor',
  'monitoring.coreos.com/v1/PodMonitor': 'IPodMonitor',
  'monitoring.coreos.com/v1/PrometheusRule': 'IPrometheusRule',
};

const IMPORTS = `
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { ILabelSelector } from '@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector';
import type { IObjectMeta as ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
`;

export interface Manifest {
  readonly source: string;
  readonly object: { apiVersion: string; kind: string; metadata?: { name?: string } };
}

/**
 * Type-checks each manifest as an object literal of its kind's TypeScript type. TypeScript rejects
 * properties a type does not declare (a misspelt or misplaced field, which the JSON-schema
 * validators of kubernetes-models let through) and values of the wrong type. Returns one line per
 * problem, naming the manifest.
 */
export function typecheckManifests(manifests: readonly Manifest[]): string[] {
  const file = path.join(ROOT, 'tests', 'deploy', '__manifests__.ts');
  const owners: Array<{ line: number; name: string }> = [];
  let text = `${IMPORTS}\n${CRD_TYPES}\n`;
  manifests.forEach((manifest, index) => {
    const key = `${manifest.object.apiVersion}/${manifest.object.kind}`;
    const type = TYPES[key];
    const name = `${manifest.source}: ${manifest.object.kind} ${manifest.object.metadata?.name ?? '?'}`;
    if (!type) {
      owners.push({ line: text.split('\n').length, name });
      text += `const unknownKind${index}: never = ${JSON.stringify(key)};\n`;
      return;
    }
    owners.push({ line: text.split('\n').length, name });
    text += `export const manifest${index}: ${type} = ${JSON.stringify(manifest.object, null, 2)};\n`;
  });

  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => (path.resolve(name) === file ? ts.createSourceFile(name, text, language) : getSourceFile(name, language, ...rest));
  host.fileExists = (name) => path.resolve(name) === file || ts.sys.fileExists(name);
  host.readFile = (name) => (path.resolve(name) === file ? text : ts.sys.readFile(name));
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || path.resolve(diagnostic.file.fileName) === file)
    .map((diagnostic) => {
      const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0;
      const owner = [...owners].reverse().find((candidate) => candidate.line <= line);
      return `${owner?.name ?? 'types'}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
    });
}
