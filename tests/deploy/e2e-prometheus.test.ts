import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { findProvider } from '../../src/ai/catalogue';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { startTestExporter, type TestExporter } from '../helpers/exporter';
import { startPrometheus, type PromAlert, type TestPrometheus } from './prometheus-server';
import { panelsWithoutData, panelTargets, shortenedPrometheusConfig, shortenedRuleFiles } from './shortened-stack';
import { alertFiles, dashboards, recordingFiles } from './tools';

/**
 * End to end: the provider simulators, a fake AMAS writing its audit log, the real exporter, and a
 * real Prometheus loaded with the shipped scrape config (targets rewritten to the exporter's port,
 * intervals shortened) and the shipped alert rules (`for:` shortened 60 times). Everything is read
 * back through Prometheus' HTTP API, as Grafana and Alertmanager would read it.
 */

/** Simulated providers: one per API style the catalogue's core providers use. */
const PROVIDERS = ['cerebras', 'gemini2', 'cohere'] as const;
const keyOf = (id: string): string => `e2e-${id}-key-0123456789`;
const keyEnv = (id: string): string => `E2E_${id.toUpperCase()}_API_KEY`;

/** Scrape intervals of the shipped jobs, shortened; the job names, paths and params stay. */

/** Every bounded wait in this suite: polls every `stepMs` until `check` returns a value, or throws. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, stepMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; attempt < Math.ceil(timeoutMs / stepMs) + 1; attempt += 1) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}




/**
 * A stand-in for AMAS: answers /health and writes one audit line per request it serves, and a
 * background writer appends the traffic of a busy AMAS (amas-app.md section 4): requests, logins
 * that pass and fail, rate-limited and failing requests, security violations.
 */
