import { z } from 'zod';
import { duration, identifier } from '../config/fields';
import { LOG_FAMILIES, LOG_FAMILY_NAMES, SEED_FAMILY_ALIASES, type LogFamilyName } from './families';
import { TRANSFORM_NAMES } from './transforms';

/** A dot path into a JSON line ("details.status_code"); keys may not contain dots. */
const fieldPath = z
  .string()
  .regex(/^[^.\s\uFFFD]+(?:\.[^.\s\uFFFD]+)*$/, { message: 'expected a dot path such as "details.status_code"' })
  .describe('Dot path of a field in the JSON line, e.g. "details.status_code".');

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A test on one field; every operator given must hold. `any` holds when one of its conditions does. */
export interface ConditionInput {
  field?: string | undefined;
  equals?: string | number | boolean | null | undefined;
  not_equals?: string | number | boolean | null | undefined;
  one_of?: (string | number | boolean | null)[] | undefined;
  regex?: string | undefined;
  exists?: boolean | undefined;
  contains?: string | number | boolean | null | undefined;
  gt?: number | undefined;
  gte?: number | undefined;
  lt?: number | undefined;
  lte?: number | undefined;
  any?: ConditionInput[] | undefined;
}

const OPERATORS = ['equals', 'not_equals', 'one_of', 'regex', 'exists', 'contains', 'gt', 'gte', 'lt', 'lte'] as const;

export const conditionSchema: z.ZodType<ConditionInput> = z
  .object({
    field: fieldPath.optional(),
    equals: scalar.optional().describe('The field equals this value (numbers and strings are not converted).'),
    not_equals: scalar.optional().describe('The field is present and differs from this value.'),
    one_of: z.array(scalar).min(1).optional().describe('The field equals one of these values.'),
    regex: z.string().optional().describe('The field, a string, matches this regular expression.'),
    exists: z.boolean().optional().describe('true: the field is present and not null; false: it is absent or null.'),
    contains: scalar.optional().describe('The field, a list, holds this value (e.g. a tag).'),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional().describe('Numeric comparisons; the field must be a number.'),
    get any() {
      return z.array(conditionSchema).min(1).optional().describe('Holds when at least one of these conditions holds.');
    },
  })
  .strict()
  .superRefine((condition, ctx) => {
    const operators = OPERATORS.filter((key) => condition[key] !== undefined);
    if (condition.any !== undefined) {
      if (condition.field !== undefined || operators.length > 0) ctx.addIssue({ code: 'custom', message: '"any" stands alone: put field tests inside it' });
      return;
    }
    if (condition.field === undefined) ctx.addIssue({ code: 'custom', path: ['field'], message: 'missing key "field" (or use "any")' });
    if (operators.length === 0) ctx.addIssue({ code: 'custom', message: `expected one of ${OPERATORS.join(', ')}` });
    if (condition.regex !== undefined) {
      try {
        new RegExp(condition.regex);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['regex'], message: `invalid regular expression: ${(error as Error).message}` });
      }
    }
  }) as unknown as z.ZodType<ConditionInput>;

const transformName = z.enum(TRANSFORM_NAMES);

/** A bare string stands for `{ field: <string> }`. */
const fieldShorthand = (input: unknown): unknown => (typeof input === 'string' ? { field: input } : input);

