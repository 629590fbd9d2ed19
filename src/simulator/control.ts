import type { ServerResponse } from 'node:http';
import type { SimProviderState } from './provider-state';
import { simControlSchema, type EndpointKind } from './types';

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const KINDS: ReadonlySet<string> = new Set(['models', 'generation', 'unknown']);

/**
 * The control API under `/_sim`:
 * - `GET /_sim/providers`: every provider's state;
 * - `GET|POST /_sim/providers/<id>`: read, or set `{mode, ...options}`;
 * - `GET|DELETE /_sim/providers/<id>/requests[?kind=models|generation]`: the request log;
 * - `POST /_sim/reset`: every provider back to its initial mode, logs cleared.
 */
export function handleControl(method: string, url: URL, body: string, providers: ReadonlyMap<string, SimProviderState>, baseUrl: (state: SimProviderState) => string, res: ServerResponse): void {
  const parts = url.pathname.split('/').filter((part) => part !== '').map((part) => decodeURIComponent(part));
  const view = (state: SimProviderState): unknown => ({ ...state.view(), baseUrl: baseUrl(state) });
  if (parts[1] === 'reset' && parts.length === 2 && method === 'POST') {
    for (const state of providers.values()) state.reset();
    return sendJson(res, 200, { reset: providers.size });
  }
  if (parts[1] !== 'providers') return sendJson(res, 404, { error: `unknown control path ${url.pathname}` });
  if (parts.length === 2 && method === 'GET') return sendJson(res, 200, [...providers.values()].map(view));
  const state = parts[2] === undefined ? undefined : providers.get(parts[2]);
  if (!state) return sendJson(res, 404, { error: 'unknown provider' });
  if (parts.length === 3 && method === 'GET') return sendJson(res, 200, view(state));
  if (parts.length === 3 && method === 'POST') {
    let input: unknown;
    try {
      input = body === '' ? {} : JSON.parse(body);
    } catch {
      return sendJson(res, 400, { error: 'body is not JSON' });
    }
    const parsed = simControlSchema.safeParse(input);
    if (!parsed.success) return sendJson(res, 400, { error: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ') });
    state.configure(parsed.data);
    return sendJson(res, 200, view(state));
  }
  if (parts.length === 4 && parts[3] === 'requests') {
    const kind = url.searchParams.get('kind');
    if (kind !== null && !KINDS.has(kind)) return sendJson(res, 400, { error: 'kind must be models, generation or unknown' });
    if (method === 'GET') return sendJson(res, 200, state.requests((kind ?? undefined) as EndpointKind | undefined));
    if (method === 'DELETE') {
      state.clearRequests();
      return sendJson(res, 200, { cleared: true });
    }
  }
  return sendJson(res, 405, { error: `${method} not allowed on ${url.pathname}` });
}
