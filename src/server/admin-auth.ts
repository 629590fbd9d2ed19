import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Why a request to the admin API was refused; the `reason` label of the auth-failure counter. */
export type AdminRefusal = 'missing_token' | 'wrong_token' | 'rate_limited';

/** What the guard needs to know at request time; read on every request so a reload takes effect at once. */
export interface AdminGuardOptions {
  /** The configured token; empty means the admin API is off. */
  readonly token: () => string;
  readonly limits: () => { readonly maxFailures: number; readonly windowMs: number };
  /** Called for every refused request, with the client's address (for the log, never a label). */
  readonly onRefused: (reason: AdminRefusal, client: string) => void;
  readonly now?: () => number;
  /** Waits before a refusal is answered (the back-off); a real timer unless a test watches it. */
  readonly delay?: (ms: number) => Promise<void>;
}

interface ClientRecord {
  failures: number;
  windowStart: number;
}

/** Distinct clients remembered at once; the oldest is forgotten first, so memory stays bounded. */
const MAX_CLIENTS = 10_000;
/** Back-off of the first delayed refusal; each further failure doubles it up to MAX_DELAY_MS. */
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;
/** Refusals waiting out their delay at once; beyond this a wrong token is answered 429 at once. */
const MAX_DELAYED = 32;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Compares a presented token with the configured one in constant time. Both sides are hashed
 * first, so the comparison always runs on two 32-byte digests whatever the lengths, and a missing
 * token is compared too (against an empty string) so it takes the same path as a wrong one.
 */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  const same = timingSafeEqual(digest(presented ?? ''), digest(expected));
  return same && presented !== undefined && expected !== '';
}

/** The token from `Authorization: Bearer <token>`; undefined when the header is absent or another scheme. */
export function bearerToken(request: Request): string | undefined {
  const header = request.get('authorization');
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

/** How long the refusal of a client's `failures`-th failure within the window is held back. */
export function backoffMs(failures: number, maxFailures: number): number {
  if (failures <= maxFailures) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(16, failures - maxFailures - 1));
}

/**
 * Bearer-token check with a back-off on failures. The token is checked first, always: a request
 * with the right token is let through whatever happened before, so no other process in the pod
 * (all of them are 127.0.0.1) can lock the operator out by guessing. A client (by socket address;
 * forwarded-for headers are not trusted) that fails more than `maxFailures` times within the window
 * has each further refusal delayed, doubling up to 5 s; with too many refusals already waiting, a
 * wrong token is answered 429 at once.
 */
export class AdminGuard {
  private readonly clients = new Map<string, ClientRecord>();
  private delayed = 0;

  constructor(private readonly options: AdminGuardOptions) {}

  /** Whether an admin token is configured now. */
  get enabled(): boolean {
    return this.options.token() !== '';
  }

  /** Express middleware: calls next() when the request carries the token, else answers 401 (or 429). */
  readonly middleware: RequestHandler = (request: Request, response: Response, next: NextFunction) => {
    const presented = bearerToken(request);
    if (tokenMatches(presented, this.options.token())) {
      next();
      return;
    }
    const client = request.socket.remoteAddress ?? 'unknown';
    const now = (this.options.now ?? Date.now)();
    const { maxFailures, windowMs } = this.options.limits();
    const failures = this.fail(client, now, windowMs);
    const waitMs = backoffMs(failures, maxFailures);
    if (waitMs > 0 && this.delayed >= MAX_DELAYED) {
      this.options.onRefused('rate_limited', client);
      response.set('Retry-After', String(Math.ceil(waitMs / 1000)));
      response.status(429).json({ error: 'too many failed authentications under way; try again later' });
      return;
    }
    this.options.onRefused(presented === undefined ? 'missing_token' : 'wrong_token', client);
    const answer = (): void => {
      response.set('WWW-Authenticate', 'Bearer realm="amas-exporter admin"');
      response.status(401).json({ error: 'a valid admin bearer token is required' });
    };
    if (waitMs === 0) {
      answer();
      return;
    }
    this.delayed += 1;
    const wait = this.options.delay ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
    void wait(waitMs).finally(() => {
      this.delayed -= 1;
      if (!response.writableEnded && !response.destroyed) answer();
    });
  };

  /** Counts a failure and returns the client's failures within the current window. */
  private fail(client: string, now: number, windowMs: number): number {
    const record = this.clients.get(client);
    if (record && now - record.windowStart < windowMs) {
      record.failures += 1;
      return record.failures;
    }
    this.clients.delete(client);
    if (this.clients.size >= MAX_CLIENTS) {
      const oldest = this.clients.keys().next().value;
      if (oldest !== undefined) this.clients.delete(oldest);
    }
    this.clients.set(client, { failures: 1, windowStart: now });
    return 1;
  }
}
