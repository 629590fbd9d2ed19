import { z } from 'zod';
import { aiConfigSchema } from '../ai/config';
import { clusterConfigSchema } from '../cluster/config';
import { logsConfigSchema } from '../logs/config-schema';
import { probeDefinitions } from '../probes/registry';
import { DURATION_BOUNDS, duration } from '../config/fields';
import { adminConfigSchema } from '../server/admin-config';

/*
 * The root config schema, assembled here in the composition root from each module's own section
 * schema (ai/, logs/, server/, cluster/, probes/), so that config/ knows none of them.
 */
const probeSchemas = Object.values(probeDefinitions).map((definition) => definition.schema);

/** One entry of `probes:`; the union is built from the probe registry, so no list of types lives here. */
export const probeConfigSchema = z.discriminatedUnion('type', probeSchemas as unknown as [(typeof probeSchemas)[number], ...(typeof probeSchemas)[number][]]);

const listenSchema = z
  .object({
    address: z.string().min(1).default('0.0.0.0').describe('Address the HTTP server binds to.'),
    port: z.number().int().min(0).max(65535).default(8001).describe('Port of /metrics, /health and the rest (0 picks a free one).'),
    health_port: z.number().int().min(0).max(65535).nullable().default(null).describe('A second port serving only /livez and /readyz from a thread of its own, so a kubelet probe is answered while the main loop is busy; null: none (0 picks a free one). Read at start.'),
    stalled_after: duration('10s', DURATION_BOUNDS.timeout).describe('The health port answers /livez with 503 "stalled" once the main event loop has not run for this long: a hung exporter is restarted, a busy one is not.'),
  })
  .strict();

const schedulerSchema = z
  .object({
    max_concurrent: z.number().int().min(1).max(256).default(8).describe('Most probe runs under way at once, across all probes.'),
    jitter: z.number().min(0).max(0.5).default(0.1).describe('Each run starts up to this fraction of its interval early or late, so probes do not fire in lockstep.'),
  })
  .strict();

export const configSchema = z
  .object({
    listen: listenSchema.prefault({}),
    log_level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    scheduler: schedulerSchema.prefault({}),
    ai: aiConfigSchema.prefault({}).describe('AI providers: the probe ladder, fake-AI validators, budgets and the circuit breaker (docs/providers.md).'),
    admin: adminConfigSchema.prefault({}).describe('The admin API (POST /admin/refresh-provider-health, GET /debug/probes/<name>); off unless a token is set.'),
    logs: logsConfigSchema.prefault({}).describe('AMAS\'s JSON log files turned into metrics: sources, mappings, label caps (docs/logs.md).'),
    cluster: clusterConfigSchema.optional().describe('Fleet mode: sidecars of one deployment share the paid validation through Redis (docs/cluster.md); absent: every pod validates alone.'),
    probes: z
      .array(probeConfigSchema)
      .default([])
      .superRefine((probes, ctx) => {
        const seen = new Set<string>();
        probes.forEach((probe, index) => {
          if (seen.has(probe.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `probe name "${probe.name}" is used twice` });
          seen.add(probe.name);
        });
      }),
  })
  .strict();

/** The whole config after defaults are applied and durations turned into milliseconds. */
export type ExporterConfig = z.output<typeof configSchema>;
/** The config as written in YAML, before defaults. */
export type ExporterConfigInput = z.input<typeof configSchema>;