async function startFakeAmas(logFile: string): Promise<{ url: string; close(): Promise<void> }> {
  const line = (fields: Record<string, unknown>): string =>
    `${JSON.stringify({ event_id: randomBytes(8).toString('hex'), timestamp: new Date().toISOString().replace('Z', '+00:00'), user_id: null, session_id: null, ip_address: '10.0.0.7', user_agent: 'e2e-client/1.0', trace_id: randomBytes(8).toString('hex'), ...fields })}\n`;
  const request = (method: string, requestPath: string, status: number, durationMs: number, extra: Record<string, unknown> = {}): string =>
    line({ event_type: 'system_event', status: status < 400 ? 'success' : 'failure', action: `${method} ${requestPath}`, duration_ms: durationMs, details: { method, path: requestPath, status_code: status }, ...extra });
  const violation = (type: string, severity: string, details: Record<string, unknown>): string =>
    line({ event_type: 'security_violation', status: 'blocked', action: type, risk_score: severity === 'critical' || severity === 'high' ? 1.0 : 0.7, details: { violation_type: type, severity, ...details } });

  writeFileSync(logFile, '');
  const server = http.createServer((req, res) => {
    appendFileSync(logFile, request(req.method ?? 'GET', req.url ?? '/', 200, 2));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'healthy', services: {}, timestamp: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let tick = 0;
  const writer = setInterval(() => {
    tick += 1;
    const batch = [
      request('GET', '/api/v1/agents', 200, 20 + (tick % 7) * 15, { user_id: 'user_1', session_id: `sess_${tick % 3}` }),
      request('POST', '/api/v1/tasks', 201, 120 + (tick % 5) * 40, { user_id: 'user_2', session_id: 'sess_9' }),
      request('POST', '/api/v1/auth/login', 200, 35, { user_id: 'user_1' }),
      request('POST', '/api/v1/auth/login', 401, 12),
      request('GET', `/api/v1/tasks/${1000 + tick}`, 429, 1),
    ];
    // A request that fails with an HTTP error is written as an http_error violation only; an
    // unhandled exception as a critical system_error violation (the client gets a 500).
    if (tick % 2 === 0) batch.push(violation('http_error', 'high', { method: 'GET', path: '/api/v1/agents', status_code: 503, description: 'HTTP 503 on /api/v1/agents' }));
    if (tick % 4 === 0) batch.push(violation('system_error', 'critical', { method: 'POST', path: '/api/v1/tasks', description: 'unhandled exception in task runner' }));
    appendFileSync(logFile, batch.join(''));
  }, 250);
  // The writer must never keep the test process alive on its own.
  writer.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      clearInterval(writer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function exporterConfig(sim: Simulator, amasUrl: string, dir: string): string {
  const providers = Object.fromEntries(PROVIDERS.map((id) => [id, { base_url: sim.baseUrl(id), api_key: `\${${keyEnv(id)}}` }]));
  return YAML.stringify({
    log_level: 'warn',
    scheduler: { max_concurrent: 16, jitter: 0 },
    probes: [
      { name: 'amas_app', type: 'http', url: `${amasUrl}/health`, interval: '1s', timeout: '1s', critical: true, service: 'amas', expect: { status: [200] } },
      { name: 'system', type: 'system', interval: '2s', timeout: '1s', mounts: ['/'] },
    ],
    ai: {
      include_catalogue: false,
      providers,
      rungs: { reachability: { interval: '1s', timeout: '1s' }, metadata: { interval: '2s', timeout: '2s' }, validation: { interval: '2s', timeout: '2s' } },
      budget: { requests: 100000, tokens: 100000000, usd: 1000 },
      egress: { canary_url: '' },
      rate_window: 5,
    },
    logs: {
      sources: [{ name: 'audit', path: path.join(dir, 'audit.log'), format: 'audit', start_at: 'beginning' }],
      positions_path: path.join(dir, 'positions.json'),
      poll_interval: '100ms',
    },
  });
}

const alertsNamed = (alerts: readonly PromAlert[], name: string): PromAlert[] => alerts.filter((alert) => alert.labels.alertname === name);

describe('end to end: a real Prometheus scrapes the real exporter with the shipped scrape config, rules and dashboards', () => {
  let dir: string;
  let sim: Simulator | undefined;
  let amas: { url: string; close(): Promise<void> } | undefined;
  let exporter: TestExporter | undefined;
  let prometheus: TestPrometheus | undefined;
  let startedAt: number;

  const prom = (): TestPrometheus => {
    if (!prometheus) throw new Error('Prometheus did not start');
    return prometheus;
  };
  const control = async (id: string, mode: string): Promise<void> => {
    const response = await fetch(`${sim?.origin}/_sim/providers/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) });
    expect([id, mode, response.status]).toEqual([id, mode, 200]);
  };
  const context = (): string => `\n--- exporter log ---\n${(exporter?.logLines() ?? []).slice(-20).join('\n')}\n--- prometheus ---\n${prometheus?.output().slice(-4000) ?? ''}`;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'amas-e2e-'));
    startedAt = Date.now() / 1000;
    sim = await startSimulator({
      providers: PROVIDERS.map((id) => {
        const entry = findProvider(id);
        if (!entry) throw new Error(`${id} is not in the catalogue`);
        return { id, style: entry.style, model: entry.model, api_key: keyOf(id), options: { latency_ms: [80, 250] } };
      }),
    });
    amas = await startFakeAmas(path.join(dir, 'audit.log'));
    const env = { ...process.env, ...Object.fromEntries(PROVIDERS.map((id) => [keyEnv(id), keyOf(id)])) };
    exporter = await startTestExporter(exporterConfig(sim, amas.url, dir), { env });
    prometheus = await startPrometheus(shortenedPrometheusConfig(exporter.port), shortenedRuleFiles());
  }, 90_000);

  afterAll(async () => {
    await prometheus?.close();
    await exporter?.close();
    await amas?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('scrapes the three jobs of the shipped layout from the exporter, every target up', async () => {
    const targets = await eventually(
      'three healthy targets',
      async () => {
        const active = await prom().targets();
        return active.length === 3 && active.every((target) => target.health === 'up') ? active : undefined;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}${context()}`);
    });
    expect(targets.map((target) => [target.labels.job, new URL(target.scrapeUrl).pathname + new URL(target.scrapeUrl).search]).sort()).toEqual([
      ['amas', '/metrics?exclude=ai-providers%2Csecurity'],
      ['amas-ai-providers', '/metrics/ai-providers'],
      ['amas-security', '/metrics/security'],
    ]);
  }, 40_000);

  it('stores no metric name under two jobs', async () => {
    // Wait until every group has data, so an empty answer means something.
    await eventually('provider, security and core series', async () => {
      const jobs = await prom().query('count by (job) ({__name__=~"amas_.+"})');
      return jobs.length === 3 ? jobs : undefined;
    }, 60_000);
    expect(await prom().query('count by (__name__) (count by (__name__, job) ({__name__=~"amas_.+"})) > 1')).toEqual([]);
  }, 70_000);

  it('evaluates every shipped alert and recording rule without error', async () => {
    const rules = await eventually(
      'every rule evaluated',
      async () => {
        const all = await prom().rules();
        return all.length > 0 && all.every((rule) => rule.health !== 'unknown') ? all : undefined;
      },
      30_000,
    );
    const shipped = [...alertFiles(), ...recordingFiles()].flatMap((file) => (YAML.parse(readFileSync(file, 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }> }).groups.flatMap((group) => group.rules));
    expect(rules.map((rule) => rule.name).sort()).toEqual(shipped.map((rule) => rule.alert ?? rule.record).sort());
    expect(rules.filter((rule) => rule.health !== 'ok').map((rule) => `${rule.name}: ${rule.lastError ?? ''}`)).toEqual([]);
    // And each expression, as written, is a query Prometheus accepts.
    for (const rule of shipped) await expect(prom().query(rule.expr)).resolves.toBeDefined();
  }, 40_000);

  it("raises the alerts AMAS's own traffic calls for, and no other, while every provider is honest", async () => {
    await eventually('validated runs of every provider', async () => {
      const validated = await prom().query('amas_provider_success_rate == 100');
      return validated.length === PROVIDERS.length ? validated : undefined;
    }, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}${context()}`);
    });
    // The audit log carries critical system_error violations and about 12% 5xx responses.
    const alerts = await eventually(
      'AMASSecurityBreach, AMASHighErrorRate and the error-rate SLO burn alerts',
      async () => {
        const all = await prom().alerts();
        const expected = ['AMASSecurityBreach', 'AMASHighErrorRate', 'AMASSLOErrorRateBudgetBurnFast', 'AMASSLOErrorRateBudgetBurnSlow'];
        return expected.every((name) => alertsNamed(all, name).length > 0) ? all : undefined;
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}${context()}`);
    });
    expect(alertsNamed(alerts, 'AMASSecurityBreach').map((alert) => alert.labels)).toEqual([expect.objectContaining({ severity: 'critical', team: 'security', event_type: 'system_error' })]);
    expect(Number(alertsNamed(alerts, 'AMASHighErrorRate')[0]?.value)).toBeGreaterThan(5);
    // The stand-in's 5xx share also burns the error-rate SLO's budget, fast and slow; nothing else fires.
    expect([...new Set(alerts.map((alert) => alert.labels.alertname))].sort()).toEqual(['AMASHighErrorRate', 'AMASSLOErrorRateBudgetBurnFast', 'AMASSLOErrorRateBudgetBurnSlow', 'AMASSecurityBreach']);
  }, 130_000);

  it('raises AMASFakeAIDetected and AMASProviderDegraded when a provider turns fake', async () => {
    await control('cerebras', 'canned');
    const fake = await eventually(
      'AMASFakeAIDetected for cerebras',
      async () => {
        const found = alertsNamed(await prom().alerts(), 'AMASFakeAIDetected').filter((alert) => alert.labels.provider === 'cerebras');
        return found.length > 0 ? found : undefined;
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}${context()}`);
    });
    // One alert per provider: the reasons are in its annotations, not in labels that would split it.
    expect(fake).toHaveLength(1);
    expect(fake[0]?.labels).toMatchObject({ severity: 'critical', team: 'security', provider: 'cerebras' });
    expect(fake[0]?.labels).not.toHaveProperty('reason');
    expect(fake[0]?.annotations?.reasons).toContain('template');
    const degraded = await eventually(
      'AMASProviderDegraded for cerebras',
      async () => {
        const found = alertsNamed(await prom().alerts(), 'AMASProviderDegraded').filter((alert) => alert.labels.provider === 'cerebras');
        return found.length > 0 ? found : undefined;
      },
      60_000,
    );
    expect(['pending', 'firing']).toContain(degraded[0]?.state);
    // The honest providers stay out of it.
    expect(alertsNamed(await prom().alerts(), 'AMASFakeAIDetected').map((alert) => alert.labels.provider)).toEqual(['cerebras']);
  }, 150_000);

  it('returns data for every panel query of the shipped dashboards', async () => {
    const targets = panelTargets();
    expect(targets.length).toBeGreaterThan(10);
    const empty = (): Promise<string[]> => panelsWithoutData(prom(), targets, startedAt);
    // Rate windows need a few scrapes of every event; wait (bounded) until every panel has data.
    const missing = await eventually('data for every panel', async () => {
      const found = await empty();
      return found.length === 0 ? found : undefined;
    }, 60_000, 2000).catch(async (error: Error) => {
      throw new Error(`${error.message}\npanels without data:\n${(await empty()).join('\n')}${context()}`);
    });
    expect(missing).toEqual([]);
  }, 90_000);

  it('raises AMASAllProvidersDown when every provider fails', async () => {
    for (const id of PROVIDERS) await control(id, 'down');
    const down = await eventually(
      'AMASAllProvidersDown',
      async () => {
        const found = alertsNamed(await prom().alerts(), 'AMASAllProvidersDown');
        return found.length > 0 ? found : undefined;
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}${context()}`);
    });
    expect(['pending', 'firing']).toContain(down[0]?.state);
    expect(down[0]?.labels).toMatchObject({ severity: 'critical', team: 'ai-ops' });
    expect(await prom().query('sum(amas_provider_health)')).toEqual([expect.objectContaining({ value: [expect.any(Number), '0'] })]);
  }, 90_000);
});
