import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Writes an AMAS-like audit log: the audit logger's flat JSON (Python json.dumps of the AuditEvent
 * dataclass: every field, in field order, ", " and ": " separators). Mostly one system_event line
 * per HTTP request, with logins, 429s, security violations and agent runs mixed in. Deterministic.
 */

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROUTES = ['/api/v1/tasks', '/api/v1/tasks/{id}', '/api/v1/agents', '/api/v1/agents/{id}/status', '/api/v1/analysis/{uuid}', '/health', '/api/v1/health', '/metrics'];

/** Python's json.dumps spelling of one value. */
function py(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : String(value);
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${py(item)}`).join(', ')}}`;
  return JSON.stringify(value);
}

export function auditLine(next: () => number, at: Date): string {
  const roll = next();
  const hex = (n: number): string => Math.floor(next() * 16 ** n).toString(16).padStart(n, '0');
  // About 2,000 client addresses, as a busy deployment behind a few networks might see.
  const client = Math.floor(next() * 2000);
  const ip = `10.${client >> 8}.${client & 255}.${1 + (client % 200)}`;
  const user = next() < 0.6 ? `user_${Math.floor(next() * 5000)}` : null;
  const event: Record<string, unknown> = {
    event_id: hex(16), timestamp: at.toISOString().replace('Z', '+00:00'), event_type: 'system_event', status: 'success',
    user_id: user, user_email: null, user_roles: [], resource_type: null, resource_id: null, agent_id: null, tool_name: null,
    action: null, details: {}, trace_id: null, session_id: null, ip_address: ip, user_agent: 'python-requests/2.31.0',
    authentication_method: null, authorization_result: null, risk_score: 0.0, data_classification: null,
    pii_detected: false, sensitive_data_redacted: true, duration_ms: null, tokens_used: null, cost_usd: null,
  };
  if (roll < 0.03) {
    const type = next() < 0.8 ? 'http_error' : 'system_error';
    const path = `/api/v1/tasks/${Math.floor(next() * 100000)}`;
    Object.assign(event, { event_type: 'security_violation', status: 'blocked', action: 'security_violation', risk_score: type === 'system_error' ? 1.0 : 0.7,
      details: type === 'http_error' ? { violation_type: type, severity: 'medium', description: `GET ${path} - Not found`, method: 'GET', path, status_code: 404, error: 'Not found' }
        : { violation_type: type, severity: 'critical', description: `POST ${path} - boom`, method: 'POST', path, error: 'boom', error_type: 'RuntimeError' } });
  } else if (roll < 0.08) {
    Object.assign(event, { event_type: 'agent_execution', action: 'execute_task', agent_id: 'security_expert', resource_type: 'agent', resource_id: 'security_expert', duration_ms: next() * 20000, tokens_used: Math.floor(next() * 3000), cost_usd: next() / 100, details: {} });
  } else {
    const login = roll < 0.13;
    const method = login ? 'POST' : next() < 0.8 ? 'GET' : 'POST';
    const path = login ? '/api/v1/auth/login' : (ROUTES[Math.floor(next() * ROUTES.length)] as string).replace('{id}', String(Math.floor(next() * 100000))).replace('{uuid}', `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`);
    const status = login ? (next() < 0.7 ? 200 : 401) : roll < 0.15 ? 429 : next() < 0.95 ? 200 : 404;
    Object.assign(event, { status: status < 400 ? 'success' : 'failure', action: `${method} ${path}`, details: { method, path, status_code: status }, duration_ms: next() * 400 });
  }
  return py(event);
}

/** Writes `lines` lines to `file`; returns its size in bytes. */
export function generateAuditLog(file: string, lines: number, seed = 42): number {
  const next = random(seed);
  const fd = openSync(file, 'w');
  const start = Date.UTC(2026, 10, 27);
  let batch: string[] = [];
  let bytes = 0;
  for (let i = 0; i < lines; i += 1) {
    batch.push(auditLine(next, new Date(start + i * 10)));
    if (batch.length === 5000 || i === lines - 1) {
      const text = `${batch.join('\n')}\n`;
      bytes += writeSync(fd, text);
      batch = [];
    }
  }
  closeSync(fd);
  return bytes;
}

if (require.main === module) {
  const [file = '/tmp/amas-bench-audit.log', count = '1000000'] = process.argv.slice(2);
  const bytes = generateAuditLog(file, Number(count));
  process.stdout.write(`${file}: ${count} lines, ${bytes} bytes\n`);
}
