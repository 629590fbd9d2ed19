import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { seededRandom as random } from '../../helpers/seeded-random';

/** One generated audit entry and the facts the tests check against. */
export interface FixtureEntry {
  readonly line: string;
  readonly time: number;
  readonly eventType: string;
  readonly user: string;
  readonly ip: string;
  readonly path: string;
  readonly status: number;
  readonly severity: string | undefined;
  readonly violation: string | undefined;
}

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const USERS = ['alice', 'bob', 'jürgen', '用户七'] as const;


const isoPython = (ms: number): string => `${new Date(ms).toISOString().slice(0, 23)}000+00:00`;

/**
 * `count` entries of the AMAS audit format from `start` (ms), about `stepMs` apart, each written
 * up to 20 s late as AMAS's buffering workers do (so the file is not in time order). Every sixth
 * line is a security violation, every fifth a login; some users and descriptions are not ASCII.
 */
export function makeEntries(count: number, start: number, stepMs = 10_000, seed = 7): FixtureEntry[] {
  const next = random(seed);
  const entries: FixtureEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    const time = start + index * stepMs + Math.floor(next() * 1000);
    const user = USERS[index % USERS.length] as string;
    const ip = `10.0.${index % 3}.${(index * 7) % 11}`;
    const base = { event_id: index.toString(16).padStart(16, '0'), timestamp: isoPython(time), user_id: user, ip_address: ip, user_agent: 'pytest/1.0' };
    let object: Record<string, unknown>;
    let fact: Omit<FixtureEntry, 'line' | 'time' | 'user' | 'ip'>;
    if (index % 6 === 5) {
      const severity = SEVERITIES[Math.floor(index / 6) % 4] as string;
      const violation = ['http_error', 'unauthorized_access', 'system_error'][Math.floor(index / 12) % 3] as string;
      const route = `/api/v1/agents/${index % 4}`;
      object = { ...base, event_type: 'security_violation', status: 'blocked', action: 'security_violation', details: { violation_type: violation, severity, description: 'Zugriff verweigert — 拒绝访问', method: 'GET', path: route, status_code: 403 }, risk_score: 0.7 };
      fact = { eventType: 'security_violation', path: route, status: 403, severity, violation };
    } else if (index % 5 === 0) {
      const status = index % 10 === 0 ? 401 : 200;
      object = { ...base, event_type: 'system_event', status: status < 400 ? 'success' : 'failure', action: 'POST /api/v1/auth/login', details: { method: 'POST', path: '/api/v1/auth/login', status_code: status }, duration_ms: 12.5 };
      fact = { eventType: 'system_event', path: '/api/v1/auth/login', status, severity: undefined, violation: undefined };
    } else {
      const status = index % 7 === 0 ? 429 : 200;
      const route = `/api/v1/tasks/${index}`;
      object = { ...base, event_type: 'system_event', status: status < 400 ? 'success' : 'failure', action: `GET ${route}`, details: { method: 'GET', path: route, status_code: status }, duration_ms: 3 };
      fact = { eventType: 'system_event', path: route, status, severity: undefined, violation: undefined };
    }
    // Python's json.dumps escapes non-ASCII by default; AMAS may also write raw UTF-8: both occur.
    const line = index % 2 === 0 ? JSON.stringify(object).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : JSON.stringify(object);
    entries.push({ line, time, user, ip, ...fact });
  }
  // Late writers: shuffle neighbours up to two places, i.e. up to ~20 s out of order.
  for (let index = entries.length - 1; index > 1; index -= 1) {
    const swap = index - Math.floor(next() * 3);
    [entries[index], entries[swap]] = [entries[swap] as FixtureEntry, entries[index] as FixtureEntry];
  }
  return entries;
}

/** Lines the reader must skip, and why. */
export const GARBAGE = {
  invalid: ['this is not json', '{"event_id": "abc", "timestamp": "2025-10-01T00:00:00+00:00"', '\u00ff\u00fe binary \u0001 junk', '{"a":1}}'],
  noTimestamp: ['[1, 2, 3]', '{"event_type": "system_event", "details": {"status_code": 200}}'],
  tooLong: [`{"event_type":"system_event","timestamp":"2025-10-01T00:00:05+00:00","details":{"pad":"${'x'.repeat(10 * 1024 * 1024)}"}}`],
};

/**
 * Writes `lines` through Python's RotatingFileHandler at `base` (rotating at `maxBytes`), then
 * gzips the members named in `gzip` (by number) as logrotate's compress would.
 */
export function writeFamily(base: string, lines: readonly string[], maxBytes: number, gzip: readonly number[] = []): void {
  const script = path.join(__dirname, 'write_audit_log.py');
  const result = spawnSync('python3', [script, base, String(maxBytes), '20'], { input: `${lines.join('\n')}\n`, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`write_audit_log.py failed: ${String(result.stderr)}`);
  for (const number of gzip) {
    const member = `${base}.${number}`;
    writeFileSync(`${member}.gz`, gzipSync(readFileSync(member)));
    rmSync(member);
  }
}

/** Mixes garbage into entry lines at fixed places. */
export function withGarbage(entries: readonly FixtureEntry[]): string[] {
  const lines = entries.map((entry) => entry.line);
  const garbage = [...GARBAGE.invalid, ...GARBAGE.noTimestamp, ...GARBAGE.tooLong];
  garbage.forEach((line, index) => lines.splice(Math.floor(((index + 1) * lines.length) / (garbage.length + 1)), 0, line));
  return lines;
}

/** A config file whose only logs source is `base`. */
export function writeConfig(file: string, base: string, extra = ''): void {
  writeFileSync(file, `logs:\n  sources:\n    - name: audit\n      path: ${base}\n      format: audit\n  positions_path: ${path.join(path.dirname(file), 'positions.json')}\n  hash_key: fixture-hash-key\n${extra}`);
}
