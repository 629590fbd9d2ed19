import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * CPU per HTTP probe: the exporter's http probe through the exchange worker, the transport it
 * replaced (fetch on the serving thread), and blackbox_exporter driven through /probe at the same
 * rate against the same local target, each in its own process, in one run. Prints a Markdown table.
 * BENCH_RATE (probes/s, default 200), BENCH_SECONDS (default 15), BENCH_ROUNDS (default 2), BLACKBOX.
 */
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BLACKBOX = process.env.BLACKBOX ?? '/usr/bin/prometheus-blackbox-exporter';
const TICKS_PER_SECOND = 100;

interface Row {
  readonly name: string;
  readonly probes: number;
  readonly ok: number;
  readonly cpuMs: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly rssMb: number;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(line));
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
  });
}

/** utime + stime of a process in milliseconds (/proc clock ticks), and its resident memory. */
function procStats(pid: number): { cpuMs: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { cpuMs: (ticks * 1000) / TICKS_PER_SECOND, rssMb: (rssPages * 4096) / 1_048_576 };
}

async function ourProber(mode: 'exchange' | 'fetch', url: string): Promise<Row> {
  const child = spawn(process.execPath, [path.join(__dirname, 'prober.js'), mode, url, String(RATE), String(SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const result = JSON.parse(await firstLine(child)) as Row & { mode: string };
  await new Promise((resolve) => child.once('exit', resolve));
  const name = mode === 'exchange' ? 'amas-exporter http probe (exchange worker)' : 'fetch on the serving thread (previous transport)';
  return { ...result, name };
}

async function blackbox(url: string): Promise<Row> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-bbe-'));
  const config = path.join(dir, 'blackbox.yml');
  writeFileSync(config, 'modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n    http:\n      preferred_ip_protocol: ip4\n');
  const port = 19_000 + Math.floor(Math.random() * 1000);
  const child = spawn(BLACKBOX, [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'ignore'] });
  const probeUrl = `http://127.0.0.1:${port}/probe?module=http_2xx&target=${encodeURIComponent(url)}`;
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await (await fetch(probeUrl)).text();
        break;
      } catch {
        if (attempt > 100) throw new Error('blackbox_exporter did not start');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const once = async (): Promise<{ ok: boolean; ms: number }> => {
      const text = await (await fetch(probeUrl)).text();
      const duration = /^probe_duration_seconds ([0-9.e+-]+)$/m.exec(text);
      return { ok: /^probe_success 1$/m.test(text), ms: duration ? Number(duration[1]) * 1000 : 0 };
    };
    for (let i = 0; i < 20; i += 1) await once();
    const before = procStats(child.pid as number);
    const total = Math.round(RATE * SECONDS);
    const started = performance.now();
    const runs: Promise<{ ok: boolean; ms: number }>[] = [];
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.round(((performance.now() - started) / 1000) * RATE));
        while (runs.length < due) runs.push(once().catch(() => ({ ok: false, ms: 0 })));
        if (runs.length >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    const results = await Promise.all(runs);
    const after = procStats(child.pid as number);
    const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
    const pick = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    return { name: `blackbox_exporter ${'0.23.0'} via /probe`, probes: total, ok: results.filter((r) => r.ok).length, cpuMs: after.cpuMs - before.cpuMs, p50Ms: pick(0.5), p99Ms: pick(0.99), rssMb: after.rssMb };
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const target = spawn(process.execPath, [path.join(__dirname, 'target.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = `http://127.0.0.1:${(await firstLine(target)).trim()}/health`;
  const rows: Row[] = [];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate the order so that drift in the machine's load does not favour one contender.
      const order = round % 2 === 0 ? ['exchange', 'fetch', 'blackbox'] : ['blackbox', 'fetch', 'exchange'];
      for (const contender of order) rows.push(contender === 'blackbox' ? await blackbox(url) : await ourProber(contender as 'exchange' | 'fetch', url));
    }
  } finally {
    target.kill('SIGTERM');
  }
  const perProbe = (row: Row): number => row.cpuMs / row.probes;
  const reference = rows.filter((row) => row.name.startsWith('blackbox')).map(perProbe);
  const referenceMean = reference.reduce((a, b) => a + b, 0) / reference.length;
  process.stdout.write(`\n${RATE} probes/s for ${SECONDS} s per contender, ${ROUNDS} rounds, Node ${process.version}\n\n`);
  process.stdout.write('| contender | probes (ok) | CPU ms per probe | × blackbox (mean) | p50 ms | p99 ms | RSS MB |\n|---|---|---|---|---|---|---|\n');
  for (const row of rows) {
    const fmt = (value: number | null): string => (value === null ? '–' : value.toFixed(2));
    process.stdout.write(`| ${row.name} | ${row.probes} (${row.ok}) | ${perProbe(row).toFixed(3)} | ${(perProbe(row) / referenceMean).toFixed(2)} | ${fmt(row.p50Ms)} | ${fmt(row.p99Ms)} | ${row.rssMb.toFixed(0)} |\n`);
  }
}

void main();
