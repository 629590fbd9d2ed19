import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../helpers/ports';
import { requireBinary } from '../../deploy/tools';

/** One series to backfill: its labels (with __name__) and a value per sample index. */
export interface BackfillSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The sample at `index`, or undefined for none. */
  readonly value: (index: number) => number | undefined;
}

export interface BackfilledPrometheus {
  readonly url: string;
  /** Unix seconds of the last sample. */
  readonly lastSample: number;
  query(expr: string, time?: number): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  close(): Promise<void>;
}

/**
 * A real Prometheus whose storage holds history written beforehand with `promtool tsdb
 * create-blocks-from openmetrics`: `samples` samples per series, `stepSeconds` apart, the last one
 * a step before now. `rules` (file name -> YAML) are loaded and evaluated live.
 */
export async function startBackfilledPrometheus(series: readonly BackfillSeries[], samples: number, stepSeconds: number, rules: Readonly<Record<string, string>> = {}): Promise<BackfilledPrometheus> {
  const promtool = requireBinary('promtool');
  const binary = requireBinary('prometheus');
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-backfill-'));
  const last = Math.floor(Date.now() / 1000 / stepSeconds) * stepSeconds - stepSeconds;
  const first = last - (samples - 1) * stepSeconds;
  const lines: string[] = [];
  for (const name of [...new Set(series.map((item) => item.name))]) {
    for (const item of series.filter((candidate) => candidate.name === name)) {
      const labels = Object.entries(item.labels).map(([key, value]) => `${key}="${value}"`).join(',');
      for (let index = 0; index < samples; index += 1) {
        const value = item.value(index);
        if (value !== undefined) lines.push(`${name}{${labels}} ${value} ${first + index * stepSeconds}`);
      }
    }
  }
  lines.push('# EOF');
  const input = path.join(dir, 'history.om');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const data = path.join(dir, 'data');
  mkdirSync(data);
  const backfill = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, data], { encoding: 'utf8', timeout: 120_000 });
  if (backfill.status !== 0) throw new Error(`promtool backfill failed: ${backfill.stdout}${backfill.stderr}`);
  rmSync(input);
  for (const [name, content] of Object.entries(rules)) writeFileSync(path.join(dir, name), content);
  writeFileSync(path.join(dir, 'prometheus.yml'), `global:\n  evaluation_interval: 1s\nrule_files:\n${Object.keys(rules).map((name) => `  - ${name}\n`).join('') || '  []\n'}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(binary, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${data}`, '--storage.tsdb.retention.time=400d', `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  let ready = false;
  for (let attempt = 0; attempt < 150 && !ready && child.exitCode === null; attempt += 1) {
    ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) }).then((response) => response.ok, () => false);
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!ready) {
    await close();
    throw new Error(`prometheus did not become ready:\n${output.join('')}`);
  }
  return {
    url,
    lastSample: last,
    async query(expr, time) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}${time === undefined ? '' : `&time=${time}`}`, { signal: AbortSignal.timeout(20_000) });
      const body = (await response.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`Prometheus refused ${expr}: ${body.error ?? ''}`);
      return body.data.result;
    },
    close,
  };
}
