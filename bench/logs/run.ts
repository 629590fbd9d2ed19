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
import { SeriesCap } from '../../src/logs/series-cap';
import { SessionWindow } from '../../src/logs/session-window';
import { CHUNK_BYTES } from '../../src/logs/tracked-file';
import { createTransforms } from '../../src/logs/transforms';
import { createMetrics, type Metrics } from '../../src/metrics/definitions';
import { ResultStore } from '../../src/scheduler/result-store';
import { generateAuditLog } from './generate-audit-log';

/**
 * Times, on one generated audit log and in one run: the exporter's tail+map pipeline (LogsRuntime
 * reading the file to its end), the same mappings over readline + JSON.parse, a bare readline +
 * JSON.parse loop, the exporter's field reading alone, and mtail --one_shot with a program whose
 * totals per family equal the exporter's (checked: the run fails when they differ). The exporter and
 * mtail each run in a process of their own under GNU time, for their peak resident memory. Prints
 * Markdown tables.
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

/** Totals per family, compared between the exporter and mtail (their label values differ: ip_hash, {uuid}). */
type Totals = Record<'requests' | 'request_durations' | 'logins_success' | 'logins_failure' | 'rate_limited' | 'security_events' | 'audit_entries', number>;

async function exporterPipeline(file: string, lines: number): Promise<{ note: string; totals: Totals }> {
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
  const { metrics } = bundle;
  const totals: Totals = {
    requests: await sum(metrics, 'httpRequests'),
    request_durations: await sum(metrics, 'httpRequestDuration', (sample) => sample.metricName === 'amas_http_request_duration_seconds_count'),
    logins_success: await sum(metrics, 'authAttempts', (sample) => sample.labels.result === 'success'),
    logins_failure: await sum(metrics, 'authAttempts', (sample) => sample.labels.result === 'failure'),
    rate_limited: await sum(metrics, 'rateLimitExceeded'),
    security_events: await sum(metrics, 'securityEvents'),
    audit_entries: await sum(metrics, 'auditLogEntries'),
  };
  return { note: `${totals.requests} HTTP requests counted`, totals };
}

type Sample = { value: number; labels: Record<string, string | number>; metricName?: string };
type SummedKey = 'logLines' | 'httpRequests' | 'httpRequestDuration' | 'authAttempts' | 'rateLimitExceeded' | 'securityEvents' | 'auditLogEntries';

async function sum(metrics: Metrics, key: SummedKey, keep: (sample: Sample) => boolean = () => true): Promise<number> {
  const values = (await (metrics[key] as unknown as { get(): Promise<{ values: Sample[] }> }).get()).values;
  return values.filter(keep).reduce((total, sample) => total + sample.value, 0);
}

async function readlineMappings(file: string): Promise<string> {
  const { metrics } = createMetrics('bench');
  const limiter = new LabelLimiter(100, {});
  const set = compileMappings(builtInMappings('audit', CONFIG_DIR), { limiter, transforms: createTransforms(new KeyedHasher(Buffer.from('bench-key'))) });
  const sink = new MetricSink(metrics, limiter, new SeriesCap(2000), new SessionWindow(900_000), new HealthSignals());
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

interface Measured {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  readonly stdout: string;
}

/** Runs a command under GNU time: wall time, CPU time of the process and its peak resident set. */
function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, stderr: 'inherit' | 'ignore' = 'inherit'): Measured {
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-bench-time-'));
  const report = path.join(dir, 'time.txt');
  const wall = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-o', report, '-f', '%M %U %S', command, ...args], { env, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', stderr] });
  const wallSeconds = Number(process.hrtime.bigint() - wall) / 1e9;
  if (run.status !== 0) throw new Error(`${command} exited with ${run.status}`);
  const [kib = 0, user = 0, system = 0] = readFileSync(report, 'utf8').trim().split('\n').pop()?.split(/\s+/).map(Number) ?? [];
  return { wallSeconds, cpuSeconds: user + system, peakRssMiB: kib / 1024, stdout: run.stdout.toString('utf8') };
}

type MtailMetrics = Record<string, { LabelValues?: { Labels?: string[]; Value: { Value?: number; Count?: number } }[] }[]>;

function mtailTotals(metrics: MtailMetrics): Totals {
  const entries = (name: string) => metrics[name]?.[0]?.LabelValues ?? [];
  const total = (name: string, keep: (labels: string[]) => boolean = () => true): number =>
    entries(name).filter((entry) => keep(entry.Labels ?? [])).reduce((sum, entry) => sum + (entry.Value.Value ?? 0), 0);
  return {
    requests: total('amas_http_requests_total'),
    request_durations: entries('amas_http_request_duration_seconds').reduce((sum, entry) => sum + (entry.Value.Count ?? 0), 0),
    logins_success: total('amas_auth_attempts_total', (labels) => labels[1] === 'success'),
    logins_failure: total('amas_auth_attempts_total', (labels) => labels[1] === 'failure'),
    rate_limited: total('amas_rate_limit_exceeded_total'),
    security_events: total('amas_security_events_total'),
    audit_entries: total('amas_audit_log_entries_total'),
  };
}

