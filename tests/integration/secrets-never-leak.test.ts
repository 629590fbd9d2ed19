import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';

const ENV_SECRET = 'planted-env-secret-7c1e9a4b';
const FILE_SECRET = 'planted-file-secret-2d8f6e0c';
const ENDPOINTS = ['/metrics', '/metrics/ai-providers', '/metrics/security', '/health', '/ready', '/livez', '/readyz', '/no-such-page'];

describe('a secret planted through ${ENV} and through a *_file', () => {
  let exporter: TestExporter;
  const secretDir = mkdtempSync(path.join(tmpdir(), 'amas-secret-'));
  const secretFile = path.join(secretDir, 'neo4j-password');
  writeFileSync(secretFile, `${FILE_SECRET}\n`);
  const config = `
log_level: debug
admin:
  http_reload: true
probes:
  - name: app_with_credentials
    type: http
    url: http://127.0.0.1:1/health
    headers:
      Authorization: Bearer \${AMAS_HTTP_PASSWORD}
    interval: 300ms
    timeout: 250ms
  - name: redis_with_password
    type: redis
    url: redis://:\${AMAS_HTTP_PASSWORD}@127.0.0.1:1/0
    interval: 300ms
    timeout: 250ms
  - name: neo4j
    type: neo4j
    uri: bolt://127.0.0.1:1
    password_file: ${secretFile}
    interval: 300ms
    timeout: 250ms
`;

  beforeAll(async () => {
    exporter = await startTestExporter(config, { env: { ...process.env, AMAS_HTTP_PASSWORD: ENV_SECRET } });
    await waitFor(() => exporter.exporter.store.all().every((record) => record.runs >= 2), 10_000);
  });
  afterAll(() => exporter.close());

  it('reaches the probes (they fail for other reasons than a missing secret)', () => {
    expect(exporter.exporter.store.get('neo4j')?.latest?.outcome).toMatchObject({ ok: false, reason: 'connect_refused' });
    expect(exporter.exporter.store.get('redis_with_password')?.latest?.outcome).toMatchObject({ ok: false });
  });

  it.each(ENDPOINTS)('appears nowhere in %s', async (endpoint) => {
    for (const accept of ['text/plain', 'application/openmetrics-text']) {
      const response = await request(exporter.url).get(endpoint).set('Accept', accept);
      expect(response.text).not.toContain(ENV_SECRET);
      expect(response.text).not.toContain(FILE_SECRET);
    }
  });

  it('appears in no log line at debug level, including a refused reload that quotes the bad value', async () => {
    exporter.writeConfig(`${config}\nscheduler:\n  max_concurrent: \${AMAS_HTTP_PASSWORD}\n`);
    const refused = await request(exporter.url).post('/-/reload');
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).not.toContain(ENV_SECRET);
    expect(JSON.stringify(refused.body)).toContain('[REDACTED]');
    const lines = exporter.logLines();
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.some((line) => line.includes('"level":"debug"') || line.includes('"level":"warn"'))).toBe(true);
    for (const line of lines) {
      expect(line).not.toContain(ENV_SECRET);
      expect(line).not.toContain(FILE_SECRET);
    }
  });
});