/** Where a label value comes from: a field (or the first present of several), or a fixed value. */
export const labelSchema = z.preprocess(
  fieldShorthand,
  z
    .object({
      field: fieldPath.optional(),
      fields: z.array(fieldPath).min(1).optional().describe('The first of these fields that is present and not null.'),
      value: z.string().optional().describe('A fixed label value.'),
      transform: z.union([transformName, z.array(transformName)]).optional().describe('Applied in order: ip_hash, hash, path_normalise, status_class, lower, upper.'),
      map: z.record(z.string(), z.string()).optional().describe('Replaces the (transformed) value; values not listed become `default`.'),
      default: z.string().optional().describe('Used when the field is absent or null, or not listed in `map` (default "unknown").'),
    })
    .strict()
    .superRefine((label, ctx) => {
      const sources = [label.field, label.fields, label.value].filter((item) => item !== undefined).length;
      if (sources !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of "field", "fields" or "value"' });
    })
    .transform((label) => ({
      fields: label.fields ?? (label.field === undefined ? [] : [label.field]),
      transform: label.transform === undefined ? [] : Array.isArray(label.transform) ? label.transform : [label.transform],
      map: label.map,
      default: label.default,
      value: label.value,
    })),
);
export type LabelSpec = z.output<typeof labelSchema>;

const valueSchema = z.preprocess(
  fieldShorthand,
  z
    .object({
      field: fieldPath.optional(),
      fields: z.array(fieldPath).min(1).optional(),
      scale: z.number().default(1).describe('Multiplies numeric values, e.g. 0.001 turns duration_ms into seconds.'),
      time_field: fieldPath.optional().describe("For amas_active_sessions: the line's ISO 8601 time, so an old backlog does not count as active."),
    })
    .strict()
    .superRefine((value, ctx) => {
      if ((value.field === undefined) === (value.fields === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of "field" or "fields"' });
    })
    .transform((value) => ({ fields: value.fields ?? [value.field as string], scale: value.scale, time_field: value.time_field })),
);

/** One mapping: which lines feed which family, with which labels and value. */
export const mappingSchema = z
  .object({
    name: identifier.describe('Names the mapping in error messages and docs.'),
    when: z.array(conditionSchema).default([]).describe('Conditions that must all hold; none means every JSON line.'),
    metric: z
      .enum([...LOG_FAMILY_NAMES, ...Object.keys(SEED_FAMILY_ALIASES)] as [string, ...string[]])
      .transform((name): LogFamilyName => SEED_FAMILY_ALIASES[name] ?? (name as LogFamilyName))
      .describe('The family fed, by its name (the seed\'s amas_active_sessions_total and amas_concurrent_analyses_total are accepted for the two gauges).'),
    labels: z.record(z.string(), labelSchema).default({}),
    value: valueSchema.optional().describe('Counter increment, histogram observation, gauge value or (active sessions) the session key.'),
    op: z.enum(['set', 'inc', 'dec']).default('set').describe('For amas_concurrent_analyses: set the gauge to the value, or add/subtract it (1 without a value).'),
    sources: z.array(identifier).optional().describe('Only for lines of these sources (extra mappings only; default every source).'),
  })
  .strict()
  .superRefine((mapping, ctx) => {
    const family = LOG_FAMILIES[mapping.metric];
    const expected = new Set<string>(family.labels);
    for (const name of Object.keys(mapping.labels)) {
      if (!expected.has(name)) ctx.addIssue({ code: 'custom', path: ['labels', name], message: `${mapping.metric} has no label "${name}"; its labels are ${family.labels.join(', ') || '(none)'}` });
    }
    for (const name of family.labels) {
      if (!(name in mapping.labels)) ctx.addIssue({ code: 'custom', path: ['labels'], message: `missing label "${name}" of ${mapping.metric}` });
    }
    if ((family.kind === 'histogram' || family.kind === 'distinct') && mapping.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${mapping.metric} needs a "value"` });
    }
    if (family.kind === 'gauge' && mapping.op === 'set' && mapping.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'op "set" needs a "value"' });
    if (family.kind !== 'gauge' && mapping.op !== 'set') ctx.addIssue({ code: 'custom', path: ['op'], message: `"op" applies to amas_concurrent_analyses only` });
  });
export type MappingConfig = z.output<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;

/** A file of mappings (config/log-mappings/*.yaml). */
export const mappingSetSchema = z.object({ description: z.string().optional(), mappings: z.array(mappingSchema).min(1) }).strict();

export const MAPPING_SETS = ['audit', 'nested', 'none'] as const;

const sourceSchema = z
  .object({
    name: identifier.describe('The `source` label of amas_exporter_log_* series.'),
    path: z.string().min(1).describe('A file, or a glob with * and ? in its last part (e.g. /app/logs/*.log). Missing files are waited for.'),
    format: z.enum(MAPPING_SETS).default('audit').describe('Built-in mappings: audit (/app/logs/audit.log), nested (the guide\'s format) or none.'),
    start_at: z.enum(['end', 'beginning']).default('end').describe('Where to start in files already there on the very first start (no saved position).'),
    follow: z.enum(['family', 'file']).default('family').describe('family: the path and its rotated siblings (name.1, name.2, name-YYYYMMDD; compressed ones are never read); file: only what the path names.'),
  })
  .strict();

/** The `logs:` section: which files to follow and how their lines become metrics. */
export const logsConfigSchema = z
  .object({
    sources: z.array(sourceSchema).default([]).superRefine((sources, ctx) => {
      const seen = new Set<string>();
      sources.forEach((source, index) => {
        if (seen.has(source.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `source name "${source.name}" is used twice` });
        seen.add(source.name);
      });
    }),
    positions_path: z.string().min(1).default('/app/logs/.amas-exporter-positions.json').describe('Where read positions are kept (written atomically); the only file the sidecar writes.'),
    poll_interval: duration('250ms').describe('How often files are checked for new lines (fs.watch events also wake the reader).'),
    max_line_bytes: z.number().int().min(256).max(16 * 1024 * 1024).default(65536).describe('Longer lines are skipped in bounded memory and counted as too_long.'),
    label_limit: z.number().int().min(1).max(100000).default(100).describe('Distinct values a label of a log-fed family may take; later ones become "other".'),
    label_limits: z.record(z.string(), z.number().int().min(1).max(100000)).default({}).describe('Per label name overrides of label_limit, e.g. {ip_hash: 50}.'),
    hash_key: z.string().optional().describe('Secret key of the HMAC behind ip_hash (use hash_key_file or ${ENV}); random per process when unset.'),
    session_window: duration('15m').describe('A session counts as active while a line named it within this window.'),
    stale_after: duration('5m').describe('No line for this long makes audit_logging "stale" in /health.'),
    signal_window: duration('1h').describe('JWT and rate-limit lines seen within this window make /health say "observed".'),
    rotated_grace: duration('60s').describe('A file read to its end is closed after this long without growth (it is reopened if it grows); a deleted one is then given up.'),
    max_open_files: z.number().int().min(2).max(4096).default(32).describe('Files held open per source; past it, the member idle longest is closed (and reopened when it grows).'),
    max_series_per_family: z.number().int().min(1).max(1000000).default(2000).describe('Series a log-fed family may have; later label sets are added to one series whose labels are all "other".'),
    mappings: z.array(mappingSchema).default([]).describe('Extra mappings, applied after each source\'s built-in ones.'),
  })
  .strict();

export type LogsConfig = z.output<typeof logsConfigSchema>;
export type LogSourceConfig = LogsConfig['sources'][number];
