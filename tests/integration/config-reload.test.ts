import { renameSync } from 'node:fs';
import request from 'supertest';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';

const TWO_PROBES = `
admin:
  http_reload: true
probes:
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 300ms
    timeout: 250ms
  - name: postgres
    type: postgres
    url: postgres://postgres@127.0.0.1:5432/postgres
    interval: 300ms
    timeout: 250ms
`;

const REDIS_ONLY = `
admin:
  http_reload: true
probes:
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 300ms
    timeout: 250ms
`;

const metrics = async (exporter: TestExporter): Promise<string> => (await request(exporter.url).get('/metrics')).text;

describe('reloading the config without a restart', () => {
  let exporter: TestExporter;
  beforeEach(async () => {
    exporter = await startTestExporter(TWO_PROBES);
    await waitFor(() => exporter.exporter.store.allRanOnce());
  });
  afterEach(() => exporter.close());

  it('removes the series of a probe that left the config and keeps the state of an unchanged one', async () => {
    expect(await metrics(exporter)).toContain('amas_probe_success{probe="postgres"}');
    const redisRecord = exporter.exporter.store.get('redis');

    exporter.writeConfig(REDIS_ONLY);
    const reload = await request(exporter.url).post('/-/reload');
    expect(reload.status).toBe(200);

    // /metrics is rendered from memory on change (within a fraction of a second), never per request.
    await waitFor(async () => !/probe="postgres"/.test(await metrics(exporter)), 5_000);
    const text = await metrics(exporter);
    expect(text).not.toMatch(/amas_database_connections_active\{/);
    expect(text).toContain('amas_probe_success{probe="redis"} 1');
    expect(exporter.exporter.store.get('redis')).toBe(redisRecord);
    expect(text).toMatch(/^amas_exporter_config_last_reload_successful 1$/m);
  });

  it('refuses a broken file, keeps the old config serving and says so in metrics and logs', async () => {
    exporter.writeConfig('admin:\n  http_reload: true\nprobes:\n  - name: redis\n    type: redis\n    interval: soon\n');
    const reload = await request(exporter.url).post('/-/reload');
    expect(reload.status).toBe(400);
    expect(reload.body.problems[0]).toMatchObject({ path: 'probes[0].interval', line: 6 });

    const text = await metrics(exporter);
    expect(text).toMatch(/^amas_exporter_config_last_reload_successful 0$/m);
    expect(text).toContain('amas_exporter_config_reloads_total{result="failure"} 1');
    expect(text).toContain('amas_probe_success{probe="postgres"}');
    const runsBefore = exporter.exporter.store.get('postgres')?.runs ?? 0;
    await waitFor(() => (exporter.exporter.store.get('postgres')?.runs ?? 0) > runsBefore + 1);
    expect(exporter.logLines().some((line) => line.includes('config reload refused'))).toBe(true);
    expect((await request(exporter.url).get('/health')).body.checks.map((c: { name: string }) => c.name)).toEqual(['redis', 'postgres']);
  });

  it('starts a probe that joined the config', async () => {
    exporter.writeConfig(`${TWO_PROBES}
  - name: redis_tcp
    type: tcp
    host: 127.0.0.1
    port: 6379
    interval: 300ms
    timeout: 250ms
`);
    expect((await request(exporter.url).post('/-/reload')).status).toBe(200);
    await waitFor(async () => (await metrics(exporter)).includes('amas_probe_success{probe="redis_tcp"} 1'));
  });
});

describe('a config file that changes on disk', () => {
  it('is reloaded without a signal or request', async () => {
    const exporter = await startTestExporter(TWO_PROBES, { watchIntervalMs: 100 });
    try {
      await waitFor(() => exporter.exporter.store.allRanOnce());
      exporter.writeConfig(REDIS_ONLY);
      await waitFor(() => exporter.exporter.scheduler.names().join() === 'redis', 10_000);
      expect(await metrics(exporter)).not.toMatch(/probe="postgres"/);
    } finally {
      await exporter.close();
    }
  });
});

describe('a config file moved away and back unchanged', () => {
  it('is read again when it is back, and its absence keeps the config running', async () => {
    const exporter = await startTestExporter(TWO_PROBES, { watchIntervalMs: 100 });
    const aside = `${exporter.configPath}.aside`;
    const successes = async (): Promise<number> => Number(/^amas_exporter_config_reloads_total\{result="success"\} (\d+)$/m.exec(await metrics(exporter))?.[1] ?? 0);
    try {
      await waitFor(() => exporter.exporter.store.allRanOnce());
      const before = await successes();
      renameSync(exporter.configPath, aside);
      await waitFor(() => exporter.logLines().some((line) => line.includes('config file missing')), 10_000);
      // Node's watchFile reports the file's return with the stat from before it left: same inode,
      // same mtime. The exporter compares with what it saw last (the file missing) and reads it.
      renameSync(aside, exporter.configPath);
      await waitFor(async () => (await successes()) > before, 10_000);
      const text = await metrics(exporter);
      expect(text).toMatch(/^amas_exporter_config_last_reload_successful 1$/m);
      expect(text).not.toContain('amas_exporter_config_reloads_total{result="failure"}');
      expect(exporter.exporter.scheduler.names().sort()).toEqual(['postgres', 'redis']);
    } finally {
      await exporter.close();
    }
  });
});
