/**
 * A strict reader of the Prometheus text format (0.0.4) and OpenMetrics 1.0, for `test-monitoring`:
 * it returns every sample and every rule the text breaks, so a malformed /metrics is caught from
 * outside the way Prometheus itself would reject it.
 */

import type { LintFamily } from './exposition-lint';

/** One sample line. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ExpositionReport {
  readonly samples: readonly Sample[];
  /** Family name → declared type. */
  readonly types: ReadonlyMap<string, string>;
  /** Broken rules, each with its line number; empty when the text is valid. */
  readonly errors: readonly string[];
  /** Every family with samples: name, type, HELP and label names, for the lint (exposition-lint.ts). */
  readonly families: readonly LintFamily[];
}

export type ExpositionDialect = 'prometheus' | 'openmetrics';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: Record<ExpositionDialect, readonly string[]> = {
  prometheus: ['counter', 'gauge', 'histogram', 'summary', 'untyped'],
  openmetrics: ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'],
};
/** Sample-name suffixes a family of each type may use. */
const SUFFIXES: Record<string, readonly string[]> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
};

export function parseValue(text: string): number | undefined {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Reads `{a="x",b="y"}` starting at `start`; returns the labels and the index after `}`. */
function readLabels(line: string, start: number): { labels: Record<string, string>; end: number } | string {
  const labels: Record<string, string> = {};
  let index = start + 1;
  for (;;) {
    if (line[index] === '}') return { labels, end: index + 1 };
    const eq = line.indexOf('=', index);
    if (eq < 0) return 'label without "="';
    const name = line.slice(index, eq).trim();
    if (!LABEL_NAME.test(name)) return `invalid label name ${JSON.stringify(name)}`;
    if (name in labels) return `label ${name} repeated`;
    if (line[eq + 1] !== '"') return `label ${name} value is not quoted`;
    let value = '';
    let cursor = eq + 2;
    for (; cursor < line.length && line[cursor] !== '"'; cursor += 1) {
      if (line[cursor] !== '\\') {
        value += line[cursor];
        continue;
      }
      const next = line[cursor + 1];
      if (next !== '\\' && next !== '"' && next !== 'n') return `label ${name} has an invalid escape \\${next ?? ''}`;
      value += next === 'n' ? '\n' : next;
      cursor += 1;
    }
    if (cursor >= line.length) return `label ${name} value is not closed`;
    labels[name] = value;
    index = cursor + 1;
    if (line[index] === ',') index += 1;
    else if (line[index] !== '}') return `expected "," or "}" after label ${name}`;
  }
}

interface FamilyState {
  type?: string;
  help: boolean;
  sampled: boolean;
  closed: boolean;
  labelNames: Set<string>;
}

/** Parses exposition text and lists every violated rule. */
export function checkExposition(text: string, dialect: ExpositionDialect): ExpositionReport {
  const errors: string[] = [];
  const samples: Sample[] = [];
  const families = new Map<string, FamilyState>();
  const seriesSeen = new Set<string>();
  const lines = text.split('\n');
  let current: string | undefined;
  let sawEof = false;
  const family = (name: string): FamilyState => {
    let state = families.get(name);
    if (!state) families.set(name, (state = { help: false, sampled: false, closed: false, labelNames: new Set() }));
    return state;
  };
  const enter = (name: string, at: number): void => {
    if (current === name) return;
    if (current) family(current).closed = true;
    if (family(name).closed) errors.push(`line ${at}: lines of family ${name} are not together`);
    current = name;
  };
  // The family a sample belongs to: its own name, or its name without a suffix its family's type allows.
  const familyOf = (name: string): string => {
    for (const [type, suffixes] of Object.entries(SUFFIXES)) {
      for (const suffix of suffixes) {
        const base = name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined;
        if (base && families.get(base)?.type === type) return base;
      }
    }
    return name;
  };

  lines.forEach((raw, index) => {
    const at = index + 1;
    const line = raw.replace(/\r$/, '');
    if (sawEof && !(index === lines.length - 1 && line === '')) errors.push(`line ${at}: text after "# EOF"`);
    if (line === '') {
      if (dialect === 'openmetrics' && index !== lines.length - 1) errors.push(`line ${at}: empty line (not allowed in OpenMetrics)`);
      return;
    }
    if (line.startsWith('#')) {
      if (line === '# EOF') {
        sawEof = true;
        return;
      }
      const match = /^# (HELP|TYPE|UNIT) (\S+)(?: (.*))?$/.exec(line);
      if (!match) {
        if (dialect === 'openmetrics') errors.push(`line ${at}: unknown comment`);
        return;
      }
      const [, keyword, name, rest = ''] = match as unknown as [string, string, string, string | undefined];
      if (!METRIC_NAME.test(name)) errors.push(`line ${at}: invalid metric name ${JSON.stringify(name)}`);
      enter(name, at);
      const state = family(name);
      if (keyword === 'HELP') {
        if (state.help) errors.push(`line ${at}: second HELP for ${name}`);
        state.help = true;
      } else if (keyword === 'TYPE') {
        if (state.type) errors.push(`line ${at}: second TYPE for ${name}`);
        if (state.sampled) errors.push(`line ${at}: TYPE for ${name} after its samples`);
        if (!TYPES[dialect].includes(rest)) errors.push(`line ${at}: unknown type ${JSON.stringify(rest)} for ${name}`);
        state.type = rest;
      }
      return;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!nameMatch) {
      errors.push(`line ${at}: not a sample, comment or blank line`);
      return;
    }
    const name = nameMatch[0];
    let labels: Record<string, string> = {};
    let restStart = name.length;
    if (line[restStart] === '{') {
      const read = readLabels(line, restStart);
      if (typeof read === 'string') {
        errors.push(`line ${at}: ${name}: ${read}`);
        return;
      }
      labels = read.labels;
      restStart = read.end;
    }
    const fields = line.slice(restStart).trim().split(/\s+/);
    const value = parseValue(fields[0] ?? '');
    if (fields.length > 3 || fields.length === 0 || value === undefined || (fields[1] !== undefined && !/^-?\d+(\.\d+)?$/.test(fields[1]))) {
      errors.push(`line ${at}: ${name}: invalid value or timestamp ${JSON.stringify(line.slice(restStart).trim())}`);
      return;
    }
    const owner = familyOf(name);
    enter(owner, at);
    family(owner).sampled = true;
    for (const label of Object.keys(labels)) family(owner).labelNames.add(label);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;
    if (seriesSeen.has(key)) errors.push(`line ${at}: duplicate series ${name}${JSON.stringify(labels)}`);
    seriesSeen.add(key);
    samples.push({ name, labels, value });
  });

  if (dialect === 'openmetrics' && !sawEof) errors.push('the text does not end with "# EOF"');
  if (dialect === 'prometheus' && sawEof) errors.push('"# EOF" in the Prometheus text format');
  errors.push(...checkHistograms(samples, families));
  const types = new Map([...families].filter(([, state]) => state.type).map(([name, state]) => [name, state.type as string]));
  const lintable = [...families].filter(([, state]) => state.sampled).map(([name, state]) => ({ name, type: state.type ?? 'untyped', help: state.help, labelNames: state.labelNames }));
  return { samples, types, errors, families: lintable };
}

/** Each histogram series has a +Inf bucket equal to its _count, and its buckets never decrease. */
function checkHistograms(samples: readonly Sample[], families: ReadonlyMap<string, FamilyState>): string[] {
  const errors: string[] = [];
  for (const [name, state] of families) {
    if (state.type !== 'histogram') continue;
    const groups = new Map<string, { buckets: [number, number][]; count?: number }>();
    const keyOf = (labels: Readonly<Record<string, string>>): string =>
      `{${Object.entries(labels)
        .filter(([label]) => label !== 'le')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([label, value]) => `${label}=${JSON.stringify(value)}`)
        .join(',')}}`;
    for (const sample of samples) {
      const group = (key: string) => groups.get(key) ?? groups.set(key, { buckets: [] }).get(key)!;
      if (sample.name === `${name}_bucket`) {
        const le = parseValue(sample.labels.le ?? '');
        if (le === undefined) errors.push(`${name}_bucket without a valid le label`);
        else group(keyOf(sample.labels)).buckets.push([le, sample.value]);
      } else if (sample.name === `${name}_count`) group(keyOf(sample.labels)).count = sample.value;
    }
    for (const [key, group] of groups) {
      const sorted = [...group.buckets].sort(([a], [b]) => a - b);
      const inf = sorted.find(([le]) => le === Infinity);
      if (!inf) errors.push(`${name}${key}: no le="+Inf" bucket`);
      else if (group.count !== undefined && inf[1] !== group.count) errors.push(`${name}${key}: +Inf bucket ${inf[1]} differs from _count ${group.count}`);
      if (sorted.some(([, value], index) => index > 0 && value < (sorted[index - 1] as [number, number])[1])) errors.push(`${name}${key}: bucket counts decrease`);
    }
  }
  return errors;
}
