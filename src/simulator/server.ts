import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { baseUrlFor } from './base-url';
import { earlyPlan, generationPlan, keyPlan, modelsPlan, type Plan } from './behaviour';
import { handleControl } from './control';
import { executePlan, type Cleanups } from './execute-plan';
import { LoopGaps } from './loop-gaps';
import { SimProviderState, type SimProviderView } from './provider-state';
import { recordOf } from './request-record';
import { simProviderSchema, type EndpointKind, type SimControl, type SimMode, type SimOptions, type SimProviderSpec, type SimRequestRecord } from './types';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. The server always binds 127.0.0.1. */
  readonly port?: number;
  readonly providers: readonly SimProviderSpec[];
}

/** A running simulator: many simulated providers on one local HTTP server. */
export interface Simulator {
  /** e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  readonly port: number;
  /** The base URL the matching adapter expects for this provider. */
  baseUrl(id: string): string;
  /** Sets the mode; options not given return to the provider's initial ones. */
  setMode(id: string, mode: SimMode, options?: SimOptions): void;
  provider(id: string): SimProviderView;
  /** Every provider's state with its base URL. */
  list(): Array<SimProviderView & { readonly baseUrl: string }>;
  /** Requests received, oldest first, optionally of one endpoint kind. */
  requests(id: string, kind?: EndpointKind): readonly SimRequestRecord[];
  clearRequests(id?: string): void;
  /** Every provider back to its initial mode, with no memory and no records. */
  reset(): void;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 1_048_576;
const PROVIDER_PATH = /^\/p\/([^/]+)(\/.*)?$/;

/** Reads a request body up to a cap; null when the cap is passed (the caller answers 413). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

function plainJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Decides what one provider request gets, in the order the real APIs check: route, key, headers, body. */
function planRequest(state: SimProviderState, method: string, path: string, url: URL, req: IncomingMessage, body: string): { kind: EndpointKind; plan: Plan } {
  const style = state.style;
  const route = style.route(method, path);
  const kind: EndpointKind = route?.kind ?? 'unknown';
  state.calls[kind] += 1;
  const early = earlyPlan(state, kind);
  if (early) return { kind, plan: early };
  const error = (reply: { status: number; body: unknown }): Plan => ({ type: 'json', status: reply.status, body: reply.body, headers: {}, delayMs: 0 });
  if (route === undefined) return { kind, plan: error(style.error('not_found', `${method} ${path}`)) };
  const rejected = keyPlan(state, kind, style.keyOf(req.headers, url));
  if (rejected) return { kind, plan: rejected };
  const headerProblem = style.checkHeaders?.(req.headers);
  if (headerProblem) return { kind, plan: error(headerProblem) };
  if (route.kind === 'models') return { kind, plan: modelsPlan(state) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind, plan: error(style.error('bad_request', 'request body is not valid JSON')) };
  }
  const request = style.readRequest(parsed, route.pathModel);
  if (typeof request === 'string') return { kind, plan: error(style.error('bad_request', request)) };
  return { kind, plan: generationPlan(state, route.stream ? { ...request, stream: true } : request) };
}

/** Starts the simulator on 127.0.0.1. Invalid provider specs throw (a test or startup bug). */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const providers = new Map<string, SimProviderState>();
  for (const [index, spec] of options.providers.entries()) {
    const result = simProviderSchema.safeParse(spec);
    if (!result.success) {
      const issues = result.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`).join('; ');
      throw new Error(`simulated provider #${index + 1}: ${issues}`);
    }
    const parsed = result.data;
    if (providers.has(parsed.id)) throw new Error(`duplicate simulated provider id ${parsed.id}`);
    providers.set(parsed.id, new SimProviderState(parsed));
  }
  const cleanups: Cleanups = new Set();
  const gaps = new LoopGaps();
  let origin = '';
  const baseUrlOf = (state: SimProviderState): string => baseUrlFor(origin, state.spec.id, state.spec.style);

  const server = http.createServer((req, res) => {
    const handledAt = performance.now();
    void (async () => {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', origin);
      const body = await readBody(req);
      if (body === null) return plainJson(res, 413, { error: 'request body too large' });
      if (url.pathname.startsWith('/_sim/')) return handleControl(method, url, body, providers, baseUrlOf, res);
      const match = PROVIDER_PATH.exec(url.pathname);
      const state = match ? providers.get(decodeURIComponent(match[1] as string)) : undefined;
      if (!match || !state) return plainJson(res, 404, { error: 'unknown simulated provider' });
      const path = match[2] ?? '/';
      const { kind, plan } = planRequest(state, method, path, url, req, body);
      const record = state.record(recordOf(kind, method, url, req.headers, body, state.spec.api_key));
      let timerLate = 0;
      record.status = await executePlan(plan, req, res, cleanups, (ms) => (timerLate = ms));
      record.lateMs = Math.round(Math.max(timerLate, gaps.worstSince(handledAt)));
    })().catch(() => {
      // A failure while answering is the simulator's own bug; drop the connection rather than crash the test run.
      req.socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  const get = (id: string): SimProviderState => {
    const state = providers.get(id);
    if (!state) throw new Error(`unknown simulated provider ${id}`);
    return state;
  };

  return {
    origin,
    port,
    baseUrl: (id) => baseUrlOf(get(id)),
    setMode: (id, mode, modeOptions = {}) => get(id).configure({ ...modeOptions, mode } satisfies SimControl),
    provider: (id) => get(id).view(),
    list: () => [...providers.values()].map((state) => ({ ...state.view(), baseUrl: baseUrlOf(state) })),
    requests: (id, kind) => get(id).requests(kind),
    clearRequests: (id) => (id === undefined ? [...providers.values()] : [get(id)]).forEach((state) => state.clearRequests()),
    reset: () => providers.forEach((state) => state.reset()),
    close: () =>
      new Promise<void>((resolve) => {
        for (const cleanup of [...cleanups]) cleanup();
        gaps.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
