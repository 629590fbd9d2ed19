import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A stand-in for AMAS, for the demo and the end-to-end tests: it answers AMAS's `/health` on
 * 127.0.0.1 and writes AMAS's audit log (docs/logs.md, amas-app.md section 4) the way the running
 * app does: one `system_event` line per request it serves, and in the background the traffic of a
 * busy AMAS: API requests with varying latency, logins that pass and fail (POST
 * /api/v1/auth/login 200/401, as AMAS writes them), token refreshes and rejected bearer tokens,
 * rate-limited (429) and failing (5xx) requests, and security violations (http_error,
 * unauthorized_access, and now and then a critical system_error). Every dashboard panel and every
 * /health security field of the exporter then has live data.
 */
export interface AmasStandin {
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  /** Lines written so far. */
  lines(): number;
  close(): Promise<void>;
}

export interface AmasStandinOptions {
  /** The audit log to write (created with its directory; truncated at start). */
  readonly logFile: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** How often a batch of background traffic is written; 250 ms by default. */
  readonly tickMs?: number;
}

type Fields = Record<string, unknown>;

const line = (fields: Fields): string =>
  `${JSON.stringify({ event_id: randomBytes(8).toString('hex'), timestamp: new Date().toISOString().replace('Z', '+00:00'), user_id: null, session_id: null, ip_address: '10.0.0.7', user_agent: 'amas-demo-client/1.0', trace_id: randomBytes(8).toString('hex'), ...fields })}\n`;

const request = (method: string, requestPath: string, status: number, durationMs: number, extra: Fields = {}): string =>
  line({ event_type: 'system_event', status: status < 400 ? 'success' : 'failure', action: `${method} ${requestPath}`, duration_ms: durationMs, details: { method, path: requestPath, status_code: status }, ...extra });

const violation = (type: string, severity: string, details: Fields): string =>
  line({ event_type: 'security_violation', status: 'blocked', action: type, risk_score: severity === 'critical' || severity === 'high' ? 1.0 : severity === 'medium' ? 0.7 : 0.3, details: { violation_type: type, severity, ...details } });

/** One tick's traffic; `tick` varies users, latencies and the rarer events. */
export function trafficBatch(tick: number): string {
  const batch = [
    request('GET', '/api/v1/agents', 200, 20 + (tick % 7) * 15, { user_id: 'user_1', session_id: `sess_${tick % 3}` }),
    request('POST', '/api/v1/tasks', 201, 120 + (tick % 5) * 40, { user_id: 'user_2', session_id: 'sess_9' }),
    request('GET', `/api/v1/tasks/${1000 + tick}`, 200, 8 + (tick % 4) * 3, { user_id: 'user_3', session_id: 'sess_7' }),
    request('POST', '/api/v1/auth/login', 200, 35, { user_id: 'user_1' }),
    request('POST', '/api/v1/auth/login', 401, 12, { ip_address: `10.0.1.${tick % 4}` }),
    request('GET', `/api/v1/tasks/${1000 + tick}`, 429, 1, { ip_address: '10.0.2.9' }),
  ];
  // Bearer tokens: a refresh validates one, a 401 on a protected route rejects one.
  if (tick % 3 === 0) batch.push(request('POST', '/api/v1/auth/refresh', 200, 9, { user_id: 'user_2', session_id: 'sess_9' }));
  if (tick % 3 === 1) batch.push(request('GET', '/api/v1/agents', 401, 3, { ip_address: '10.0.3.5' }));
  // As AMAS does: a request that fails with an HTTP error is written as an http_error violation
  // only (the mappings count it as the 5xx request too); an unhandled exception as a critical
  // system_error violation (the client gets a 500).
  if (tick % 2 === 0) batch.push(violation('http_error', 'high', { method: 'GET', path: '/api/v1/agents', status_code: 503, description: 'HTTP 503 on /api/v1/agents' }));
  if (tick % 5 === 0) batch.push(violation('unauthorized_access', 'medium', { agent_id: 'agent_research', description: 'agent lacks permission for tool web_search' }));
  if (tick % 8 === 0) batch.push(violation('system_error', 'critical', { method: 'POST', path: '/api/v1/tasks', description: 'unhandled exception in task runner' }));
  return batch.join('');
}

/** Starts the stand-in; resolves once it listens. */
export async function startAmasStandin(options: AmasStandinOptions): Promise<AmasStandin> {
  const { logFile } = options;
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  let written = 0;
  const append = (text: string): void => {
    appendFileSync(logFile, text);
    written += text.split('\n').length - 1;
  };
  const server = http.createServer((req, res) => {
    const requestPath = (req.url ?? '/').split('?')[0] ?? '/';
    const known = requestPath === '/health' || requestPath === '/health/live' || requestPath === '/health/ready';
    // No account exists here, so every login fails as AMAS answers a wrong password: 401.
    const login = req.method === 'POST' && requestPath === '/api/v1/auth/login';
    const status = known ? 200 : login ? 401 : 404;
    append(request(req.method ?? 'GET', requestPath, status, 2));
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(known ? { status: 'healthy', services: {}, timestamp: new Date().toISOString() } : { detail: login ? 'Incorrect username or password' : 'Not Found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  let tick = 0;
  const writer = setInterval(() => {
    tick += 1;
    append(trafficBatch(tick));
  }, options.tickMs ?? 250);
  // The writer never keeps a process alive on its own.
  writer.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    logFile,
    lines: () => written,
    close: async () => {
      clearInterval(writer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
