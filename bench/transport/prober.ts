import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/logging/logger';
import { SecretStore } from '../../src/logging/redact';
import { httpProbe } from '../../src/probes/http';
import { stopExchangeWorker } from '../../src/lib/http-exchange';

/**
 * One contender of the transport benchmark, in a process of its own so that its CPU time is its own:
 * `node prober.js <exchange|fetch> <url> <rate per second> <seconds>` prints one JSON line.
 * exchange: the http probe as the exporter runs it (exchange worker, fresh connection per run).
 * fetch: the transport it replaced, undici fetch on the serving thread (pooled keep-alive connections).
 */
const [mode = 'exchange', url = '', rateText = '200', secondsText = '15'] = process.argv.slice(2);
const rate = Number(rateText);
const seconds = Number(secondsText);
const logger = createLogger({ level: 'error', secrets: new SecretStore(), stream: new PassThrough() });
const probe = httpProbe.create(httpProbe.schema.parse({ name: 'bench', type: 'http', url, timeout: '5s' }));

async function viaFetch(signal: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch(url, { signal, redirect: 'follow' });
    const body = await response.text();
    return response.status === 200 && body.length >= 0;
  } catch {
    return false;
  }
}

async function one(): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  const signal = AbortSignal.timeout(5000);
  if (mode === 'fetch') return { ok: await viaFetch(signal), ms: performance.now() - started };
  const report = await probe.run({ signal, logger });
  return { ok: report.outcome.ok, ms: (report.durationSeconds ?? 0) * 1000 };
}

async function main(): Promise<void> {
  // Warm-up: start the worker, load the code paths.
  for (let i = 0; i < 20; i += 1) await one();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const latencies: number[] = [];
  let ok = 0;
  const inFlight = new Set<Promise<void>>();
  const total = Math.round(rate * seconds);
  const tickMs = 10;
  let launched = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.round(((performance.now() - wallBefore) / 1000) * rate));
      while (launched < due) {
        launched += 1;
        const run = one().then((result) => {
          latencies.push(result.ms);
          if (result.ok) ok += 1;
          inFlight.delete(run);
        });
        inFlight.add(run);
      }
      if (launched >= total) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  await Promise.all(inFlight);
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - wallBefore;
  latencies.sort((a, b) => a - b);
  const pick = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  process.stdout.write(`${JSON.stringify({ mode, probes: total, ok, cpuMs: (cpu.user + cpu.system) / 1000, wallMs, p50Ms: pick(0.5), p99Ms: pick(0.99), rssMb: process.memoryUsage().rss / 1_048_576 })}\n`);
  await stopExchangeWorker();
}

void main();
