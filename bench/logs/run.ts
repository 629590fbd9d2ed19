import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { parse } from 'yaml';
import { createLogger } from '../../src/logging/logger';
import { SecretStore } from '../../src/logging/redact';
import { compileMappings } from '../../src/logs/compile-mappings';
import { logsConfigSchema } from '../../src/logs/config-schema';
import { extractFromParsed } from '../../src/logs/field-plan';
import { FieldReader, LINE_OK } from '../../src/logs/field-reader';
import { KeyedHasher } from '../../src/logs/ip-hash';
import { LabelLimiter } from '../../src/logs/label-limiter';
import { builtInMappings } from '../../src/logs/mapping-sets';
import { HealthSignals, MetricSink } from '../../src/logs/metric-sink';
import { LogsRuntime } from '../../src/logs/runtime';
import { SessionWindow } from '../../src/logs/session-window';
import { CHUNK_BYTES } from '../../src/logs/tracked-file';
import { createTransforms } from '../../src/logs/transforms';
import { createMetrics, type Metrics } from '../../src/metrics/definitions';
import { ResultStore } from '../../src/scheduler/result-store';
import { generateAuditLog } from './generate-audit-log';

/**
 * Times, on one generated audit log and in one run: the exporter's tail+map pipeline (LogsRuntime
 * reading the file to its end), the same mappings over readline + JSON.parse, a bare readline +
 * JSON.parse loop, the exporter's field reading alone, and mtail --one_shot with an equivalent
 * program. Prints a Markdown table.
 * BENCH_LINES (default 1000000) and BENCH_FILE choose the input; MTAIL the mtail binary.
 */

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const CONFIG_DIR = path.join(REPO, 'config', 'log-mappings');
const MTAIL = process.env.MTAIL ?? '/usr/bin/mtail';

interface Result {
  readonly name: string;
  readonly lines: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly note: string;
}

const cpuNow = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

async function measure(name: string, lines: number, work: () => Promise<string>): Promise<Result> {
  const wall = process.hrtime.bigint();
  const cpu = cpuNow();
  const note = await work();
  return { name, lines, wallSeconds: Number(process.hrtime.bigint() - wall) / 1e9, cpuSeconds: cpuNow() - cpu, note };
}

async function exporterPipeline(file: string, lines: number): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-bench-'));
  const secrets = new SecretStore();
  const bundle = createMetrics('bench');
  const runtime = new LogsRuntime({ metrics: bundle.metrics, store: new ResultStore(), logger: createLogger({ level: 'error', secrets, stream: new PassThrough() }), secrets });
  await runtime.configure(logsConfigSchema.parse({
    sources: [{ name: 'audit', path: file, format: 'none', start_at: 'beginning' }],
    // The built-in audit mappings, given as extra mappings (this build has no config/ beside it).
    mappings: (parse(readFileSync(path.join(CONFIG_DIR, 'audit.yaml'), 'utf8')) as { mappings: unknown[] }).mappings,
    positions_path: path.join(dir, 'positions.json'),
    hash_key: 'bench-key',
  }));
  for (let turn = 0; turn < 100_000 && (await runtime.pollNow()); turn += 1);
  await runtime.close();
  const read = await sum(bundle.metrics, 'logLines');
  if (read !== lines) throw new Error(`exporter read ${read} lines, expected ${lines}`);
  return `${await sum(bundle.metrics, 'httpRequests')} HTTP requests counted`;
}

async function sum(metrics: Metrics, key: 'logLines' | 'httpRequests'): Promise<number> {
  return (await metrics[key].get()).values.reduce((total, sample) => total + sample.value, 0);
}

async function readlineMappings(file: string): Promise<string> {
  const { metrics } = createMetrics('bench');
  const limiter = new LabelLimiter(100, {});
  const set = compileMappings(builtInMappings('audit', CONFIG_DIR), { limiter, transforms: createTransforms(new KeyedHasher(Buffer.from('bench-key'))) });
  const sink = new MetricSink(metrics, limiter, new SessionWindow(900_000), new HealthSignals());
  const values = new Array<unknown>(set.plan.paths.length);
  let count = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    extractFromParsed(parsed, set.plan, values);
    for (const mapping of set.mappings) if (mapping.test(values)) sink.apply(mapping, values);
    if (++count % 2000 === 0) sink.flush();
  }
  sink.flush();
  return `${await sum(metrics, 'httpRequests')} HTTP requests counted`;
}

