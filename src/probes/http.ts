import { z } from 'zod';
import { duration, probeSchema } from '../config/fields';
import { classifyError, describeError } from './classify-error';
import { BodyTooLarge, readBodyCapped } from './http-body';
import { failure, success, type ProbeDefinition, type ProbeReport } from './types';

const jsonCondition = z
  .object({
    path: z.string().min(1).describe('Dot path into the JSON reply, e.g. "services.database" or "checks.0.status".'),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  })
  .strict();

const schema = probeSchema(
  'http',
  {
    url: z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' }),
    method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    max_body_bytes: z.number().int().positive().default(1_048_576),
    expect: z
      .object({
        status: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
        body_contains: z.string().optional(),
        body_matches: z
          .string()
          .refine(isValidRegex, { message: 'expected a valid regular expression' })
          .optional(),
        json: z.array(jsonCondition).default([]),
        max_response_time: duration('0s').describe('Slower replies fail with reason "assertion"; 0s turns the check off.'),
      })
      .strict()
      .prefault({}),
  },
  { interval: '15s', timeout: '5s' },
);

function isValidRegex(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

/** Follows a dot path ("a.b.0.c") through parsed JSON. */
export function valueAtPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

type Expectations = z.output<typeof schema>['expect'];

function checkBody(body: string, expect: Expectations, bodyPattern: RegExp | undefined): ProbeReport | undefined {
  if (expect.body_contains !== undefined && !body.includes(expect.body_contains)) {
    return failure('assertion', `Body does not contain ${JSON.stringify(expect.body_contains)}`);
  }
  if (bodyPattern && !bodyPattern.test(body)) return failure('assertion', `Body does not match /${bodyPattern.source}/`);
  if (expect.json.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return failure('invalid_reply', 'Body is not JSON');
  }
  for (const condition of expect.json) {
    const actual = valueAtPath(parsed, condition.path);
    if (actual !== condition.equals) {
      return failure('assertion', `JSON ${condition.path} is ${JSON.stringify(actual) ?? 'missing'}, expected ${JSON.stringify(condition.equals)}`);
    }
  }
  return undefined;
}

/**
 * An HTTP request with Gatus-style conditions stated as data: allowed status codes, a body
 * substring or regex, JSON field values and a response-time ceiling. Down: any condition fails.
 */
export const httpProbe = {
  type: 'http',
  schema,
  create(config) {
    const bodyPattern = config.expect.body_matches === undefined ? undefined : new RegExp(config.expect.body_matches);
    return {
      async run({ signal }) {
        const started = performance.now();
        try {
          const response = await fetch(config.url, { method: config.method, headers: config.headers, signal, redirect: 'follow' });
          const body = await readBodyCapped(response, config.max_body_bytes);
          const elapsedMs = performance.now() - started;
          if (!config.expect.status.includes(response.status)) {
            return failure(response.status >= 500 ? 'http_5xx' : 'http_status', `HTTP ${response.status}, expected ${config.expect.status.join(' or ')}`);
          }
          const bodyProblem = checkBody(body, config.expect, bodyPattern);
          if (bodyProblem) return bodyProblem;
          const ceiling = config.expect.max_response_time;
          if (ceiling > 0 && elapsedMs > ceiling) return failure('assertion', `Replied in ${Math.round(elapsedMs)}ms, above ${ceiling}ms`);
          return success(`HTTP ${response.status} in ${Math.round(elapsedMs)}ms`);
        } catch (error) {
          if (error instanceof BodyTooLarge) return failure('too_large', error.message);
          return failure(classifyError(error), `HTTP check failed: ${describeError(error)}`);
        }
      },
      async close() {},
    };
  },
} satisfies ProbeDefinition<typeof schema>;
