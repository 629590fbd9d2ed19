import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Time-compressed soak: the built exporter with 50 HTTP probes every 250 ms (200 probes/s, each a
 * fresh connection), Postgres and Redis probes, and simulated AI providers whose rungs run every
 * few seconds, while /metrics is scraped 20 times a second. Samples resident memory, descriptors,
 * sockets and threads of the exporter process and prints them with a summary.
 * SOAK_MINUTES (default 10), SOAK_WARMUP_MINUTES (default 2), SOAK_SAMPLE_SECONDS (default 10).
 */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const WARMUP_MINUTES = Number(process.env.SOAK_WARMUP_MINUTES ?? 2);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 10);
const DIST = path.resolve(__dirname, '..', '..');
const HTTP_PROBES = 50;
const HTTP_INTERVAL_MS = 250;
const SCRAPES_PER_SECOND = 20;

interface Sample {
  readonly atSeconds: number;
  readonly rssMb: number;
  readonly fds: number;
  readonly sockets: number;
  readonly threads: number;
}

function firstLine(child: ChildProcess, match: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (match(line)) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

function sample(pid: number, atSeconds: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  const fds = readdirSync(`/proc/${pid}/fd`);
  let sockets = 0;
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets += 1;
    } catch {
      // closed while we looked
    }
  }
  return { atSeconds, rssMb: field('VmRSS') / 1024, fds: fds.length, sockets, threads: field('Threads') };
}

/** Least-squares slope of y over x. */
function slope(points: readonly [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-soak-'));
  const children: ChildProcess[] = [];
  const start = (file: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
    children.push(child);
    return child;
  };
  try {
    const target = start(path.join(DIST, 'bench', 'transport', 'target.js'), []);
    const targetUrl = `http://127.0.0.1:${(await firstLine(target, () => true)).trim()}`;
    const providersFile = path.join(dir, 'providers.json');
    const key = 'sk-soak-0123456789abcdef';
    const sims = [
      { id: 'honest_a', style: 'openai', model: 'gpt-4o', api_key: key },
      { id: 'honest_b', style: 'anthropic', model: 'claude-3-5-haiku', api_key: key },
      { id: 'down', style: 'openai', model: 'gpt-4o', api_key: key, mode: 'down' },
      { id: 'huge', style: 'openai', model: 'gpt-4o', api_key: key, mode: 'huge', options: { huge_bytes: 9 * 1_048_576 } },
    ];
    writeFileSync(providersFile, JSON.stringify(sims));
    const sim = start(path.join(DIST, 'src', 'simulator', 'main.js'), ['--providers', providersFile]);
    const ready = JSON.parse(await firstLine(sim, (line) => line.includes('simulator_ready'))) as { providers: { id: string; base_url: string; style: string }[] };
    const probes = Array.from({ length: HTTP_PROBES }, (_, i) => `  - { name: http_${i}, type: http, url: "${targetUrl}/health", interval: ${HTTP_INTERVAL_MS}ms, timeout: 200ms }`);
    const providers = ready.providers.map((p) => `    ${p.id}: { style: ${p.style}, base_url: "${p.base_url}", model: ${sims.find((s) => s.id === p.id)?.model}, key_env: [SOAK_KEY] }`);
    const config = [
      'listen: { address: 127.0.0.1, port: 0 }',
      'probes:',
      ...probes,
      '  - { name: postgres, type: postgres, url: "postgres://postgres@127.0.0.1:5432/postgres", interval: 1s, timeout: 800ms }',
      '  - { name: redis, type: redis, url: "redis://127.0.0.1:6379/0", interval: 1s, timeout: 800ms }',
      'scheduler: { max_concurrent: 64 }',
      'ai:',
      '  include_catalogue: false',
      '  egress: { canary_url: "" }',
      '  budget: { requests: null, tokens: null, usd: null }',
      '  rungs: { reachability: { interval: 1s, timeout: 800ms }, metadata: { interval: 2s, timeout: 1500ms }, validation: { interval: 5s, timeout: 4s } }',
      '  providers:',
      ...providers,
    ].join('\n');
    const configPath = path.join(dir, 'exporter.yaml');
    writeFileSync(configPath, `${config}\n`);
    const exporter = start(path.join(DIST, 'src', 'main.js'), ['serve', '--config', configPath], { ...process.env, SOAK_KEY: key });
    const listening = await firstLine(exporter, (line) => /"port":\s*\d+/.test(line) && /listen/i.test(line));
    const port = Number(/"port":\s*(\d+)/.exec(listening)?.[1]);
    const base = `http://127.0.0.1:${port}`;
    let scrapes = 0;
    let lost = 0;
    let running = true;
    const scraper = (async () => {
      const started = performance.now();
      while (running) {
        const due = Math.floor(((performance.now() - started) / 1000) * SCRAPES_PER_SECOND);
        const batch: Promise<void>[] = [];
        for (; scrapes + lost < due; ) {
          const path = (scrapes + lost) % 20 === 0 ? '/health' : '/metrics';
          batch.push(fetch(`${base}${path}`, { signal: AbortSignal.timeout(5000) }).then((r) => r.arrayBuffer()).then(() => void (scrapes += 1), () => void (lost += 1)));
          if (batch.length > 50) break;
        }
        await Promise.all(batch);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const samples: Sample[] = [];
    const t0 = performance.now();
    while ((performance.now() - t0) / 60_000 < MINUTES) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_SECONDS * 1000));
      const s = sample(exporter.pid as number, Math.round((performance.now() - t0) / 1000));
      samples.push(s);
      process.stderr.write(`${JSON.stringify(s)}\n`);
    }
    running = false;
    await scraper;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const runs = [...metrics.matchAll(/^amas_probe_runs_total\{[^}]*\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
    const after = samples.filter((s) => s.atSeconds >= WARMUP_MINUTES * 60);
    const range = (pick: (s: Sample) => number): string => `${Math.min(...after.map(pick)).toFixed(0)}–${Math.max(...after.map(pick)).toFixed(0)}`;
    const rssSlope = slope(after.map((s) => [s.atSeconds / 3600, s.rssMb]));
    process.stdout.write(`\nSoak: ${MINUTES} min (${WARMUP_MINUTES} min warm-up), ${HTTP_PROBES} HTTP probes every ${HTTP_INTERVAL_MS} ms, ${sims.length} simulated providers, /metrics ${SCRAPES_PER_SECOND}/s, Node ${process.version}\n\n`);
    process.stdout.write('| minute | RSS MB | descriptors | sockets | threads |\n|---|---|---|---|---|\n');
    for (const s of samples.filter((s, i) => i === samples.length - 1 || s.atSeconds % 60 < SAMPLE_SECONDS)) {
      process.stdout.write(`| ${(s.atSeconds / 60).toFixed(1)} | ${s.rssMb.toFixed(1)} | ${s.fds} | ${s.sockets} | ${s.threads} |\n`);
    }
    process.stdout.write(`\nAfter warm-up: RSS ${range((s) => s.rssMb)} MB (least-squares slope ${rssSlope.toFixed(1)} MB/h), descriptors ${range((s) => s.fds)}, sockets ${range((s) => s.sockets)}, threads ${range((s) => s.threads)}\n`);
    process.stdout.write(`Probe runs: ${runs} (${(runs / (MINUTES * 60)).toFixed(0)}/s); scrapes answered ${scrapes}, lost ${lost}\n`);
  } finally {
    for (const child of children.reverse()) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