/** The exporter's line splitting and field reading alone (no mappings): the part JSON.parse replaces. */
async function fieldReaderOnly(file: string): Promise<string> {
  const limiter = new LabelLimiter(100, {});
  const set = compileMappings(builtInMappings('audit', CONFIG_DIR), { limiter, transforms: createTransforms(new KeyedHasher(Buffer.from('bench-key'))) });
  const reader = new FieldReader(set.plan);
  const handle = await open(file, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES + 65536);
  let held = 0;
  let position = 0;
  let valid = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, held, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const total = held + bytesRead;
    const last = buffer.lastIndexOf(10, total - 1);
    const text = buffer.toString('latin1', 0, last + 1);
    reader.beginChunk(text, buffer);
    for (let from = 0, newline = text.indexOf('\n'); newline >= 0; from = newline + 1, newline = text.indexOf('\n', from)) {
      if (reader.read(from, newline) === LINE_OK) valid += 1;
    }
    buffer.copy(buffer, 0, last + 1, total);
    held = total - last - 1;
  }
  await handle.close();
  return `${valid} objects read`;
}

async function readlineParse(file: string): Promise<string> {
  let objects = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (typeof JSON.parse(line) === 'object') objects += 1;
  }
  return `${objects} objects parsed`;
}

function mtailAvailable(): boolean {
  // mtail may still be installing: wait for it, bounded.
  for (let attempt = 0; attempt < 60 && !existsSync(MTAIL); attempt += 1) spawnSync('sleep', ['10']);
  return existsSync(MTAIL);
}

async function mtail(file: string): Promise<Result> {
  const progs = mkdtempSync(path.join(tmpdir(), 'amas-bench-mtail-'));
  copyFileSync(path.join(__dirname, '..', '..', '..', '..', 'bench', 'logs', 'audit.mtail'), path.join(progs, 'audit.mtail'));
  const timing = path.join(progs, 'time.txt');
  const wall = process.hrtime.bigint();
  // bash's `time` gives the child's CPU time, which node cannot see.
  const output = execFileSync('bash', ['-c', `TIMEFORMAT='%U %S'; { time "${MTAIL}" --one_shot --address 127.0.0.1 --port 0 --logtostderr --progs "${progs}" --logs "${file}" 2>/dev/null ; } 2>"${timing}"`], { maxBuffer: 1 << 30 }).toString('utf8');
  const wallSeconds = Number(process.hrtime.bigint() - wall) / 1e9;
  const [user = 0, system = 0] = readFileSync(timing, 'utf8').trim().split(/\s+/).map(Number);
  const metrics = JSON.parse(output) as Record<string, { LabelValues?: { Value: { Value?: number } }[] }[]>;
  const requests = (metrics.amas_http_requests_total?.[0]?.LabelValues ?? []).reduce((total, entry) => total + (entry.Value.Value ?? 0), 0);
  return { name: 'mtail --one_shot (equivalent program)', lines: 0, wallSeconds, cpuSeconds: user + system, note: `${requests} HTTP requests counted` };
}

async function main(): Promise<void> {
  const lines = Number(process.env.BENCH_LINES ?? 1_000_000);
  const file = process.env.BENCH_FILE ?? path.join(tmpdir(), `amas-bench-audit-${lines}.log`);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    generateAuditLog(file, lines);
  }
  const bytes = statSync(file).size;
  // Read once so that every contender reads from the page cache.
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) void chunk;

  const results: Result[] = [];
  results.push(await measure('amas-exporter tail + audit mappings', lines, () => exporterPipeline(file, lines)));
  results.push(await measure('readline + JSON.parse + the same mappings', lines, () => readlineMappings(file)));
  results.push(await measure('readline + JSON.parse only (no metrics)', lines, () => readlineParse(file)));
  results.push(await measure('exporter chunked reads + field reader only (no metrics)', lines, () => fieldReaderOnly(file)));
  if (mtailAvailable()) results.push({ ...(await mtail(file)), lines });

  const exporter = results[0] as Result;
  const rows = results.map((result) => {
    const rate = result.lines / result.wallSeconds;
    const cpuRate = result.lines / result.cpuSeconds;
    return `| ${result.name} | ${result.wallSeconds.toFixed(2)} | ${Math.round(rate).toLocaleString('en')} | ${result.cpuSeconds.toFixed(2)} | ${Math.round(cpuRate).toLocaleString('en')} | ${(exporter.lines / exporter.wallSeconds / rate).toFixed(1)}× | ${result.note} |`;
  });
  const report = [
    `Input: ${lines.toLocaleString('en')} audit lines, ${(bytes / 1e6).toFixed(0)} MB (${Math.round(bytes / lines)} bytes a line), node ${process.version}.`,
    '',
    '| contender | wall s | lines/s (wall) | CPU s | lines/s (CPU) | exporter is faster by (wall) | check |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  process.stdout.write(`${report}\n`);
  if (process.env.BENCH_REPORT) writeFileSync(process.env.BENCH_REPORT, `${report}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
