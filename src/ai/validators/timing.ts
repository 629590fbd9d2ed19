import { isIP } from 'node:net';
import { z } from 'zod';
import { largestCluster, median, theilSen, lowerSpread } from '../timing-stats';
import { flag, pass, type ReplySample, type ValidationContext, type ValidatorDefinition } from './types';

export { largestCluster } from '../timing-stats';

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Reject physically implausible timing.'),
    min_latency_ms: z.number().min(0).max(60_000).default(50).describe('A remote API cannot answer faster than this (network round trip plus generation); judged on this run and on the median of the window.'),
    floor_applies_to_local: z.boolean().default(false).describe('Apply the floor to local base URLs too (localhost, private addresses, cluster services).'),
    identical_window: z.number().int().min(0).max(100).default(6).describe('How many latest latencies (this run included) the identical-latency rule looks at; 0 turns it off.'),
    identical_min: z.number().int().min(2).max(100).default(5).describe('How many of them must fall within the tolerance of each other.'),
    identical_tolerance_ms: z.number().min(0).max(1000).default(3).describe('Absolute part of the tolerance (measurement noise is a few ms).'),
    identical_tolerance_ratio: z.number().min(0).max(0.5).default(0.01).describe('Relative part of the tolerance: this share of the window’s median latency, so jitter on a slow fake does not hide it.'),
    window: z.number().int().min(3).max(100).default(16).describe('Latest replies (this one included) behind the flat-latency rule.'),
    min_runs: z.number().int().min(3).max(100).default(12).describe('Replies needed before the flat-latency rule judges; fewer let honest latencies bunch by chance (8 of 12 flagged one honest provider in 200 over 50 runs, 12 of 16 none in 4,000).'),
    flat_dispersion: z.number().min(0).max(2).default(0.1).describe('Latencies whose spread (of the lowest 75 %: a stall or a slow packet only lengthens a latency, so the top quarter does not count) is below this share of their median are "flat"; 0 turns the rule off.'),
    max_loop_lag_ms: z.number().min(1).max(10_000).default(25).describe('A reply during which the exporter’s own exchange worker ran later than this (CPU starvation: a throttled pod, an overloaded node) is left out of the series rules; starvation delivers replies late and in bunches, which looks like a fixed delay.'),
    min_growth_ratio: z.number().min(0).max(2).default(0.1).describe('A live model’s latency grows with its output; growth across the asked-for lengths below this share of the median latency, with flat latencies, is a fixed delay.'),
  })
  .strict()
  .refine((config) => config.identical_window === 0 || config.identical_min <= config.identical_window, { message: 'identical_min must not exceed identical_window', path: ['identical_min'] })
  .refine((config) => config.min_runs <= config.window, { message: 'min_runs must not exceed window', path: ['min_runs'] });

type TimingConfig = z.output<typeof schema>;

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

/** Output tokens of a sample: as reported, else estimated from the text. */
const outputOf = (sample: Pick<ReplySample, 'completionTokens' | 'textChars'>): number => sample.completionTokens ?? Math.ceil(sample.textChars / 4);

/** The samples whose latency the exporter measured while it kept time (not starved of CPU). */
const keptTime = (samples: readonly ReplySample[], config: TimingConfig): ReplySample[] => samples.filter((sample) => (sample.loopLagMs ?? 0) <= config.max_loop_lag_ms);

/**
 * The flat-latency rule: over the window, latency hardly varies around its median AND does not
 * grow with the output asked for (Theil–Sen slope times the output range). Either alone is honest:
 * a fast host shows little growth but jitter; a steady host grows with output.
 */
