import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml';
import { SecretStore } from '../logging/redact';
import { ConfigError, type ConfigProblem } from './errors';
import { interpolate } from './interpolate';
import { describeFound, messageFor, type Redact } from './messages';

/**
 * The loader knows YAML, locations, interpolation, secret files and redaction, not the shape of a
 * config: the composition root passes the schema it assembled from each module's own (src/modules/config.ts).
 */
export interface LoadedConfig<T> {
  readonly config: T;
  readonly file: string;
  /** Values from ${ENV} references with secret-looking names and from *_file fields. */
  readonly secrets: readonly string[];
}

export interface LoadOptions {
  readonly env?: NodeJS.ProcessEnv;
}

type Path = readonly (string | number)[];

function formatPath(keys: Path): string {
  return keys.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');
}

class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  problem(keys: Path, message: string, key?: string): ConfigProblem {
    const node = this.nodeAt(keys, key);
    const offset = node?.range?.[0];
    const position = offset === undefined ? undefined : this.lines.linePos(offset);
    return { file: this.file, line: position?.line, column: position?.col, path: formatPath(key ? [...keys, key] : keys), message };
  }

  private nodeAt(keys: Path, key?: string): Node | undefined {
    for (let depth = keys.length; depth >= 0; depth -= 1) {
      const prefix = keys.slice(0, depth);
      const node = (prefix.length === 0 ? this.doc.contents : this.doc.getIn(prefix, true)) as Node | undefined;
      if (!node) {
        // A field filled from `<field>_file` is located at that key.
        const last = prefix[prefix.length - 1];
        const alternative = typeof last === 'string' ? (this.doc.getIn([...prefix.slice(0, -1), `${last}_file`], true) as Node | undefined) : undefined;
        if (alternative) return alternative;
        continue;
      }
      if (depth === keys.length && key && isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
        if (pair && isScalar(pair.key)) return pair.key;
      }
      return node;
    }
    return undefined;
  }
}

/** What an unquoted scalar holding `text` would be: a number or boolean when it spells one. */
function plainScalarValue(text: string): number | boolean | undefined {
  if (/^[-+]?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return undefined;
}

/**
 * Validates; where the schema wants a number or boolean at an unquoted scalar filled from ${VAR}
 * and the value spells one, reads it so (`port: ${PORT}`) and validates again. Only there: a
 * numeric password stays a string, and an interpolated value never becomes YAML structure.
 */
function parseReadingNumbers<T>(schema: z.ZodType<T>, data: unknown, plainInterpolated: ReadonlySet<string>): ReturnType<z.ZodType<T>['safeParse']> {
  const first = schema.safeParse(data, { reportInput: true });
  if (first.success || plainInterpolated.size === 0) return first;
  let changed = false;
  for (const issue of first.error.issues) {
    if (issue.code !== 'invalid_type' || (issue.expected !== 'number' && issue.expected !== 'boolean')) continue;
    const keys = issue.path as Path;
    if (keys.length === 0 || !plainInterpolated.has(formatPath(keys))) continue;
    const parent = keys.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], data) as Record<string | number, unknown> | undefined;
    const last = keys[keys.length - 1] as string | number;
    const value = parent?.[last];
    const read = typeof value === 'string' ? plainScalarValue(value) : undefined;
    if (read === undefined || typeof read !== issue.expected) continue;
    parent![last] = read;
    changed = true;
  }
  return changed ? schema.safeParse(data, { reportInput: true }) : first;
}

/** The key path of a node from the visitor's ancestry: pair keys and sequence indexes. */
function pathOf(ancestry: readonly unknown[], node: unknown): (string | number)[] {
  const keys: (string | number)[] = [];
  ancestry.forEach((ancestor, index) => {
    if (isPair(ancestor)) keys.push(isScalar(ancestor.key) ? String(ancestor.key.value) : '?');
    else if (isSeq(ancestor)) keys.push(ancestor.items.indexOf((ancestry[index + 1] ?? node) as never));
  });
  return keys;
}

/** Replaces every `<field>_file: path` with `<field>: <file contents, trimmed>`, recording problems. */
function resolveFileFields(value: unknown, keys: Path, ctx: { dir: string; secrets: string[]; problems: ConfigProblem[]; locator: Locator }): unknown {
  if (Array.isArray(value)) return value.map((item, index) => resolveFileFields(item, [...keys, index], ctx));
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!key.endsWith('_file') || key.length === 5) {
      result[key] = resolveFileFields(item, [...keys, key], ctx);
      continue;
    }
    const field = key.slice(0, -5);
    if (typeof item !== 'string') {
      ctx.problems.push(ctx.locator.problem([...keys, key], `expected a file path, found ${describeFound(item)}`));
      continue;
    }
    if (field in (value as Record<string, unknown>)) {
      ctx.problems.push(ctx.locator.problem([...keys, key], `"${field}" and "${key}" are both set; use one`));
      continue;
    }
    try {
      const content = readFileSync(path.resolve(ctx.dir, item), 'utf8').trim();
      ctx.secrets.push(content);
      result[field] = content;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      ctx.problems.push(ctx.locator.problem([...keys, key], `cannot read secret file ${JSON.stringify(item)} (${code})`));
    }
  }
  return result;
}

