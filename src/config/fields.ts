import { z } from 'zod';
import { formatDuration, parseDurationMs } from '../lib/duration';

const DURATION_HINT = 'expected a duration such as "500ms", "15s", "5m" or "1h"';
const DURATION_TEXT = /^\d+(?:\.\d+)?(?:ms|s|m|h|d)$/;

/** The shortest and longest value a duration key accepts, in milliseconds; `0` may mean "off". */
export interface DurationBounds {
  readonly minMs: number;
  readonly maxMs: number;
  /** Whether `0s` is accepted below the floor (for keys where 0 turns a check off). */
  readonly zeroMeansOff?: boolean;
}

/** Bounds from duration texts, e.g. durationBounds('10ms', '1m'). */
export const durationBounds = (min: string, max: string, zeroMeansOff = false): DurationBounds => ({ minMs: parseDurationMs(min) as number, maxMs: parseDurationMs(max) as number, zeroMeansOff });

/**
 * Floors and ceilings per kind of duration. A floor keeps a schedule from becoming a storm (an
 * interval of 0ms or 1ms ran a probe 155 times a second); a ceiling keeps nonsense out (Node fires
 * a timer of 2^31 ms or more after 1 ms; the scheduler chains long waits anyway).
 */
export const DURATION_BOUNDS = {
  /** How often a free check runs: probes, the free AI rungs, the egress canary. */
  interval: durationBounds('100ms', '1d'),
  /** How often a paid call may run (the AI validation rung): never more than once a second. */
  paidInterval: durationBounds('1s', '1d'),
  /** Hard deadline of one run. */
  timeout: durationBounds('100ms', '5m'),
  /** A window counted over or waited for (cool-downs, failure windows). */
  window: durationBounds('1s', '7d'),
  /** Anything else: positive, or 0 to turn it off, at most 100 years. */
  any: durationBounds('1ms', '36500d', true),
} as const;

function withinBounds(ms: number, limits: DurationBounds): boolean {
  return (limits.zeroMeansOff === true && ms === 0) || (ms >= limits.minMs && ms <= limits.maxMs);
}

function boundsHint(limits: DurationBounds): string {
  return `expected a duration from ${formatDuration(limits.minMs)} to ${formatDuration(limits.maxMs)}${limits.zeroMeansOff ? ' (or 0s: off)' : ''}`;
}

/** A duration text within bounds, before its default: for optional keys (overrides) and for `duration`. */
export const durationText = (limits: DurationBounds = DURATION_BOUNDS.any) =>
  z
    .string({ error: DURATION_HINT })
    .regex(DURATION_TEXT, { message: DURATION_HINT })
    // Text that is not a duration is already reported by the regex; one problem per key.
    .refine((text) => {
      const ms = parseDurationMs(text);
      return ms === undefined || withinBounds(ms, limits);
    }, { message: boundsHint(limits) });

/**
 * A duration string ("500ms", "15s", "5m", "1h", "1d") that parses to milliseconds, refused
 * outside `limits` with `expected a duration from <floor> to <ceiling>, found "<text>"`.
 */
export const duration = (defaultValue: string, limits: DurationBounds = DURATION_BOUNDS.any) =>
  durationText(limits)
    .default(defaultValue)
    .transform((text) => parseDurationMs(text) as number);

/** A duration without a default (an override holds only what it sets), in milliseconds. */
export const optionalDuration = (limits: DurationBounds = DURATION_BOUNDS.any) =>
  durationText(limits)
    .transform((text) => parseDurationMs(text) as number)
    .optional();

/** `scheme://user:password@` or `scheme://user@` at the start of a URL. */
const URL_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i;

/**
 * A URL a probe connects to, refused unless it starts with one of `schemes` (`postgres`, `rediss`,
 * ...). With `credentials: 'refuse'` a `user:password@` part is refused too, with `how` saying
 * where credentials go instead (fetch never sends URL credentials, so such a probe could never pass).
 */
export function targetUrl(options: { readonly schemes: readonly string[]; readonly credentials?: 'allow' | 'refuse'; readonly how?: string }) {
  const list = options.schemes.map((scheme) => `${scheme}://`);
  const hint = `expected a URL starting with ${list.slice(0, -1).join(', ')}${list.length > 1 ? ' or ' : ''}${list[list.length - 1]}`;
  const schemePattern = new RegExp(`^(?:${options.schemes.map((scheme) => scheme.replace(/[.+]/g, '\\$&')).join('|')})://`, 'i');
  const text = z.string({ error: hint }).min(1, { message: hint }).regex(schemePattern, { message: hint });
  if (options.credentials !== 'refuse') return text;
  return text.refine((url) => !URL_USERINFO.test(url), {
    message: `a user name or password in the URL is never sent; ${options.how ?? 'send credentials in a header'}`,
  });
}

/** Names that end up as label values: short, printable, no spaces. */
export const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,62}$/, {
    message: 'expected a name of letters, digits, "_", ".", ":" or "-", starting with a letter or "_" (at most 63 characters)',
  });

export interface ProbeDefaults {
  readonly interval: string;
  readonly timeout: string;
  readonly critical?: boolean;
  readonly service?: string;
}

/**
 * The fields every probe has, merged with the type's own fields into one strict object.
 * `interval` and `timeout` come out as milliseconds.
 */
export function probeSchema<T extends string, S extends z.ZodRawShape>(type: T, shape: S, defaults: ProbeDefaults) {
  return z
    .object({
      name: identifier.describe('Unique name; the `probe` label of every series this probe feeds.'),
      type: z.literal(type),
      interval: duration(defaults.interval, DURATION_BOUNDS.interval).describe('How often the probe runs (100ms to 1d).'),
      timeout: duration(defaults.timeout, DURATION_BOUNDS.timeout).describe('Hard deadline for one run, reading the reply included (100ms to 5m).'),
      critical: z
        .boolean()
        .default(defaults.critical ?? false)
        .describe('A failing critical probe makes /health unhealthy and /ready not ready.'),
      service: z
        .string()
        .regex(/^([a-z][a-z0-9_]*)?$/, { message: 'expected a lower-case key such as "database" or "neo4j"' })
        .default(defaults.service ?? '')
        .describe('Key under /health and /ready `services` that this probe reports ("" for none).'),
      ...shape,
    })
    .strict()
    .superRefine((probe, ctx) => {
      const { timeout, interval } = probe as { timeout: number; interval: number };
      if (timeout > interval) {
        ctx.addIssue({
          code: 'custom',
          path: ['timeout'],
          message: `timeout must not be longer than interval (${timeout}ms > ${interval}ms)`,
        });
      }
    });
}
