import { writeFileSync } from 'node:fs';
import { spawnCli, type CliProcess } from '../helpers/binary';
import { waitFor, writeTempConfig } from '../helpers/exporter';
import { freePort } from '../helpers/ports';
import { keepReading, writeSummary } from './helpers/fault-run';
import { startBlackHole } from './helpers/own-servers';

/**
 * The process rows of the fault table, run against the built binary: signals arriving while probes
 * hang and while reloads are under way.
 */

/** The shutdown bound the README and docs/cli.md promise. */
const SHUTDOWN_BOUND_MS = 10_000;


async function metricsText(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/metrics`);
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

/** This suite's figures for docs/RELIABILITY.md (written after the last test). */
const figures = { faults: 0, signals: 0, served: 0, lost: 0, sigterm_exit_ms: 0 };
afterAll(() => writeSummary('process', figures));

const gauge = (text: string | undefined, name: string): number => Number(new RegExp(`^${name.replace(/[{}"=]/g, '\\$&')} (\\S+)$`, 'm').exec(text ?? '')?.[1] ?? Number.NaN);

describe('SIGTERM while every probe hangs', () => {
  let silent: Awaited<ReturnType<typeof startBlackHole>>;
  let cli: CliProcess | undefined;
  beforeAll(async () => {
    silent = await startBlackHole();
  });
  afterAll(async () => {
    cli?.child.kill('SIGKILL');
    await silent.close();
  });

  it('aborts the runs under way and exits 0 within the promised bound', async () => {
    const port = await freePort();
    const hung = `127.0.0.1:${silent.port}`;
    const configPath = writeTempConfig(`listen:
  address: 127.0.0.1
  port: ${port}
scheduler:
  max_concurrent: 8
ai:
  enabled: false
probes:
  - name: hung_postgres
    type: postgres
    url: postgres://amas@${hung}/amas
    interval: 60s
    timeout: 60s
  - name: hung_redis
    type: redis
    url: redis://${hung}/0
    interval: 60s
    timeout: 60s
  - name: hung_http
    type: http
    url: http://${hung}/health
    interval: 60s
    timeout: 60s
  - name: hung_tcp
    type: tcp
    host: 127.0.0.1
    port: ${silent.port}
    send: "PING\\r\\n"
    expect: "+PONG"
    interval: 60s
    timeout: 60s
`);
    cli = spawnCli(['serve', '--config', configPath]);
    const url = `http://127.0.0.1:${port}`;
    // Every probe is connected to the silent server and waiting for an answer that never comes.
    await waitFor(async () => gauge(await metricsText(url), 'amas_exporter_probes_in_flight') === 4 && silent.accepted() >= 4, 20_000, 100);
    const signalled = Date.now();
    cli.child.kill('SIGTERM');
    const code = await cli.exited();
    const tookMs = Date.now() - signalled;
    expect(code).toBe(0);
    figures.faults += 1;
    figures.signals += 1;
    figures.sigterm_exit_ms = tookMs;
    // The runs had 60 s left; awaiting them instead of aborting them overran the bound.
    expect(tookMs).toBeLessThan(SHUTDOWN_BOUND_MS);
    const log = cli.output();
    expect(log).toContain('"message":"shutting down"');
    expect(log).toContain('"probes_in_flight":4');
    expect(log).toContain('"message":"stopped"');
  }, 40_000);
});

describe('SIGHUP during reloads', () => {
  let cli: CliProcess | undefined;
  afterEach(() => cli?.child.kill('SIGKILL'));

  it('coalesces a burst of SIGHUPs, keeps serving, and ends on the last written config', async () => {
    const port = await freePort();
    const config = (probes: string[]): string => `listen:
  address: 127.0.0.1
  port: ${port}
ai:
  enabled: false
probes:
${probes.map((name) => `  - name: ${name}\n    type: redis\n    url: redis://127.0.0.1:6379/0\n    interval: 1s\n    timeout: 500ms\n`).join('')}`;
    const configPath = writeTempConfig(config(['first']));
    cli = spawnCli(['serve', '--config', configPath]);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => gauge(await metricsText(url), 'amas_probe_success{probe="first"}') === 1, 20_000, 100);
    const before = gauge(await metricsText(url), 'amas_exporter_config_reloads_total{result="success"}');

    // Twenty signals while the file changes under them: reloads run one at a time and coalesce.
    const reader = keepReading(url, ['/livez', '/metrics', '/health', '/readyz']);
    for (let signal = 0; signal < 20; signal += 1) {
      if (signal === 5) writeFileSync(configPath, config(['first', 'broken_then_fixed']).replace('interval: 1s', 'interval: never'));
      if (signal === 10) writeFileSync(configPath, config(['first', 'second']));
      cli.child.kill('SIGHUP');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(async () => gauge(await metricsText(url), 'amas_probe_success{probe="second"}') === 1, 20_000, 100);
    const served = await reader.stop();
    // Every read made during the burst was answered.
    expect(served.lost).toBe(0);
    expect(served.served).toBeGreaterThan(0);
    Object.assign(figures, { faults: figures.faults + 1, signals: figures.signals + 20, served: figures.served + served.served, lost: figures.lost + served.lost });
    const text = await metricsText(url);
    // One reload per second at most, whatever the number of signals: far fewer than twenty.
    expect(gauge(text, 'amas_exporter_config_reloads_total{result="success"}') - before).toBeLessThanOrEqual(3);
    expect(gauge(text, 'amas_exporter_config_last_reload_successful')).toBe(1);
    expect(cli.child.exitCode).toBeNull();

    cli.child.kill('SIGTERM');
    expect(await cli.exited()).toBe(0);
  }, 60_000);
});
