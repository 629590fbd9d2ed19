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

  it('prints JSON with --json, for a valid and for an invalid file', () => {
    const valid = runCli(['check-config', '--json', '--config', DEFAULT_CONFIG]);
    expect(valid.status).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({ valid: true, problems: [] });
    const invalid = runCli(['check-config', '--config', path.join(FIXTURES, 'invalid-multiple-problems.yaml'), '--json']);
    expect(invalid.status).toBe(2);
    const body = JSON.parse(invalid.stdout) as { valid: boolean; problems: { line: number; column: number; path: string; message: string }[] };
    expect(body.valid).toBe(false);
    expect(body.problems).toContainEqual(expect.objectContaining({ line: 9, column: 5, path: 'probes[1].colour', message: 'unknown key "colour"' }));
  });

  it('exits 2 (config unusable) and prints every located problem for an invalid file', () => {
    const result = runCli(['check-config', '--config', path.join(FIXTURES, 'invalid-multiple-problems.yaml')]);
    expect(result.status).toBe(2);
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
    const shipped = readFileSync(DEFAULT_CONFIG, 'utf8').replace('port: 8001', `port: ${port}`).replace('health_port: 8002', 'health_port: 0').replace('address: 0.0.0.0', 'address: 127.0.0.1');
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

  it('refuses to start on an invalid config with exit 2 and the located problems', () => {
    const result = runCli(['serve', '--config', path.join(FIXTURES, 'invalid-log-level.yaml')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('log_level: expected "error" or "warn" or "info" or "debug", found "verbose"');
  });
});

/** A config whose server, if one were started by mistake, binds a free port on 127.0.0.1 only. */
function harmlessConfig(): string {
  return writeTempConfig('listen:\n  address: 127.0.0.1\n  port: 0\nai:\n  enabled: false\nprobes: []\n');
}

describe('one exit-code table and strict flags for every command', () => {
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, AMAS_EXPORTER_CONFIG: harmlessConfig() });

  it('--version prints the version and exits 0 without starting the server', () => {
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['serve', '--version'], ['probe', '--version']]) {
      const result = runCli(args, env(), 15_000);
      expect({ args, status: result.status, stdout: result.stdout }).toEqual({ args, status: 0, stdout: `amas-exporter ${version}\n` });
    }
  });

  it('refuses a flag given without a command (64) instead of starting the server', () => {
    for (const args of [['--bogus'], ['--config', harmlessConfig()], ['--json']]) {
      const result = runCli(args, env(), 15_000);
      expect({ args, status: result.status }).toEqual({ args, status: 64 });
      expect(result.stderr).toContain('amas-exporter: ');
      expect(result.stdout).not.toContain('"message":"listening"');
    }
    expect(runCli(['--config', 'x.yaml'], env(), 15_000).stderr).toContain('name a command, e.g. amas-exporter serve --config x.yaml');
  });

  it('refuses an undeclared flag (64) naming it, for every command', () => {
    // Every command the top-level help lists, so a command added later is held to the same rule.
    const help = runCli(['--help'], env(), 15_000).stdout;
    const names = [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]+) {2,}\S/gm)].map((match) => match[1] as string);
    expect(names).toEqual(expect.arrayContaining(['serve', 'check-config', 'probe', 'test-provider', 'test-providers', 'benchmark-providers', 'test-monitoring', 'export-audit-logs']));
    for (const name of names) {
      const result = runCli([name, '--once', '--definitely-bogus'], env(), 15_000);
      expect({ name, status: result.status }).toEqual({ name, status: 64 });
      expect(result.stderr).toMatch(/unknown flag --(definitely-bogus|once)/);
    }
    const probe = runCli(['probe', '--once', '--bogus'], env(), 15_000);
    expect(probe.status).toBe(64);
    expect(probe.stderr).toContain('amas-exporter probe: unknown flag --bogus');
  });

  it('refuses a value flag without its value, a switch with one and a stray argument (64)', () => {
    const cases: [string[], string][] = [
      [['probe', '--once', '--only'], '--only needs a value'],
      [['probe', '--only', '--once'], '--only needs a value'],
      [['check-config', '--config'], '--config needs a value'],
      [['check-config', '--json=yes'], '--json takes no value'],
      [['test-providers', 'extra'], 'unexpected argument "extra"'],
    ];
    for (const [args, message] of cases) {
      const result = runCli(args, env(), 15_000);
      expect({ args, status: result.status }).toEqual({ args, status: 64 });
      expect(result.stderr).toContain(message);
    }
  });

  it('exits 2 when the config cannot be used, whichever command reads it', () => {
    const invalid = path.join(FIXTURES, 'invalid-log-level.yaml');
    for (const args of [['check-config'], ['serve'], ['probe', '--once'], ['test-provider', 'openai'], ['test-providers'], ['benchmark-providers', '--yes'], ['export-audit-logs'], ['analyze-security-events'], ['generate-compliance-report']]) {
      const result = runCli([...args, '--config', invalid], env(), 30_000);
      expect({ args, status: result.status }).toEqual({ args, status: 2 });
      expect(result.stderr).toContain('log_level: expected');
    }
  });

  it('--help lists every declared flag and exits 0', () => {
    for (const [name, flags] of [['probe', ['--once', '--only VALUE', '--json', '--config PATH', '--version']], ['check-config', ['--json']], ['serve', ['--config PATH']]] as const) {
      const result = runCli([name, '--help'], env(), 15_000);
      expect(result.status).toBe(0);
      for (const flag of flags) expect(result.stdout).toContain(flag);
    }
    expect(runCli(['--help'], env(), 15_000).status).toBe(0);
  });
});
