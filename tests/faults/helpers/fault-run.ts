import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What the exporter answered while faults ran: nothing may be lost. */
export interface ServedCounts {
  served: number;
  lost: number;
  readonly byPath: Record<string, number>;
}

/**
 * Keeps `width` clients reading the exporter's endpoints in a loop until stopped, counting answers
 * and requests that got no answer within `timeoutMs` (bounded: each client waits `pauseMs` between requests).
 */
export function keepReading(baseUrl: string, paths: readonly string[], options: { width?: number; pauseMs?: number; timeoutMs?: number } = {}): { readonly counts: ServedCounts; stop(): Promise<ServedCounts> } {
  const counts: ServedCounts = { served: 0, lost: 0, byPath: {} };
  let running = true;
  const client = async (offset: number): Promise<void> => {
    for (let i = offset; running; i += 1) {
      const target = paths[i % paths.length] as string;
      try {
        const response = await fetch(`${baseUrl}${target}`, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
        await response.arrayBuffer();
        // /health may be 503 by design while dependencies fail; an answer is an answer.
        counts.served += 1;
        counts.byPath[target] = (counts.byPath[target] ?? 0) + 1;
      } catch {
        counts.lost += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 50));
    }
  };
  const clients = Array.from({ length: options.width ?? 3 }, (_, index) => client(index));
  return {
    counts,
    async stop() {
      running = false;
      await Promise.all(clients);
      return counts;
    },
  };
}

/** Writes a suite's figures where docs/RELIABILITY.md's numbers are read from (os tmpdir). */
export function writeSummary(suite: string, summary: Record<string, unknown>): void {
  writeFileSync(path.join(tmpdir(), `amas-faults-${suite}.json`), `${JSON.stringify({ suite, at: new Date().toISOString(), ...summary }, null, 2)}\n`);
}

/** Parses `name{labels} value` lines of a Prometheus exposition into a lookup by series. */
export function seriesOf(exposition: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}
