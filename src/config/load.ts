import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml';
import type { z } from 'zod';
import { SecretStore } from '../logging/redact';
import { ConfigError, type ConfigProblem } from './errors';
import { interpolate } from './interpolate';
import { configSchema, type ExporterConfig } from './schema';

export interface LoadedConfig {
  readonly config: ExporterConfig;
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

function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return `${typeof value} ${String(value)}`;
}

function boundText(issue: { origin?: string }, bound: unknown, word: 'least' | 'most'): string {
  if (issue.origin === 'string') return `expected at ${word} ${String(bound)} character${bound === 1 ? '' : 's'}`;
  if (issue.origin === 'array') return `expected at ${word} ${String(bound)} item${bound === 1 ? '' : 's'}`;
  return `expected a number at ${word} ${String(bound)}`;
}

/** zod's own wording starts like this; a schema's custom message does not. */
const GENERIC_MESSAGE = /^(Invalid input|Invalid option|Invalid string|Too (small|big))/;

function messageFor(issue: z.core.$ZodIssue & { input?: unknown }): string {
  const found = describeFound(issue.input);
  const custom = !GENERIC_MESSAGE.test(issue.message);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `missing required key (expected ${issue.expected})`;
      return custom ? `${issue.message}, found ${found}` : `expected ${issue.expected}, found ${found}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, found ${found}`;
    case 'invalid_union':
      if ((issue as { note?: string }).note === 'No matching discriminator') {
        const options = (issue as unknown as { options: unknown[] }).options.map(String).join(', ');
        const value = (issue.input as Record<string, unknown> | undefined)?.type;
        return value === undefined ? `missing key "type" (expected one of ${options})` : `unknown type ${describeFound(value)}; expected one of ${options}`;
      }
      return `${issue.message}, found ${found}`;
    case 'invalid_format':
      if (issue.format === 'url') return `expected an http:// or https:// URL, found ${found}`;
      if (!custom && issue.format === 'regex') return `expected text matching ${(issue as { pattern?: string }).pattern ?? 'the pattern'}, found ${found}`;
      return `${issue.message}, found ${found}`;
    case 'too_small':
      return `${boundText(issue, issue.minimum, 'least')}, found ${found}`;
    case 'too_big':
      return `${boundText(issue, issue.maximum, 'most')}, found ${found}`;
    default:
      return issue.input === undefined ? issue.message : `${issue.message}, found ${found}`;
  }
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

/** Parses, interpolates and validates config text; throws ConfigError listing every problem. */
export function parseConfig(text: string, file: string, options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locator = new Locator(doc, lines, file);
  const problems: ConfigProblem[] = doc.errors.map((error) => {
    const position = lines.linePos(error.pos[0]);
    return { file, line: position.line, column: position.col, path: '', message: `YAML syntax error: ${error.message.split('\n')[0]}` };
  });
  if (problems.length > 0) throw new ConfigError('invalid', problems);

  const secrets: string[] = [];
  const unresolvedPaths = new Set<string>();
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
      node.value = result.value;
    },
  });

  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError('invalid', [{ file, line: 1, column: 1, path: '', message: `expected a mapping at the top level, found ${describeFound(data)}` }]);
  }
  const resolved = resolveFileFields(data, [], { dir: path.dirname(path.resolve(file)), secrets, problems, locator });
  const parsed = configSchema.safeParse(resolved, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // The missing variable is already reported; the empty value it left is not a second problem.
      if (unresolvedPaths.has(formatPath(issue.path as Path))) continue;
      const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      problems.push(locator.problem(issue.path as Path, messageFor(issue), key));
    }
  }
  if (problems.length > 0 || !parsed.success) {
    const redactor = new SecretStore();
    redactor.replaceAll(secrets);
    throw new ConfigError('invalid', problems.map((problem) => ({ ...problem, message: redactor.redact(problem.message) })));
  }
  return { config: parsed.data, file, secrets };
}

/** Reads and parses a config file. A file that cannot be read is a ConfigError of kind `unreadable`. */
export function loadConfigFile(file: string, options: LoadOptions = {}): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError('unreadable', [{ file, path: '', message: `cannot read the config file (${code})` }]);
  }
  return parseConfig(text, file, options);
}
