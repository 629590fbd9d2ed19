import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { startServer, type RunningServer } from '../../src/cli/serve';

export interface TestExporter extends RunningServer {
  readonly url: string;
  readonly configPath: string;
  /** Every JSON log line the exporter wrote so far. */
  logLines(): string[];
  /** Rewrites the config file (the exporter reloads on SIGHUP, POST /-/reload or file change). */
  writeConfig(yaml: string): void;
}

export function writeTempConfig(yaml: string, dir = mkdtempSync(path.join(tmpdir(), 'amas-exporter-'))): string {
  const file = path.join(dir, 'exporter.yaml');
  writeFileSync(file, yaml);
  return file;
}

/**
 * Starts a real exporter on 127.0.0.1 and a free port with the given YAML (its `listen` section is
 * forced to 127.0.0.1:0). File watching is off unless asked for, so tests control reloads.
 */
export async function startTestExporter(yaml: string, options: { env?: NodeJS.ProcessEnv; watchIntervalMs?: number } = {}): Promise<TestExporter> {
  const configPath = writeTempConfig(withTestListen(yaml));
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const running = await startServer({ configPath, env: options.env ?? withoutProviderKeys(process.env), logStream: stream, watchIntervalMs: options.watchIntervalMs ?? 0 });
  return {
    ...running,
    async close() {
      await running.close();
      rmSync(path.dirname(configPath), { recursive: true, force: true });
    },
    url: `http://127.0.0.1:${running.port}`,
    configPath,
    logLines: () => [...lines],
    writeConfig: (next) => writeFileSync(configPath, withTestListen(next)),
  };
}

/** The environment minus AI provider keys, so that no test can call a real provider by accident. */
export function withoutProviderKeys(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/_API_KEY$/.test(name)));
}

function withTestListen(yaml: string): string {
  return `${yaml.replace(/^listen:\n(?:[ \t]+.*\n)*/m, '')}\nlisten:\n  address: 127.0.0.1\n  port: 0\n`;
}

/** Polls `check` until it returns true or `timeoutMs` passes; bounded in count and time. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, stepMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline && attempt < timeoutMs / stepMs + 1; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs}ms`);
}
