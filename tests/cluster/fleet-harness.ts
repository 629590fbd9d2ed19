import { rmSync } from 'node:fs';
import path from 'node:path';
import { spawnCli, type CliProcess } from '../helpers/binary';
import { waitFor, withoutProviderKeys, writeTempConfig } from '../helpers/exporter';
import { freePort } from '../helpers/ports';

export const SIM_KEY = 'sim-fleet-key-Zx81Qp4Lm0Vt7Rw2';
export const ADMIN_TOKEN = 'fleet-admin-token-0123456789abcdef';

/** One exporter process of the fleet: `dist/main.js serve` with its own port and config file. */
export interface Pod {
  readonly name: string;
  readonly url: string;
  cli: CliProcess;
  metrics(): Promise<string>;
  /** The value of one sample, or undefined when absent. */
  sample(family: string, labels?: Record<string, string>): Promise<number | undefined>;
  debugRuns(provider: string): Promise<{ challenge: { code: string } | null; result: { result: string } }[]>;
  restart(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Kills the process if it still runs and removes its config folder. */
  dispose(): Promise<void>;
}

export interface PodOptions {
  readonly name: string;
  readonly simBaseUrl: string;
  readonly redisUrl: string;
  readonly cluster?: string;
  /** Cron with seconds: slots every two seconds by default. */
  readonly schedule?: string;
  readonly leaseMs?: number;
}

export function podConfig(options: PodOptions, port: number): string {
  return `log_level: info
listen: { address: 127.0.0.1, port: ${port} }
admin: { token: ${ADMIN_TOKEN} }
ai:
  include_catalogue: false
  egress: { canary_url: "" }
  rungs:
    reachability: { interval: 1s, timeout: 500ms }
    metadata: { interval: 2s, timeout: 500ms }
  providers:
    simoa:
      style: openai
      base_url: ${options.simBaseUrl}
      model: gpt-4o
      api_key: \${SIMOA_API_KEY}
      price_usd_per_million_tokens: { input: 2.5, output: 10 }
      rungs: { validation: { interval: 2s, timeout: 1s } }
      # One generation per slot is what the fleet tests count: the streaming check's call is left out.
      stream: false
cluster:
  redis_url: ${options.redisUrl}
  name: ${options.cluster ?? 'fleet-test'}
  pod: ${options.name}
  schedule: "${options.schedule ?? '*/2 * * * * *'}"
  lease: ${options.leaseMs ?? 1500}ms
  fallback_every: 2
  command_timeout: 300ms
`;
}

const parseSample = (text: string, family: string, labels: Record<string, string>): number | undefined => {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${family}{`) && !line.startsWith(`${family} `)) continue;
    if (!Object.entries(labels).every(([name, value]) => line.includes(`${name}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
};

export async function startPod(options: PodOptions): Promise<Pod> {
  const port = await freePort();
  const configPath = writeTempConfig(podConfig(options, port));
  const url = `http://127.0.0.1:${port}`;
  const env = { ...withoutProviderKeys(process.env), SIMOA_API_KEY: SIM_KEY };
  const launch = async (): Promise<CliProcess> => {
    const cli = spawnCli(['serve', '--config', configPath], env);
    await waitFor(async () => {
      try {
        return (await fetch(`${url}/livez`)).status === 200;
      } catch {
        return false;
      }
    }, 30_000, 100);
    return cli;
  };
  const pod: Pod = {
    name: options.name,
    url,
    cli: await launch(),
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    sample: async (family, labels = {}) => parseSample(await pod.metrics(), family, labels),
    async debugRuns(provider) {
      const response = await fetch(`${url}/debug/probes/ai_${provider}_validation`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const body = (await response.json()) as { provider?: { validation_runs?: unknown[] }; validation_runs?: unknown[] };
      return (body.provider?.validation_runs ?? body.validation_runs ?? []) as { challenge: { code: string } | null; result: { result: string } }[];
    },
    async restart() {
      pod.cli = await launch();
    },
    async stop(signal = 'SIGTERM') {
      pod.cli.child.kill(signal);
      await pod.cli.exited();
    },
    async dispose() {
      if (pod.cli.child.exitCode === null && pod.cli.child.signalCode === null) await pod.stop('SIGKILL');
      rmSync(path.dirname(configPath), { recursive: true, force: true });
    },
  };
  return pod;
}

