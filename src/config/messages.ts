import type { z } from 'zod';

/** Scrubs secrets from a text; the identity when nothing is known to be secret. */
export type Redact = (text: string) => string;

/** Longest `found …` value shown; longer ones are cut, after redaction so no cut can expose a secret. */
const MAX_SHOWN = 60;

/**
 * How a found value is shown in a problem. Strings are redacted first and cut second: cutting
 * first could leave a URL's password in the text while cutting off the `@` that marks it as one.
 */
export function describeFound(value: unknown, redact: Redact = (text) => text): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = redact(value);
    return JSON.stringify(shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN - 3)}...` : shown);
  }
  return `${typeof value} ${String(value)}`;
}

function boundText(issue: { origin?: string }, bound: unknown, word: 'least' | 'most'): string {
  if (issue.origin === 'string') return `expected at ${word} ${String(bound)} character${bound === 1 ? '' : 's'}`;
  if (issue.origin === 'array') return `expected at ${word} ${String(bound)} item${bound === 1 ? '' : 's'}`;
  return `expected a number at ${word} ${String(bound)}`;
}

/** zod's own wording starts like this; a schema's custom message does not. */
const GENERIC_MESSAGE = /^(Invalid input|Invalid option|Invalid string|Too (small|big))/;

/** The `expected …, found …` text of one schema issue. */
export function messageFor(issue: z.core.$ZodIssue & { input?: unknown }, redact: Redact): string {
  const found = describeFound(issue.input, redact);
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
        return value === undefined ? `missing key "type" (expected one of ${options})` : `unknown type ${describeFound(value, redact)}; expected one of ${options}`;
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
