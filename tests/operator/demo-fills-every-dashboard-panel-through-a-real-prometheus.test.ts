import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../helpers/ports';
import { startPrometheus, type TestPrometheus } from '../deploy/prometheus-server';
import { panelsWithoutData, panelTargets, shortenedPrometheusConfig, shortenedRuleFiles } from '../deploy/shortened-stack';
import { ROOT } from '../deploy/tools';

/**
 * `npm run demo` as a new user runs it (the built code, scripts/demo.js), read through a real
 * Prometheus loaded with the shipped scrape config (targets pointed at the demo's exporter,
 * intervals shortened) and rules: every panel query of every shipped dashboard returns data, and
 * the banner names the ports really in use.
 */
const DEMO = path.join(ROOT, 'scripts', 'demo.js');

interface Banner {
  readonly exporter: string;
  readonly exporter_port: number;
  readonly simulator: string;
  readonly amas: string;
  readonly audit_log: string;
}

interface RunningDemo {
  readonly child: ChildProcess;
  readonly banner: Banner;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the demo with `args` and waits (bounded) for its `demo: ready {...}` banner line. */
async function startDemo(args: readonly string[]): Promise<RunningDemo> {
  if (!existsSync(path.join(ROOT, 'dist', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, [DEMO, ...args], { env: { ...process.env, AMAS_EXPORTER_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))]);
    clearTimeout(timer);
  };
  for (let attempt = 0; attempt < 240; attempt += 1) {
    const ready = /^demo: ready (\{.*\})$/m.exec(output);
    if (ready) return { child, banner: JSON.parse(ready[1] as string) as Banner, output: () => output, stop };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`the demo printed no ready banner:\n${output.slice(-4000)}`);
}

/** Every bounded wait in this suite: polls every `stepMs` until `check` returns a value, or throws. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, stepMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}





describe('npm run demo, read through a real Prometheus', () => {
  let demo: RunningDemo | undefined;
  let prometheus: TestPrometheus | undefined;
  let startedAt: number;
  const running = (): RunningDemo => {
    if (!demo) throw new Error('the demo did not start');
    return demo;
  };

  beforeAll(async () => {
    startedAt = Math.floor(Date.now() / 1000);
    demo = await startDemo(['--port', '0', '--simulator-port', '0', '--amas-port', '0']);
    prometheus = await startPrometheus(shortenedPrometheusConfig(demo.banner.exporter_port), shortenedRuleFiles());
  }, 120_000);

  afterAll(async () => {
    await prometheus?.close();
    await demo?.stop();
  }, 60_000);

  it('the banner names the ports in use: exporter, stand-in AMAS and simulator all answer there', async () => {
    const { banner } = running();
    expect(banner.exporter).toBe(`http://127.0.0.1:${banner.exporter_port}`);
    expect(banner.exporter_port).not.toBe(8001);
    expect(running().output()).toContain(`demo: exporter at ${banner.exporter} (status page ${banner.exporter}/), simulator at ${banner.simulator}`);
    expect((await fetch(`${banner.exporter}/livez`)).status).toBe(200);
    expect(await (await fetch(`${banner.amas}/health`)).json()).toMatchObject({ status: 'healthy' });
    expect((await fetch(`${banner.simulator}/p/cerebras/v1/models`)).status).toBeLessThan(500);
  });

  it('the stand-in AMAS fills every security field of /health the logs can tell', async () => {
    const health = await eventually(
      'security fields from the audit log',
      async () => {
        const body = (await (await fetch(`${running().banner.exporter}/health`)).json()) as { security: Record<string, string>; metrics: { active_sessions?: number } };
        return body.security.audit_logging === 'active' && body.security.jwt_validation === 'observed' && body.security.rate_limiting === 'observed' ? body : undefined;
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${running().output().slice(-3000)}`);
    });
    expect(health.metrics.active_sessions).toBeGreaterThan(0);
  }, 70_000);

  it('returns data for every panel query of every shipped dashboard', async () => {
    const prom = prometheus as TestPrometheus;
    const targets = panelTargets();
    expect(targets.length).toBeGreaterThan(15);
    const empty = (): Promise<string[]> => panelsWithoutData(prom, targets, startedAt);
    // Rate windows need a few scrapes of every event; wait (bounded) until every panel has data.
    const missing = await eventually('data for every panel', async () => {
      const found = await empty();
      return found.length === 0 ? found : undefined;
    }, 120_000, 3000).catch(async (error: Error) => {
      throw new Error(`${error.message}\npanels without data:\n${(await empty()).join('\n')}\n--- demo ---\n${running().output().slice(-2000)}\n--- prometheus ---\n${prom.output().slice(-2000)}`);
    });
    expect(missing).toEqual([]);
  }, 150_000);

  it("raises one AMASFakeAIDetected per fake demo provider, with the reason in its annotations", async () => {
    const prom = prometheus as TestPrometheus;
    // In the simulator's demo set grok answers canned text and qwen replays earlier answers.
    const fakes = await eventually(
      'AMASFakeAIDetected for grok and qwen',
      async () => {
        const found = (await prom.alerts()).filter((alert) => alert.labels.alertname === 'AMASFakeAIDetected');
        return ['grok', 'qwen'].every((id) => found.some((alert) => alert.labels.provider === id)) ? found : undefined;
      },
      90_000,
    );
    expect(fakes.map((alert) => alert.labels.provider).sort()).toEqual(['grok', 'qwen']);
    expect(fakes.find((alert) => alert.labels.provider === 'grok')?.annotations?.reasons).toContain('template');
    expect(fakes.find((alert) => alert.labels.provider === 'qwen')?.annotations?.reasons).toContain('replay');
  }, 100_000);

  it('--port moves the exporter, and the banner says where', async () => {
    // Stop the first run so two 20-provider demos do not share the two cores.
    await prometheus?.close();
    prometheus = undefined;
    await demo?.stop();
    const port = await freePort();
    const moved = await startDemo(['--port', String(port), '--simulator-port', '0', '--amas-port', '0']);
    try {
      expect(moved.banner.exporter_port).toBe(port);
      expect(moved.output()).toContain(`demo: exporter at http://127.0.0.1:${port} `);
      expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    } finally {
      await moved.stop();
    }
    expect(moved.child.exitCode).toBe(0);
  }, 90_000);

  it('refuses a port that is not one', async () => {
    const child = spawn(process.execPath, [DEMO, '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(64);
    expect(stderr).toMatch(/--port needs a port number/);
  });
});
