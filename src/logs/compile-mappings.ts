import { compileConditions, type Predicate } from './conditions';
import type { LabelSpec, MappingConfig } from './config-schema';
import { LOG_FAMILIES, type FamilyKind, type HealthSignal, type LogFamilyName } from './families';
import { FieldTable, type FieldPlan } from './field-plan';
import type { LabelLimiter } from './label-limiter';
import type { Transform, TransformName } from './transforms';

/** Computes one label value from a line's fields. */
type LabelFn = (values: readonly unknown[]) => string;

/** A mapping ready to run: a predicate, label functions and a value reader. */
export interface CompiledMapping {
  readonly name: string;
  readonly family: LogFamilyName;
  readonly kind: FamilyKind;
  readonly signal: HealthSignal | undefined;
  readonly op: 'set' | 'inc' | 'dec';
  readonly test: Predicate;
  readonly labelNames: readonly string[];
  readonly labels: readonly LabelFn[];
  /** Index of the `result` label, whose value "error" marks a failing service (authentication). */
  readonly resultLabel: number;
  /** Slots of the value fields, first present wins; empty when the mapping has no value. */
  readonly valueSlots: readonly number[];
  readonly scale: number;
  readonly timeSlot: number;
  /** Reused per line to hold label values. */
  readonly scratch: string[];
}

/** The mappings of one source, with the fields they read. */
export interface CompiledMappingSet {
  readonly mappings: readonly CompiledMapping[];
  readonly plan: FieldPlan;
}

export interface CompileContext {
  readonly limiter: LabelLimiter;
  readonly transforms: Readonly<Record<TransformName, Transform>>;
}

const DEFAULT_LABEL = 'unknown';

/** A field value as label text: strings as they are, numbers and booleans spelled out. */
function labelText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function firstPresent(values: readonly unknown[], slots: readonly number[]): unknown {
  for (const slot of slots) {
    const value = values[slot];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function compileLabel(family: string, name: string, spec: LabelSpec, fields: FieldTable, context: CompileContext): LabelFn {
  if (spec.value !== undefined) {
    const fixed = spec.value;
    return () => fixed;
  }
  const slots = spec.fields.map((field) => fields.slot(field));
  const transforms = spec.transform.map((transform) => context.transforms[transform]);
  const map = spec.map === undefined ? undefined : new Map(Object.entries(spec.map));
  const fallback = spec.default ?? DEFAULT_LABEL;
  const admitted = context.limiter.setFor(family, name);
  const limiter = context.limiter;
  return (values) => {
    let text = labelText(firstPresent(values, slots));
    if (text === undefined) return fallback;
    for (const transform of transforms) text = transform(text);
    // Mapped values and the default come from the config, so they need no cap.
    if (map !== undefined) return map.get(text) ?? fallback;
    return limiter.admit(admitted, name, text);
  };
}

/** Reads a numeric value: a JSON number, or a string holding one. */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }
  return undefined;
}

export { firstPresent, labelText };

/** Compiles mappings (built-in set first, then extras) for one source. */
export function compileMappings(configs: readonly MappingConfig[], context: CompileContext): CompiledMappingSet {
  const fields = new FieldTable();
  const mappings = configs.map((config): CompiledMapping => {
    const family = LOG_FAMILIES[config.metric];
    const labelNames: readonly string[] = family.labels;
    return {
      name: config.name,
      family: config.metric,
      kind: family.kind,
      signal: 'signal' in family ? family.signal : undefined,
      op: config.op,
      test: compileConditions(config.when, fields),
      labelNames,
      labels: labelNames.map((name) => compileLabel(config.metric, name, config.labels[name] as LabelSpec, fields, context)),
      resultLabel: labelNames.indexOf('result'),
      valueSlots: config.value?.fields.map((field) => fields.slot(field)) ?? [],
      scale: config.value?.scale ?? 1,
      timeSlot: config.value?.time_field === undefined ? -1 : fields.slot(config.value.time_field),
      scratch: new Array<string>(labelNames.length).fill(''),
    };
  });
  return { mappings, plan: fields.plan() };
}
