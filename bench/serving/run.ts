/**
 * Serving never blocks measuring: scrape throughput, liveness under load and footprint, each with
 * its reference measured in the same run on the same machine.
 *
 *   npm run bench:serving
 *
 * 1. Scrape: the demo (provider simulator, stand-in AMAS) plus a 200,000-line audit backlog; `wrk`
 *    at 1 and 16 connections against the exporter's /metrics, against a bare Node server serving
 *    the same bytes from memory (the limit for Node) and against blackbox_exporter's own /metrics.
 * 2. Liveness: /livez sampled every 20 ms while 200 connections scrape /metrics.
 * 3. Footprint: the shipped default config: time to /livez and /readyz 200, idle resident memory
 *    and CPU, against a bare Node HTTP server and blackbox_exporter.
 * BENCH_BACKLOG (lines, default 200000), BENCH_SECONDS (wrk duration, default 10), BLACKBOX,
 * BENCH_PROFILE_DIR (a CPU profile of the demo exporter).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { generateAuditLog } from '../logs/generate-audit-log';
import { freePort, sleep } from '../lib/net';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const DIST = path.join(ROOT, 'dist');
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 200_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BLACKBOX = process.env.BLACKBOX ?? '/usr/bin/prometheus-blackbox-exporter';
const TICKS_PER_SECOND = 100;
/** BENCH_PROFILE_DIR: the demo exporter writes a CPU profile there when it stops (node --cpu-prof). */
const PROFILE = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
const PAGE_KB = 4;

const run = promisify(execFile);

