import { randomBytes } from 'node:crypto';
import { LIMITS, plannedRequest, totalRequests, type LoadPlan } from './test-load-plan';
import { abortableSleep as sleep } from '../../lib/abortable-sleep';

/** A user AMAS does not have: each login fails, and no real account can be locked out by the run. */
export const LOAD_USER = 'amas-test-load';

/** What the run sent and how AMAS answered, counted as it goes (a progress bar reads it live). */
export interface LoadResult {
  readonly runId: string;
  readonly planned: number;
  sent: number;
  /** Due while LIMITS.maxInFlight requests were still waiting for AMAS: not sent, so the rate held. */
  skipped: number;
  /** Answers by `METHOD path status`, e.g. `GET /health 200`. */
  readonly answered: Map<string, number>;
  /** Requests AMAS never answered, by reason (timeout, ECONNREFUSED, ...): AMAS wrote no line for them. */
  readonly notAnswered: Map<string, number>;
  readonly latenciesMs: number[];
  readonly startedAt: number;
  endedAt: number;
  stoppedBy: 'interrupted' | null;
}

export const answerKey = (method: string, path: string, status: number): string => `${method} ${path} ${status}`;

const bump = (map: Map<string, number>, key: string): void => {
  map.set(key, (map.get(key) ?? 0) + 1);
};


function failureReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' ? code : 'network_error';
}

/**
 * Sends the plan: request n is due at start + n/rate, so the run never goes above the rate and
 * ends after duration × rate requests (or on `signal`). At most LIMITS.maxInFlight requests wait
 * for AMAS at once; a request due beyond that is skipped and counted, never queued.
 */
export function startLoad(plan: LoadPlan, signal?: AbortSignal): { readonly result: LoadResult; readonly done: Promise<LoadResult> } {
  const result: LoadResult = {
    runId: randomBytes(4).toString('hex'),
    planned: totalRequests(plan),
    sent: 0,
    skipped: 0,
    answered: new Map(),
    notAnswered: new Map(),
    latenciesMs: [],
    startedAt: Date.now(),
    endedAt: 0,
    stoppedBy: null,
  };
  const inFlight = new Set<Promise<void>>();
  const intervalMs = 1000 / plan.rate;

  const send = async (n: number): Promise<void> => {
    const request = plannedRequest(plan, n);
    const method = request.kind === 'login' ? 'POST' : 'GET';
    const headers: Record<string, string> = { 'user-agent': 'amas-exporter-test-load/1.0', 'x-request-id': `amas-test-load-${result.runId}-${n}` };
    let body: string | undefined;
    if (request.kind === 'login') {
      headers['content-type'] = 'application/json';
      // A fresh random password per attempt: the login must fail.
      body = JSON.stringify({ username: LOAD_USER, password: randomBytes(12).toString('hex') });
    }
    const began = performance.now();
    try {
      const response = await fetch(`${plan.target}${request.path}`, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(plan.timeoutMs) });
      // Read the body so the connection goes back to the pool.
      await response.arrayBuffer();
      bump(result.answered, answerKey(method, request.path, response.status));
      result.latenciesMs.push(performance.now() - began);
    } catch (error) {
      bump(result.notAnswered, failureReason(error));
    }
  };

  const done = (async () => {
    for (let n = 0; n < result.planned; n += 1) {
      if (signal?.aborted) {
        result.stoppedBy = 'interrupted';
        break;
      }
      const wait = result.startedAt + n * intervalMs - Date.now();
      if (wait > 0) await sleep(wait, signal);
      if (signal?.aborted) {
        result.stoppedBy = 'interrupted';
        break;
      }
      if (inFlight.size >= LIMITS.maxInFlight) {
        result.skipped += 1;
        continue;
      }
      result.sent += 1;
      const pending = send(n).finally(() => inFlight.delete(pending));
      inFlight.add(pending);
    }
    // Each request has its own timeout, so this wait is bounded too.
    await Promise.all(inFlight);
    result.endedAt = Date.now();
    return result;
  })();
  return { result, done };
}
