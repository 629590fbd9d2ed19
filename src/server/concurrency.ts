import type { NextFunction, Request, Response } from 'express';

/** Most requests of one kind answered at once; beyond it a request is refused at once, never queued. */
export interface ConcurrencyLimits {
  /** /metrics and its group paths. */
  readonly metrics: number;
  /** /api/status and the status page. */
  readonly status: number;
  /** /debug/probes and /debug/probes/<name>. */
  readonly debug: number;
}

export const DEFAULT_CONCURRENCY: ConcurrencyLimits = { metrics: 32, status: 8, debug: 4 };

/** Seconds a refused client is asked to wait before trying again. */
const RETRY_AFTER_SECONDS = 1;

/** A gate of the given size, counting a request from its arrival until its response is finished or its connection closed. */
export interface Gate {
  (request: Request, response: Response, next: NextFunction): void;
  /** Requests inside the gate now. */
  readonly inFlight: () => number;
}

/**
 * Bounds how many requests of one kind are in flight. A request beyond the bound gets 503 with
 * Retry-After: a scraper retries at its next interval, and the loop is never buried under a queue
 * that /livez would wait behind.
 */
export function concurrencyGate(what: string, limit: number, onRefused: () => void = () => undefined): Gate {
  let inFlight = 0;
  const gate = (request: Request, response: Response, next: NextFunction): void => {
    if (inFlight >= limit) {
      onRefused();
      response.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS)).json({ error: `too many ${what} requests at once (at most ${limit}); retry after ${RETRY_AFTER_SECONDS} s` });
      return;
    }
    inFlight += 1;
    let done = false;
    const leave = (): void => {
      if (done) return;
      done = true;
      inFlight -= 1;
    };
    response.once('finish', leave);
    response.once('close', leave);
    next();
  };
  return Object.assign(gate, { inFlight: () => inFlight });
}