function get(url: string, timeoutMs = 5000, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: timeoutMs, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, stepMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** Resident memory (MB) and CPU ticks (user + system) of a process, from /proc. */
function processStats(pid: number): { rssMb: number; cpuTicks: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  const rssMb = (Number(fields[21]) * PAGE_KB) / 1024;
  return { rssMb, cpuTicks };
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

function firstJsonLine<T>(child: ChildProcess, pick: (event: Record<string, unknown>) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const found = pick(JSON.parse(line) as Record<string, unknown>);
        if (found !== undefined) resolve(found);
      } catch {
        // not JSON
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

const MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };
const latencyMs = (text: string | undefined): number => {
  const match = /([\d.]+)(us|ms|s)/.exec(text ?? '');
  return match ? Number(match[1]) * (MS[match[2] ?? 'ms'] ?? 1) : NaN;
};

async function wrk(url: string, connections: number, extra: string[] = []): Promise<WrkResult> {
  const threads = Math.min(2, connections);
  const { stdout } = await run('wrk', ['-t', String(threads), '-c', String(connections), '-d', `${SECONDS}s`, '--latency', ...extra, url], { maxBuffer: 1 << 20 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  const p50Ms = latencyMs(/^\s+50%\s+(\S+)/m.exec(stdout)?.[1]);
  const p99Ms = latencyMs(/^\s+99%\s+(\S+)/m.exec(stdout)?.[1]);
  const errorParts = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const errors = (errorParts ? errorParts.slice(1).reduce((sum, part) => sum + Number(part), 0) : 0) + non2xx;
  return { rps, p50Ms, p99Ms, errors };
}

/** A bare Node server answering every request with `body`: the most Node can do for these bytes. */
async function fromMemory(body: string): Promise<{ url: string; origin: string; close(): Promise<void> }> {
  const bytes = Buffer.from(body);
  const server = http.createServer((request, response) => {
    if (request.url === '/livez') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': bytes.length });
    response.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/metrics`, origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function startBlackbox(): Promise<{ url: string; child: ChildProcess } | undefined> {
  try {
    readFileSync(BLACKBOX);
  } catch {
    return undefined;
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-blackbox-'));
  const config = path.join(dir, 'blackbox.yml');
  writeFileSync(config, 'modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n');
  const child = spawn(BLACKBOX, [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await until('blackbox_exporter', 10_000, async () => ((await get(`${url}/metrics`)).status === 200 ? true : undefined));
  return { url, child };
}

interface Demo {
  readonly exporter: ChildProcess;
  readonly url: string;
  /** The health port's origin (listen.health_port). */
  readonly healthUrl: string;
  readonly simulator: ChildProcess;
  readonly amas: http.Server;
  readonly dir: string;
}

/** The demo's parts, as scripts/demo.js assembles them, with a backlog in the audit log. */
async function startDemo(): Promise<Demo> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-serving-'));
  const logDir = path.join(dir, 'logs');
  mkdirSync(logDir);
  generateAuditLog(path.join(logDir, 'audit.log'), BACKLOG);
  const simulator = spawn(process.execPath, [path.join(DIST, 'simulator', 'main.js'), '--port', '0', '--providers', 'demo'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const origin = await firstJsonLine(simulator, (event) => (event.event === 'simulator_ready' ? String(event.origin) : undefined));
  // A stand-in AMAS health endpoint for the amas_app probe; the backlog is its log.
  const amas = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"status":"healthy"}');
  });
  await new Promise<void>((resolve) => amas.listen(0, '127.0.0.1', resolve));
  const amasAddress = amas.address();
  const amasPort = typeof amasAddress === 'object' && amasAddress ? amasAddress.port : 0;
  const port = await freePort();
  const healthPort = await freePort();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { demoKey } = require(path.join(DIST, 'simulator', 'demo-set.js')) as { demoKey(id: string): string };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CATALOGUE } = require(path.join(DIST, 'ai', 'catalogue.js')) as { CATALOGUE: ReadonlyArray<{ id: string; key_env: readonly string[] }> };
  const keys = Object.fromEntries(CATALOGUE.filter((entry) => entry.key_env.length > 0).map((entry) => [entry.key_env[0] as string, demoKey(entry.id)]));
  const env = { ...process.env, ...keys, AMAS_DEMO_SIMULATOR: origin, AMAS_DEMO_AMAS: `http://127.0.0.1:${amasPort}`, AMAS_DEMO_LOG_DIR: logDir, AMAS_EXPORTER_LOG_LEVEL: 'error' };
  const config = path.join(dir, 'demo.yaml');
  writeFileSync(config, readFileSync(path.join(ROOT, 'config', 'demo.yaml'), 'utf8').replace(/^( {2}port:) 8001$/m, `$1 ${port}\n  health_port: ${healthPort}`));
  const exporter = spawn(process.execPath, [...PROFILE, path.join(DIST, 'main.js'), 'serve', '--config', config], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const url = `http://127.0.0.1:${port}`;
  await until('the demo exporter', 30_000, async () => ((await get(`${url}/livez`)).status === 200 ? true : undefined), 100);
  return { exporter, url, healthUrl: `http://127.0.0.1:${healthPort}`, simulator, amas, dir };
}

const sumOf = (text: string, name: string): number =>
  text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** Samples /livez every 20 ms (1 s timeout, as a kubelet) while `load` runs. */
async function livenessDuring(url: string, load: Promise<unknown>): Promise<{ samples: number; unanswered: number; p50Ms: number; p99Ms: number; maxMs: number }> {
  let done = false;
  void load.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  let unanswered = 0;
  while (!done) {
    const started = performance.now();
    try {
      const reply = await get(`${url}/livez`, 1000);
      if (reply.status === 200) latencies.push(performance.now() - started);
      else unanswered += 1;
    } catch {
      unanswered += 1;
    }
    await sleep(20);
  }
  return { samples: latencies.length + unanswered, unanswered, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: Math.max(...latencies) };
}

/** Start-up and idle figures of a server process: first 200 on each path, RSS and CPU after settling. */
async function footprint(command: string, args: string[], env: NodeJS.ProcessEnv, url: string, paths: readonly string[]): Promise<{ firstOkMs: Record<string, number>; idleRssMb: number; idleCpuPercent: number; child: ChildProcess }> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: 'ignore', env });
  const firstOkMs: Record<string, number> = {};
  await Promise.all(
    paths.map(async (where) => {
      await until(where, 30_000, async () => ((await get(`${url}${where}`, 1000)).status === 200 ? true : undefined), 10);
      firstOkMs[where] = performance.now() - started;
    }),
  );
  await sleep(10_000);
  const before = processStats(child.pid as number);
  await sleep(20_000);
  const after = processStats(child.pid as number);
  const idleCpuPercent = ((after.cpuTicks - before.cpuTicks) / TICKS_PER_SECOND / 20) * 100;
  return { firstOkMs, idleRssMb: after.rssMb, idleCpuPercent, child };
}

const fmt = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

async function main(): Promise<void> {
  const today = new Date().toISOString().slice(0, 10);
  const out: string[] = [`# bench:serving, ${today}, node ${process.version}, ${SECONDS} s per wrk run`];

  // 1. Scrape throughput.
  const demo = await startDemo();
  const blackbox = await startBlackbox();
  let memory: Awaited<ReturnType<typeof fromMemory>> | undefined;
  try {
    await until('the backlog to be read', 180_000, async () => (sumOf((await get(`${demo.url}/metrics`, 10_000)).body, 'amas_exporter_log_lines_total') >= BACKLOG ? true : undefined), 500);
    await sleep(3000);
    const body = (await get(`${demo.url}/metrics`)).body;
    const series = body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
    memory = await fromMemory(body);
    out.push('', `## Scrape: demo config + ${BACKLOG.toLocaleString('en')}-line backlog: ${series.toLocaleString('en')} series, ${(Buffer.byteLength(body) / 1024).toFixed(0)} KB`, '');
    out.push('| target | connections | req/s | p50 ms | p99 ms | errors | exporter / from-memory |', '|---|---|---|---|---|---|---|');
    for (const connections of [1, 16]) {
      const exporter = await wrk(`${demo.url}/metrics`, connections);
      const exporterGzip = await wrk(`${demo.url}/metrics`, connections, ['-H', 'Accept-Encoding: gzip']);
      const reference = await wrk(memory.url, connections);
      const rows: Array<[string, WrkResult]> = [['amas-exporter /metrics', exporter], ['amas-exporter /metrics, gzip', exporterGzip], ['same bytes from memory (bare Node)', reference]];
      if (blackbox) rows.push(['blackbox_exporter /metrics (its own, small)', await wrk(`${blackbox.url}/metrics`, connections)]);
      for (const [name, result] of rows) {
        const ratio = name.startsWith('amas-exporter') ? `${fmt((result.rps / reference.rps) * 100, 0)} %` : '';
        out.push(`| ${name} | ${connections} | ${fmt(result.rps, 0)} | ${fmt(result.p50Ms, 2)} | ${fmt(result.p99Ms, 2)} | ${result.errors} | ${ratio} |`);
      }
    }

    // 2. Liveness while 200 connections scrape: the exporter, and the bare server as Node's limit.
    out.push('', '## Liveness while 200 connections scrape /metrics (/livez every 20 ms, 1 s timeout as a kubelet)', '');
    out.push('| server | /livez samples | unanswered | p50 ms | p99 ms | max ms | scrapes/s meanwhile | scrape errors (503 beyond the concurrency bound count here) |', '|---|---|---|---|---|---|---|---|');
    const servers = [
      ['amas-exporter, /livez on the main port', demo.url, demo.url],
      ['amas-exporter, /livez on the health port (listen.health_port)', demo.url, demo.healthUrl],
      ['same bytes from memory (bare Node)', memory.origin, memory.origin],
    ] as const;
    for (const [name, origin, liveOrigin] of servers) {
      const load = wrk(`${origin}/metrics`, 200);
      const live = await livenessDuring(liveOrigin, load);
      const scrape = await load;
      out.push(`| ${name} | ${live.samples} | ${live.unanswered} | ${fmt(live.p50Ms, 2)} | ${fmt(live.p99Ms, 2)} | ${fmt(live.maxMs, 1)} | ${fmt(scrape.rps, 0)} | ${scrape.errors} |`);
    }
  } finally {
    await memory?.close();
    await stop(demo.exporter);
    await stop(demo.simulator);
    await new Promise((resolve) => demo.amas.close(resolve));
    rmSync(demo.dir, { recursive: true, force: true });
  }

  // 3. Footprint of the shipped default config (listen port changed), against references.
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-footprint-'));
  try {
    const port = await freePort();
    const config = path.join(dir, 'exporter.yaml');
    writeFileSync(config, readFileSync(path.join(ROOT, 'config', 'exporter.yaml'), 'utf8').replace(/port: 8001/, `port: ${port}`).replace(/health_port: 8002/, `health_port: ${await freePort()}`).replace(/address: 0\.0\.0\.0/, 'address: 127.0.0.1'));
    const env = { ...process.env, AMAS_LOG_DIR: path.join(dir, 'logs'), AMAS_LOG_POSITIONS: path.join(dir, 'positions.json') };
    const exporter = await footprint(process.execPath, [path.join(DIST, 'main.js'), 'serve', '--config', config], env, `http://127.0.0.1:${port}`, ['/livez', '/readyz']);
    await stop(exporter.child);
    const barePort = await freePort();
    const bare = await footprint(process.execPath, ['-e', `require('node:http').createServer((q,s)=>s.end('ok')).listen(${barePort},'127.0.0.1')`], process.env, `http://127.0.0.1:${barePort}`, ['/']);
    await stop(bare.child);
    out.push('', '## Footprint, shipped default config (idle: 10 s settle, then 20 s measured)', '');
    out.push('| process | first /livez 200 ms | first /readyz 200 ms | idle RSS MB | idle CPU % of a core |', '|---|---|---|---|---|');
    out.push(`| amas-exporter | ${fmt(exporter.firstOkMs['/livez'] ?? NaN, 0)} | ${fmt(exporter.firstOkMs['/readyz'] ?? NaN, 0)} | ${fmt(exporter.idleRssMb)} | ${fmt(exporter.idleCpuPercent, 2)} |`);
    out.push(`| bare Node HTTP server | ${fmt(bare.firstOkMs['/'] ?? NaN, 0)} | | ${fmt(bare.idleRssMb)} | ${fmt(bare.idleCpuPercent, 2)} |`);
    if (blackbox) {
      const stats = processStats(blackbox.child.pid as number);
      out.push(`| blackbox_exporter (idle, after the scrape runs) | | | ${fmt(stats.rssMb)} | |`);
    }
  } finally {
    await stop(blackbox?.child);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(out.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
