import { z } from 'zod';
import { parseDurationMs } from '../lib/duration';

const DURATION_HINT = 'expected a duration such as "500ms", "15s", "5m" or "1h"';
const DURATION_TEXT = /^\d+(?:\.\d+)?(?:ms|s|m|h|d)$/;

/** A duration string ("500ms", "15s", "5m", "1h", "1d") that parses to milliseconds. */
export const duration = (defaultValue: string) =>
  z
    .string({ error: DURATION_HINT })
    .regex(DURATION_TEXT, { message: DURATION_HINT })
    .default(defaultValue)
    .transform((text) => parseDurationMs(text) as number);

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
      interval: duration(defaults.interval).describe('How often the probe runs.'),
      timeout: duration(defaults.timeout).describe('Hard deadline for one run, reading the reply included.'),
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