function mtail(file: string): { result: Result; peakRssMiB: number; totals: Totals } {
  const progs = mkdtempSync(path.join(tmpdir(), 'amas-bench-mtail-'));
  copyFileSync(path.join(REPO, 'bench', 'logs', 'audit.mtail'), path.join(progs, 'audit.mtail'));
  // mtail logs every step to stderr: left out.
  const run = timed(MTAIL, ['--one_shot', '--address', '127.0.0.1', '--port', '0', '--logtostderr', '--progs', progs, '--logs', file], process.env, 'ignore');
  const totals = mtailTotals(JSON.parse(run.stdout) as MtailMetrics);
  return { result: { name: 'mtail --one_shot (same totals)', lines: 0, wallSeconds: run.wallSeconds, cpuSeconds: run.cpuSeconds, note: `${totals.requests} HTTP requests counted` }, peakRssMiB: run.peakRssMiB, totals };
}

/** The exporter alone in a process of its own, so that its peak resident set is measured as mtail's is. */
function exporterProcess(file: string, lines: number): { result: Result; peakRssMiB: number; totals: Totals } {
  const run = timed(process.execPath, [__filename], { ...process.env, BENCH_CHILD: 'exporter', BENCH_FILE: file, BENCH_LINES: String(lines) });
  const { note, totals } = JSON.parse(run.stdout) as { note: string; totals: Totals };
  return { result: { name: 'amas-exporter tail + audit mappings (own process)', lines, wallSeconds: run.wallSeconds, cpuSeconds: run.cpuSeconds, note }, peakRssMiB: run.peakRssMiB, totals };
}

async function main(): Promise<void> {
  const lines = Number(process.env.BENCH_LINES ?? 1_000_000);
  const file = process.env.BENCH_FILE ?? path.join(tmpdir(), `amas-bench-audit-${lines}.log`);
  if (process.env.BENCH_CHILD === 'exporter') {
    process.stdout.write(JSON.stringify(await exporterPipeline(file, lines)));
    return;
  }
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    generateAuditLog(file, lines);
  }
  const bytes = statSync(file).size;
  // Read once so that every contender reads from the page cache.
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) void chunk;

  const results: Result[] = [];
  const exporterRun = exporterProcess(file, lines);
  results.push(exporterRun.result);
  results.push(await measure('readline + JSON.parse + the same mappings', lines, () => readlineMappings(file)));
  results.push(await measure('readline + JSON.parse only (no metrics)', lines, () => readlineParse(file)));
  results.push(await measure('exporter chunked reads + field reader only (no metrics)', lines, () => fieldReaderOnly(file)));
  const mtailRun = mtailAvailable() ? mtail(file) : undefined;
  if (mtailRun) results.push({ ...mtailRun.result, lines });

  const exporter = results[0] as Result;
  const rows = results.map((result) => {
    const rate = result.lines / result.wallSeconds;
    const cpuRate = result.lines / result.cpuSeconds;
    return `| ${result.name} | ${result.wallSeconds.toFixed(2)} | ${Math.round(rate).toLocaleString('en')} | ${result.cpuSeconds.toFixed(2)} | ${Math.round(cpuRate).toLocaleString('en')} | ${(exporter.lines / exporter.wallSeconds / rate).toFixed(1)}× | ${result.note} |`;
  });
  const report = [
    `${new Date().toISOString()}: \`npm run bench:logs\` (BENCH_LINES=${lines}). Input: ${lines.toLocaleString('en')} audit lines, ${(bytes / 1e6).toFixed(0)} MB (${Math.round(bytes / lines)} bytes a line), node ${process.version}.`,
    '',
    '| contender | wall s | lines/s (wall) | CPU s | lines/s (CPU) | exporter is faster by (wall) | check |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ];
  let equal = true;
  if (mtailRun) {
    const keys = Object.keys(exporterRun.totals) as (keyof Totals)[];
    equal = keys.every((key) => exporterRun.totals[key] === mtailRun.totals[key]);
    report.push(
      '',
      '| total | amas-exporter | mtail |',
      '|---|---|---|',
      ...keys.map((key) => `| ${key} | ${exporterRun.totals[key]} | ${mtailRun.totals[key]}${exporterRun.totals[key] === mtailRun.totals[key] ? '' : ' (differs)'} |`),
      '',
      '| peak resident memory | amas-exporter | mtail | ratio |',
      '|---|---|---|---|',
      `| MiB | ${exporterRun.peakRssMiB.toFixed(0)} | ${mtailRun.peakRssMiB.toFixed(0)} | ${(exporterRun.peakRssMiB / mtailRun.peakRssMiB).toFixed(2)}× |`,
      '',
      `Exporter against mtail: ${(mtailRun.result.wallSeconds / exporter.wallSeconds).toFixed(2)}× its lines/s (wall), ${(mtailRun.result.cpuSeconds / exporter.cpuSeconds).toFixed(2)}× (CPU), ${(exporterRun.peakRssMiB / mtailRun.peakRssMiB).toFixed(2)}× its peak memory; totals ${equal ? 'equal' : 'DIFFER'}.`,
    );
  }
  const text = `${report.join('\n')}\n`;
  process.stdout.write(text);
  if (process.env.BENCH_REPORT) writeFileSync(process.env.BENCH_REPORT, text);
  if (!equal) throw new Error('mtail and the exporter do not count the same totals: the ratio would compare different work');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
