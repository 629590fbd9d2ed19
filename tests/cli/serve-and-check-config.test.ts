import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor, writeTempConfig } from '../helpers/exporter';
import { runCli, spawnCli } from '../helpers/binary';
import { freePort } from '../helpers/ports';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'config');
const DEFAULT_CONFIG = path.join(__dirname, '..', '..', 'config', 'exporter.yaml');

describe('amas-exporter check-config', () => {
  it('exits 0 for the shipped default config', () => {
    const result = runCli(['check-config', '--config', DEFAULT_CONFIG]);
    expect(result.stdout).toContain('valid');
    expect(result.status).toBe(0);
  });

  it('exits 1 and prints every located problem for an invalid file', () => {
    const result = runCli(['check-config', '--config', path.join(FIXTURES, 'invalid-multiple-problems.yaml')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('invalid-multiple-problems.yaml:1:12: log_level: expected "error" or "warn" or "info" or "debug", found "loud"');
    expect(result.stderr).toContain('invalid-multiple-problems.yaml:9:5: probes[1].colour: unknown key "colour"');
  });

  it('exits 2 when the file cannot be read, and honours AMAS_EXPORTER_CONFIG', () => {
    const result = runCli(['check-config'], { ...process.env, AMAS_EXPORTER_CONFIG: '/nonexistent/exporter.yaml' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('/nonexistent/exporter.yaml: cannot read the config file (ENOENT)');
  });
});

describe('amas-exporter serve', () => {
  it('runs the shipped default config, reloads on SIGHUP and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const shipped = readFileSync(DEFAULT_CONFIG, 'utf8').replace('port: 8001', `port: ${port}`).replace('address: 0.0.0.0', 'address: 127.0.0.1');
    const configPath = writeTempConfig(shipped);
    const cli = spawnCli(['serve', '--config', configPath]);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => {
        try {
          return (await fetch(`${url}/readyz`)).status === 200;
        } catch {
          return false;
        }
      }, 30_000, 200);
      const health = (await (await fetch(`${url}/health`)).json()) as { services: Record<string, string> };
      // Postgres and Redis on this machine are probed for real; the absent AMAS app is reported, not fatal.
      expect(health.services.database).toBe('healthy');
      expect(health.services.redis).toBe('healthy');

      writeFileSync(configPath, shipped.replace(/\n {2}- name: neo4j[\s\S]*?(?=\n {2}- name:)/, ''));
      cli.child.kill('SIGHUP');
      await waitFor(async () => !(await (await fetch(`${url}/metrics`)).text()).includes('probe="neo4j"'), 10_000, 100);

      cli.child.kill('SIGTERM');
      expect(await cli.exited()).toBe(0);
      expect(cli.output()).toContain('"message":"shutting down"');
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses to start on an invalid config with exit 1 and the located problems', () => {
    const result = runCli(['serve', '--config', path.join(FIXTURES, 'invalid-log-level.yaml')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('log_level: expected "error" or "warn" or "info" or "debug", found "verbose"');
  });
});