/** A larger config file is refused before it is parsed: a 60 MB file took memory to 460 MB on reload. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Aliases a config may expand; more is refused as an alias bomb (billion laughs), located at the first alias. */
const MAX_ALIAS_COUNT = 100;

/** The first alias (`*name`) in the document, for locating an alias-bomb refusal. */
function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** Parses, interpolates and validates config text; throws ConfigError listing every problem. */
export function parseConfigWith<T>(schema: z.ZodType<T>, text: string, file: string, options: LoadOptions = {}): LoadedConfig<T> {
  const env = options.env ?? process.env;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locator = new Locator(doc, lines, file);
  // YAML's messages quote no values, but URL passwords and credentials are scrubbed all the same.
  const patterns = new SecretStore();
  const problems: ConfigProblem[] = doc.errors.map((error) => {
    const position = lines.linePos(error.pos[0]);
    return { file, line: position.line, column: position.col, path: '', message: patterns.redact(`YAML syntax error: ${error.message.split('\n')[0]}`) };
  });
  if (problems.length > 0) throw new ConfigError('invalid', problems);
  // An empty file (or one holding only comments) is refused rather than read as "every default":
  // a truncated or half-written file must not start an exporter that probes nothing.
  if (doc.contents === null) {
    throw new ConfigError('invalid', [{ file, line: 1, column: 1, path: '', message: 'the config file is empty; write at least one key (e.g. "probes: []" for every default)' }]);
  }

  const secrets: string[] = [];
  const unresolvedPaths = new Set<string>();
  /** Unquoted scalars that held a ${VAR} reference: where `port: ${PORT}` may mean a number. */
  const plainInterpolated = new Set<string>();
  visit(doc, {
    Scalar(_key, node, ancestry) {
      if (typeof node.value !== 'string' || !node.value.includes('$')) return;
      const result = interpolate(node.value, env);
      secrets.push(...result.secrets);
      for (const name of result.missing) {
        const position = node.range ? lines.linePos(node.range[0]) : undefined;
        const keys = pathOf(ancestry, node);
        unresolvedPaths.add(formatPath(keys));
        problems.push({ file, line: position?.line, column: position?.col, path: formatPath(keys), message: `environment variable ${name} is not set and has no default (write \${${name}:-default})` });
      }
      if (node.type === 'PLAIN') plainInterpolated.add(formatPath(pathOf(ancestry, node)));
      node.value = result.value;
    },
  });

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const alias = firstAlias(doc);
    const position = alias?.range ? lines.linePos(alias.range[0]) : { line: 1, col: 1 };
    throw new ConfigError('invalid', [{ file, line: position.line, column: position.col, path: '', message: `YAML aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT} alias uses); write the values out instead` }]);
  }
  // Redaction comes before any cut of a shown value (src/config/messages.ts).
  const redactor = new SecretStore();
  redactor.replaceAll(secrets);
  const redact: Redact = (value) => redactor.redact(value);
  if (typeof data !== 'object' || Array.isArray(data) || data === null) {
    throw new ConfigError('invalid', [{ file, line: 1, column: 1, path: '', message: `expected a mapping at the top level, found ${describeFound(data, redact)}` }]);
  }
  const resolved = resolveFileFields(data, [], { dir: path.dirname(path.resolve(file)), secrets, problems, locator });
  redactor.replaceAll(secrets);
  const parsed = parseReadingNumbers(schema, resolved, plainInterpolated);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // The missing variable is already reported; the empty value it left is not a second problem.
      if (unresolvedPaths.has(formatPath(issue.path as Path))) continue;
      const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      problems.push(locator.problem(issue.path as Path, messageFor(issue, redact), key));
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError('invalid', problems.map((problem) => ({ ...problem, message: redactor.redact(problem.message) })));
  }
  return { config: parsed.data, file, secrets };
}

/** Reads at most MAX_CONFIG_BYTES + 1 bytes, so a huge file is refused without being held in memory. */
function readBounded(file: string): { text: string; size: number } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_CONFIG_BYTES) return { text: '', size };
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read) read = readSync(fd, buffer, length, buffer.length - length, null);
    return { text: buffer.subarray(0, length).toString('utf8'), size: length };
  } finally {
    closeSync(fd);
  }
}

/** Reads and parses a config file. A file that cannot be read is a ConfigError of kind `unreadable`. */
export function loadConfigFileWith<T>(schema: z.ZodType<T>, file: string, options: LoadOptions = {}): LoadedConfig<T> {
  let read: { text: string; size: number };
  try {
    read = readBounded(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError('unreadable', [{ file, path: '', message: `cannot read the config file (${code})` }]);
  }
  if (read.size > MAX_CONFIG_BYTES) {
    throw new ConfigError('invalid', [{ file, line: 1, column: 1, path: '', message: `the config file is ${read.size} bytes, more than the ${MAX_CONFIG_BYTES} allowed` }]);
  }
  return parseConfigWith(schema, read.text, file, options);
}
