import { z } from 'zod';
import { duration, probeSchema } from '../config/fields';
import { exchange } from '../lib/http-exchange';
import { failure, success, type ProbeDefinition, type ProbeReport } from './types';

/** `scheme://user:password@`: refused, so a credential never sits in a URL that messages and logs show. */
const URL_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i;

const jsonCondition = z
  .object({
    path: z.string().min(1).describe('Dot path into the JSON reply, e.g. "services.database" or "checks.0.status".'),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  })
  .strict();

const schema = probeSchema(
  'http',
  {
    url: z
      .url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' })
      .refine((url) => !URL_USERINFO.test(url), { message: 'a user name or password in the URL is never sent; send credentials in headers: { authorization: "Basic ${…}" } (or Bearer)' }),
    method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    max_body_bytes: z.number().int().positive().default(1_048_576).describe('Cap on the body after gzip/deflate/br decoding; more fails with reason "too_large".'),
    max_header_bytes: z.number().int().min(1024).max(1_048_576).default(16_384).describe('Cap on the reply\'s header block; more fails with reason "too_large".'),
    follow_redirects: z
      .object({
        max: z.number().int().min(0).max(20).default(5).describe('Redirects followed at most; one more fails with reason "redirect". 0: a 3xx is the reply.'),
        allow_other_hosts: z.boolean().default(false).describe('Follow a redirect to another host name (configured headers named like credentials are dropped then).'),
      })
      .strict()
      .prefault({}),
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
 * The request runs in the exchange worker (src/lib/http-exchange), which times it, keeps the
 * deadline, decodes and caps the body and follows redirects under `follow_redirects`.
 */
export const httpProbe = {
  type: 'http',
  schema,
  create(config) {
    const bodyPattern = config.expect.body_matches === undefined ? undefined : new RegExp(config.expect.body_matches);
    const judge = (status: number, body: string, elapsedMs: number): ProbeReport => {
      if (!config.expect.status.includes(status)) {
        return failure(status >= 500 ? 'http_5xx' : 'http_status', `HTTP ${status}, expected ${config.expect.status.join(' or ')}`);
      }
      const bodyProblem = checkBody(body, config.expect, bodyPattern);
      if (bodyProblem) return bodyProblem;
      const ceiling = config.expect.max_response_time;
      if (ceiling > 0 && elapsedMs > ceiling) return failure('assertion', `Replied in ${Math.round(elapsedMs)}ms, above ${ceiling}ms`);
      return success(`HTTP ${status} in ${Math.round(elapsedMs)}ms`);
    };
    return {
      async run({ signal }) {
        const { follow_redirects: follow } = config;
        const result = await exchange(
          {
            url: config.url,
            method: config.method,
            headers: config.headers,
            timeoutMs: config.timeout,
            maxBodyBytes: config.max_body_bytes,
            maxHeaderBytes: config.max_header_bytes,
            ...(follow.max > 0 ? { followRedirects: { max: follow.max, allowOtherHosts: follow.allow_other_hosts } } : {}),
          },
          signal,
        );
        // The exchange worker's clock: time the serving loop spent busy is not the target's latency.
        const elapsedMs = result.timings.totalMs;
        const durationSeconds = elapsedMs / 1000;
        if (!result.ok) {
          const message = result.failure === 'too_large' ? result.message : `HTTP check failed: ${result.message}`;
          return { ...failure(result.failure, message), durationSeconds };
        }
        const report = judge(result.status, result.body.toString('utf8'), elapsedMs);
        return { ...report, durationSeconds };
      },
      async close() {},
    };
  },
} satisfies ProbeDefinition<typeof schema>;
