import { z } from 'zod';
import { DURATION_BOUNDS, duration, optionalDuration } from '../config/fields';
import { cronProblem } from './slot-schedule';

/** Key namespace of one deployment; several AMAS deployments can share one Redis under different names. */
const clusterName = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, { message: 'expected a cluster name of lower-case letters, digits, "_", "." or "-" (at most 63 characters)' });
/** A pod's name as Kubernetes spells it (DNS label rules, a little looser). */
const podName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/, { message: 'expected a pod name of letters, digits, "_", "." or "-"' });
const cronText = z.string().superRefine((text, ctx) => {
  const problem = cronProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * The optional `cluster:` section: sidecars of one AMAS deployment share the paid validation
 * through Redis (docs/cluster.md). Without the section every pod validates on its own.
 */
export const clusterConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Share the paid rung through Redis; false: every pod runs it alone (a `schedule` still applies).'),
    redis_url: z
      .string()
      .min(1)
      .optional()
      .describe('redis://, rediss://, redis+sentinel://h1:26379,h2:26379/<master>[/db] or redis+cluster://h1:7000,h2:7001; absent: the REDIS_URL environment variable.'),
    name: clusterName.default('amas').describe('Namespaces every key, so several deployments can share one Redis.'),
    pod: podName.optional().describe('This pod’s name in shared results; absent: POD_NAME, else HOSTNAME, else the host name.'),
    schedule: cronText
      .optional()
      .describe('Wall-clock slots of the paid rung as a cron expression (5 fields, or 6 with seconds), e.g. "*/30 * * * *"; absent: slots of ai.rungs.validation.interval, aligned to the epoch.'),
    schedules: z.record(z.string(), cronText).default({}).describe('Per-provider cron schedules by provider id, over `schedule`.'),
    lease: duration('2m', DURATION_BOUNDS.window).describe('How long a claim on a slot lasts; longer than the validation timeout. A claimer that dies loses its claim after this.'),
    max_age: optionalDuration(DURATION_BOUNDS.window).describe('A served result older than this is reported stale, never as fresh; absent: two slots plus one lease.'),
    fallback_every: z.number().int().min(1).max(1000).default(4).describe('While Redis cannot be reached, each pod runs the paid rung alone on one slot in this many (1: every slot).'),
    command_timeout: duration('1s', DURATION_BOUNDS.timeout).describe('A Redis command slower than this counts as Redis being down.'),
    history: z.number().int().min(1).max(1000).default(50).describe('Validation runs kept in the shared history.'),
  })
  .strict();

/** The `cluster:` section after defaults (durations in milliseconds). */
export type ClusterConfig = z.output<typeof clusterConfigSchema>;
