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
}

interface ClientRecord {
  failures: number;
  windowStart: number;
}

/** Distinct clients remembered at once; the oldest is forgotten first, so memory stays bounded. */
const MAX_CLIENTS = 10_000;

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

/**
 * Bearer-token check with per-client rate limiting. A client (by socket address: the exporter
 * sits in AMAS's pod, so forwarded-for headers are not trusted) that fails `maxFailures` times
 * within the window is refused with 429, even with the right token, until the window ends.
 */
export class AdminGuard {
  private readonly clients = new Map<string, ClientRecord>();

  constructor(private readonly options: AdminGuardOptions) {}

  /** Whether an admin token is configured now. */
  get enabled(): boolean {
    return this.options.token() !== '';
  }

  /** Express middleware: calls next() when the request carries the token, else answers 401 or 429. */
  readonly middleware: RequestHandler = (request: Request, response: Response, next: NextFunction) => {
    const client = request.socket.remoteAddress ?? 'unknown';
    const now = (this.options.now ?? Date.now)();
    const { maxFailures, windowMs } = this.options.limits();
    const record = this.current(client, now, windowMs);
    if (record && record.failures >= maxFailures) {
      this.options.onRefused('rate_limited', client);
      response.set('Retry-After', String(Math.max(1, Math.ceil((record.windowStart + windowMs - now) / 1000))));
      response.status(429).json({ error: 'too many failed authentications; try again later' });
      return;
    }
    const presented = bearerToken(request);
    if (tokenMatches(presented, this.options.token())) {
      next();
      return;
    }
    this.fail(client, now, windowMs);
    this.options.onRefused(presented === undefined ? 'missing_token' : 'wrong_token', client);
    response.set('WWW-Authenticate', 'Bearer realm="amas-exporter admin"');
    response.status(401).json({ error: 'a valid admin bearer token is required' });
  };

  private current(client: string, now: number, windowMs: number): ClientRecord | undefined {
    const record = this.clients.get(client);
    if (record && now - record.windowStart >= windowMs) {
      this.clients.delete(client);
      return undefined;
    }
    return record;
  }

  private fail(client: string, now: number, windowMs: number): void {
    const record = this.current(client, now, windowMs);
    if (record) {
      record.failures += 1;
      return;
    }
    if (this.clients.size >= MAX_CLIENTS) {
      const oldest = this.clients.keys().next().value;
      if (oldest !== undefined) this.clients.delete(oldest);
    }
    this.clients.set(client, { failures: 1, windowStart: now });
  }
}
