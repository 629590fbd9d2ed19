import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports';
import { requireBinary } from './tools';

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value?: [number, string];
  readonly values?: Array<[number, string]>;
}

export interface PromAlert {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly state: 'pending' | 'firing';
  readonly value: string;
}

export interface PromRule {
  readonly name: string;
  readonly query: string;
  readonly health: string;
  readonly lastError?: string;
  readonly type: string;
}

export interface PromTarget {
  readonly labels: Record<string, string>;
  readonly scrapeUrl: string;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
}

/** A real Prometheus on 127.0.0.1 and a free port, with its own temporary storage. */
export interface TestPrometheus {
  readonly url: string;
  /** Instant query; throws with Prometheus' error text when the query is refused. */
  query(expr: string): Promise<PromSample[]>;
  /** Range query over [start, end] (Unix seconds). */
  queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<PromSample[]>;
  alerts(): Promise<PromAlert[]>;
  rules(): Promise<PromRule[]>;
  targets(): Promise<PromTarget[]>;
  /** Prometheus' own output so far, for failure messages. */
  output(): string;
  close(): Promise<void>;
}

async function api<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { status: string; data: T; error?: string; errorType?: string };
  if (body.status !== 'success') throw new Error(`Prometheus refused ${url}: ${body.errorType ?? ''} ${body.error ?? ''}`);
  return body.data;
}

/**
 * Starts `prometheus` with `config` (prometheus.yml text) and extra files written next to it
 * (relative path → content), and waits (bounded) until it reports ready.
 */
export async function startPrometheus(config: string, files: Readonly<Record<string, string>> = {}): Promise<TestPrometheus> {
  const binary = requireBinary('prometheus');
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-prometheus-'));
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    writeFileSync(path.join(dir, relative), content);
  }
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', '--web.enable-lifecycle'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));

  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };

  let ready = false;
  for (let attempt = 0; attempt < 150 && !ready; attempt += 1) {
    if (child.exitCode !== null) break;
    ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) }).then((response) => response.ok, () => false);
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!ready) {
    await close();
    throw new Error(`prometheus did not become ready:\n${lines.join('')}`);
  }

  return {
    url,
    query: async (expr) => (await api<{ result: PromSample[] }>(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    queryRange: async (expr, start, end, step) =>
      (await api<{ result: PromSample[] }>(`${url}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=${step}`)).result,
    alerts: async () => (await api<{ alerts: PromAlert[] }>(`${url}/api/v1/alerts`)).alerts,
    rules: async () => (await api<{ groups: Array<{ rules: PromRule[] }> }>(`${url}/api/v1/rules`)).groups.flatMap((group) => group.rules),
    targets: async () => (await api<{ activeTargets: PromTarget[] }>(`${url}/api/v1/targets?state=active`)).activeTargets,
    output: () => lines.join(''),
    close,
  };
}
