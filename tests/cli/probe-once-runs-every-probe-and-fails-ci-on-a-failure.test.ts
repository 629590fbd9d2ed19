import net from 'node:net';
import { writeTempConfig } from '../helpers/exporter';
import { freePort } from '../helpers/ports';
import { runCli } from './run-cli';
import { aiSection, expectNoKeys, keyEnv, recorded, startProviders } from './sim-providers';

const healthy = `
probes:
  - name: postgres
    type: postgres
    url: postgres://postgres@127.0.0.1:5432/postgres
    interval: 15s
    timeout: 5s
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 15s
    timeout: 5s
`;

describe('amas-exporter probe --once', () => {
  let closedPort: number;
  let silent: net.Server;
  let silentPort: number;
  beforeAll(async () => {
    closedPort = await freePort();
    // Accepts connections and never answers: the tcp probe's `expect` must hit its timeout.
    silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => silent.close(() => resolve())));

  it('prints a passing row for real Postgres and Redis and exits 0', async () => {
    const run = await runCli(['probe', '--once', '--config', writeTempConfig(healthy)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^NAME\s+RESULT\s+REASON\s+DURATION\s+MESSAGE$/m);
    expect(run.stdout).toMatch(/^postgres\s+pass\s+\d+ ms\s+\S/m);
    expect(run.stdout).toMatch(/^redis\s+pass\s+\d+ ms\s+Redis answered PING$/m);
    expect(run.stdout).toContain('2 probes: 2 passed, 0 failed');
  });

  it('exits 1 and names the reason when a probe fails, timeouts included', async () => {
    const config = writeTempConfig(`${healthy}
  - name: refused
    type: tcp
    host: 127.0.0.1
    port: ${closedPort}
    interval: 15s
    timeout: 2s
  - name: mute
    type: tcp
    host: 127.0.0.1
    port: ${silentPort}
    expect: HELLO
    interval: 15s
    timeout: 300ms
`);
    const run = await runCli(['probe', '--once', '--config', config]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^refused\s+FAIL\s+connect_refused\s+\d+ ms\s+TCP check failed/m);
    expect(run.stdout).toMatch(/^mute\s+FAIL\s+timeout\s+\d+ ms\s+/m);
    expect(run.stdout).toContain('4 probes: 2 passed, 2 failed');
  });

  it('prints JSON with --json and runs only the probes named by --only', async () => {
    const config = writeTempConfig(`${healthy}
  - name: refused
    type: tcp
    host: 127.0.0.1
    port: ${closedPort}
`);
    const run = await runCli(['probe', '--once', '--json', '--only', 'redis,refused', '--config', config]);
    expect(run.code).toBe(1);
    const rows = JSON.parse(run.stdout) as { name: string; ok: boolean; reason: string | null; duration_seconds: number; message: string }[];
    expect(rows.map((row) => row.name)).toEqual(['redis', 'refused']);
    expect(rows[0]).toMatchObject({ ok: true, reason: null });
    expect(rows[1]).toMatchObject({ ok: false, reason: 'connect_refused' });
    expect(rows[1]?.duration_seconds).toBeGreaterThanOrEqual(0);
  });

  it('never prints a password from the config', async () => {
    const password = 'probe-once-secret-pw-1234';
    const config = writeTempConfig(`
probes:
  - name: postgres
    type: postgres
    url: postgres://postgres:\${PG_PASSWORD}@127.0.0.1:${closedPort}/postgres
    timeout: 2s
`);
    const run = await runCli(['probe', '--once', '--verbose', '--config', config], { env: { PG_PASSWORD: password } });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).not.toContain(password);
  });

  it('tells usage errors (64) and unusable configs (2) apart from failing probes', async () => {
    const config = writeTempConfig(healthy);
    expect((await runCli(['probe', '--config', config])).code).toBe(64);
    expect((await runCli(['probe', '--once', '--only', 'nope', '--config', config])).code).toBe(64);
    const invalid = await runCli(['probe', '--once', '--config', writeTempConfig('probes: {}\n')]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('the config cannot be used');
    expect((await runCli(['probe', '--once', '--config', '/nonexistent/exporter.yaml'])).code).toBe(2);
  }, 90_000);

  it("runs the AI providers' ladders too, and a fake provider fails the run", async () => {
    const sim = await startProviders();
    try {
      const config = writeTempConfig(`${healthy}\n${aiSection(sim, ['cerebras', 'grok'])}`);
      const run = await runCli(['probe', '--once', '--config', config], { env: keyEnv() });
      expect(run.code).toBe(1);
      for (const rung of ['reachability', 'metadata', 'validation']) expect(run.stdout).toMatch(new RegExp(`^ai_cerebras_${rung}\\s+pass\\s+\\d+ ms`, 'm'));
      expect(run.stdout).toMatch(/^ai_grok_validation\s+FAIL\s+fake_ai\s+\d+ ms\s+fake AI detected \(template\)/m);
      expect(run.stdout).toContain('8 probes: 7 passed, 1 failed');
      // One paid call per provider: the rungs below were shared, not run twice.
      expect(await recorded(sim, 'cerebras', 'generation')).toHaveLength(1);
      expect(await recorded(sim, 'grok', 'generation')).toHaveLength(1);
      expectNoKeys(run.stdout, run.stderr);
    } finally {
      await sim.close();
    }
  });

  it('documents its flags and exit codes in --help', async () => {
    const run = await runCli(['probe', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--once');
    expect(run.stdout).toMatch(/Exit codes: 0 .*1 .*2 /s);
  });
});
