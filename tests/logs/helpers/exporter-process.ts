import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BINARY, requireBuild } from '../../helpers/binary';
import { withoutProviderKeys } from '../../helpers/exporter';
import { freePort } from '../../helpers/ports';

const SHIPPED = path.join(__dirname, '..', '..', '..', 'config', 'exporter.yaml');

/**
 * The shipped config/exporter.yaml with only the log directory changed (and the listen port, so
 * that several exporters run side by side). Written to `file`.
 */
export function shippedConfig(file: string, logDir: string, port: number): void {
  const text = readFileSync(SHIPPED, 'utf8').replaceAll('/app/logs', logDir).replace(/^listen:\n(?:[ \t]+.*\n)*/m, `listen:\n  address: 127.0.0.1\n  port: ${port}\n`);
  writeFileSync(file, text);
}

/** A real exporter process (dist/main.js serve) on the shipped config. */
export class ExporterProcess {
  child: ChildProcess | undefined;
  output = '';
  private exit: Promise<number | null> = Promise.resolve(null);

  private constructor(
    readonly configPath: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(dir: string, logDir: string, env: Record<string, string>): Promise<ExporterProcess> {
    requireBuild();
    const port = await freePort();
    const configPath = path.join(dir, `exporter-${port}.yaml`);
    shippedConfig(configPath, logDir, port);
    return new ExporterProcess(configPath, port, { ...withoutProviderKeys(process.env), AMAS_EXPORTER_LOG_LEVEL: 'warn', ...env });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Starts the process and waits until its log source has polled once: every member is open then.
   * /health says "waiting" before the first poll too, so the open-files gauge, set at the end of each
   * poll, is what tells.
   */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [BINARY, 'serve', '--config', this.configPath], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const health = await this.health().catch(() => undefined);
      const check = health?.checks.find((item) => item.name === 'log_source_audit');
      if (check && /waiting for|reading|no new line/.test(check.message) && /^amas_exporter_log_open_files\{[^}]*source="audit"/m.test(await this.metrics().catch(() => ''))) return;
      if (child.exitCode !== null) break;
      await sleep(100);
    }
    throw new Error(`exporter did not start: ${this.output.slice(-2000)}`);
  }

  /** Sends the signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    const code = await this.exit;
    this.child = undefined;
    return code;
  }

  async metrics(): Promise<string> {
    const response = await fetch(`${this.url}/metrics`);
    return response.text();
  }

  async health(): Promise<{ status: string; checks: { name: string; status: string; message: string }[]; status_reasons: string[] }> {
    const response = await fetch(`${this.url}/health`);
    return (await response.json()) as never;
  }
}

/** Sum of the samples of `name` (exact name) whose labels include `labels`, from Prometheus text. */
export function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const body = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => body.includes(`${key}="${value}"`))) total += Number(match[3]);
  }
  return total;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