function flatLatency(ctx: ValidationContext, config: TimingConfig): string | undefined {
  const current = { latencyMs: ctx.latencyMs, completionTokens: ctx.reply.usage?.completionTokens ?? null, textChars: ctx.reply.text.trim().length };
  const series = [...keptTime(ctx.windows.samples, config).slice(-(config.window - 1)), current];
  if (series.length < config.min_runs || config.flat_dispersion === 0) return undefined;
  const points = series.map((sample) => ({ x: outputOf(sample), y: sample.latencyMs }));
  const xs = points.map((point) => point.x);
  const low = Math.min(...xs);
  const high = Math.max(...xs);
  // Without a real spread of output lengths the rule cannot tell a delay from a steady model.
  if (high - low < 8 || high < 2 * Math.max(1, low)) return undefined;
  const latencies = points.map((point) => point.y);
  const mid = median(latencies);
  if (!(mid > 0)) return undefined;
  const dispersion = lowerSpread(latencies) / mid;
  const growth = theilSen(points) * (high - low);
  if (dispersion < config.flat_dispersion && growth < config.min_growth_ratio * mid) {
    return `over the last ${series.length} replies latency stays at ${mid.toFixed(0)} ms (spread ${(dispersion * 100).toFixed(1)} % of the median) while output ranged ${low}..${high} tokens; it grew ${growth.toFixed(0)} ms: a fixed delay, not a model`;
  }
  return undefined;
}

/**
 * `timing`: a reply faster than a network round trip plus generation comes from a cache or a stub;
 * latencies that do not grow with the output asked for and barely vary around their median come
 * from a sleep() in a mock; a run of latencies equal within a small share of their median too.
 * Every rule is relative to the provider's own series, so machine load shifts both sides alike.
 */
export const timingValidator: ValidatorDefinition<typeof schema> = {
  name: 'timing',
  summary: 'no reply faster than the floor for a remote API, no flat latency that ignores the output length, no run of identical latencies',
  schema,
  create: (config) => ({
    check(ctx) {
      const latency = ctx.latencyMs;
      const floorApplies = config.floor_applies_to_local || !isLocalBaseUrl(ctx.provider.baseUrl);
      if (floorApplies && latency < config.min_latency_ms) {
        return flag('timing', `the reply came in ${latency.toFixed(1)} ms, faster than the ${config.min_latency_ms} ms floor for a remote API`);
      }
      const recent = [...ctx.windows.latenciesMs.slice(-(config.window - 1)), latency];
      // A stalled event loop can stretch one instant reply past the floor; the median cannot be.
      if (floorApplies && recent.length >= 3 && median(recent) < config.min_latency_ms) {
        return flag('timing', `the median of the last ${recent.length} latencies is ${median(recent).toFixed(1)} ms, faster than the ${config.min_latency_ms} ms floor for a remote API`);
      }
      // Starvation only lengthens latencies, so the floor above still holds; the series rules below
      // would read bunched, stretched replies as a fixed delay, so a starved run is not judged by them.
      if ((ctx.loopLagMs ?? 0) > config.max_loop_lag_ms) {
        return pass(`latency ${latency.toFixed(1)} ms; series rules not applied: the exporter's own loop ran ${(ctx.loopLagMs ?? 0).toFixed(0)} ms late during the call (CPU starvation)`);
      }
      // latenciesMs is the samples' latencies; a view holding latencies only keeps them all.
      const { samples, latenciesMs } = ctx.windows;
      const kept = samples.length === latenciesMs.length ? latenciesMs.filter((_ms, i) => ((samples[i] as ReplySample).loopLagMs ?? 0) <= config.max_loop_lag_ms) : latenciesMs;
      const n = config.identical_window;
      if (n >= 2 && kept.length >= n - 1) {
        const window = [...kept.slice(-(n - 1)), latency];
        const tolerance = Math.max(config.identical_tolerance_ms, config.identical_tolerance_ratio * median(window));
        const cluster = largestCluster(window, tolerance);
        if (cluster >= config.identical_min) {
          return flag('timing', `${cluster} of the last ${n} latencies lie within ${tolerance.toFixed(0)} ms of each other (${window.map((ms) => ms.toFixed(0)).join(', ')} ms): a fixed delay, not a model`);
        }
      }
      const flat = flatLatency(ctx, config);
      if (flat) return flag('timing', flat);
      return pass(`latency ${latency.toFixed(1)} ms is plausible`);
    },
  }),
};
