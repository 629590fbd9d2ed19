import { isIP } from 'node:net';
import { z } from 'zod';
import { flag, pass, type ValidatorDefinition } from './types';

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Reject physically implausible timing.'),
    min_latency_ms: z.number().min(0).max(60_000).default(50).describe('A remote API cannot answer faster than this (network round trip plus generation).'),
    floor_applies_to_local: z.boolean().default(false).describe('Apply the floor to local base URLs too (localhost, private addresses, cluster services).'),
    identical_window: z.number().int().min(0).max(100).default(6).describe('How many latest latencies (this run included) the identical-latency rule looks at; 0 turns it off.'),
    identical_min: z.number().int().min(2).max(100).default(5).describe('How many of them must fall within the tolerance of each other; fewer than all, so one delayed packet does not hide a fixed sleep.'),
    identical_tolerance_ms: z.number().min(0).max(1000).default(3).describe('Latencies at most this far apart count as identical (measurement noise is a few ms).'),
  })
  .strict()
  .refine((config) => config.identical_window === 0 || config.identical_min <= config.identical_window, { message: 'identical_min must not exceed identical_window', path: ['identical_min'] });

/** The most latencies that fit in a band `width` wide (sorted two-pointer sweep). */
export function largestCluster(latencies: readonly number[], width: number): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] as number) - (sorted[start] as number) > width) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** Hosts where a model may sit next to the exporter, so a very fast reply proves nothing. */
export function isLocalBaseUrl(baseUrl: string): boolean {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.svc') || host.includes('.svc.') || !host.includes('.')) return true;
  if (isIP(host) === 6) return host === '::1' || /^f[cd]/.test(host) || host.startsWith('fe80');
  if (isIP(host) !== 4) return false;
  const [a = 0, b = 0] = host.split('.').map(Number);
  return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || (a === 169 && b === 254);
}

/**
 * `timing`: a reply faster than a network round trip plus generation comes from a cache or a stub,
 * and latencies that repeat to the millisecond come from a sleep() in a mock (AMAS's own
 * "identical response time" rule). The window holds this provider's earlier completed calls.
 */
export const timingValidator: ValidatorDefinition<typeof schema> = {
  name: 'timing',
  summary: 'no reply faster than the floor for a remote API, no run of identical latencies',
  schema,
  create: (config) => ({
    check(ctx) {
      const latency = ctx.latencyMs;
      const floorApplies = config.floor_applies_to_local || !isLocalBaseUrl(ctx.provider.baseUrl);
      if (floorApplies && latency < config.min_latency_ms) {
        return flag('timing', `the reply came in ${latency.toFixed(1)} ms, faster than the ${config.min_latency_ms} ms floor for a remote API`);
      }
      const n = config.identical_window;
      if (n >= 2 && ctx.windows.latenciesMs.length >= n - 1) {
        const recent = [...ctx.windows.latenciesMs.slice(-(n - 1)), latency];
        const needed = config.identical_min;
        const cluster = largestCluster(recent, config.identical_tolerance_ms);
        if (cluster >= needed) {
          return flag('timing', `${cluster} of the last ${n} latencies lie within ${config.identical_tolerance_ms} ms of each other (${recent.map((ms) => ms.toFixed(0)).join(', ')} ms): a fixed delay, not a model`);
        }
      }
      return pass(`latency ${latency.toFixed(1)} ms is plausible`);
    },
  }),
};
