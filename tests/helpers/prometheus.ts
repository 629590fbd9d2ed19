import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from './exporter';
import { freePort } from './ports';

/** A real Prometheus server on 127.0.0.1, with its own temporary storage. */
export interface TestPrometheus {
  readonly url: string;
  query<T = unknown>(expr: string): Promise<T>;
  api<T = unknown>(pathAndQuery: string): Promise<T>;
  stop(): Promise<void>;
}

export function requireBinary(name: string): string {
  const file = `/usr/bin/${name}`;
  try {
    require('node:fs').accessSync(file);
  } catch {
    throw new Error(`${file} is missing: install the Debian package that ships it (.ci/run does this with apt-get)`);
  }
  return file;
}

export async function startPrometheus(configYaml: string, extraFiles: Record<string, string> = {}): Promise<TestPrometheus> {
  const binary = requireBinary('prometheus');
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-prom-'));
  writeFileSync(path.join(dir, 'prometheus.yml'), configYaml);
  for (const [name, content] of Object.entries(extraFiles)) writeFileSync(path.join(dir, name), content);
  const port = await freePort();
  const child: ChildProcess = spawn(binary, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(pathAndQuery: string): Promise<T> => {
    const response = await fetch(`${url}${pathAndQuery}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${pathAndQuery}: ${body.error ?? response.status}`);
    return body.data;
  };
  await waitFor(async () => {
    try {
      return (await fetch(`${url}/-/ready`)).ok;
    } catch {
      return false;
    }
  }, 30_000, 200);
  return {
    url,
    api,
    query: (expr) => api(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
