import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { runCli } from './run-cli';

/**
 * `test-monitoring` against a URL where no exporter answers prints one row whose detail says what
 * happened there (refused, no reply, no such host, a port fetch refuses) and what to check, and
 * exits 1; never a row per endpoint, never a regular expression.
 */
describe('test-monitoring against a URL where nothing answers', () => {
  let silent: net.Server;
  const held: net.Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never writes a byte: what a hung process or a half-open tunnel looks like.
    silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  const rows = (stdout: string): string[] => stdout.split('\n').filter((line) => /\s(PASS|FAIL)\s/.test(line));

  it.each([
    ['a port where something accepts but never replies', () => `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, /FAIL\s+no answer within 1000 ms: something accepts or drops the connection but does not reply; check the URL, a firewall or NetworkPolicy, or give more --timeout$/],
    ['a host name that does not resolve', () => 'http://amas-exporter.invalid:8001', /FAIL\s+no answer \((ENOTFOUND|EAI_AGAIN)\): the host name does not resolve from here; check the URL$/],
    ['a port fetch refuses to call', () => 'http://127.0.0.1:1', /FAIL\s+no answer \(bad port\): fetch refuses this port number; use the exporter's port \(8001 by default\)$/],
  ])('%s: one row that says so, exit 1', async (_what, url, detail) => {
    const run = await runCli(['test-monitoring', '--url', url(), '--timeout', '1s']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: '' });
    expect(rows(run.stdout)).toHaveLength(1);
    expect(rows(run.stdout)[0]).toMatch(new RegExp(`^exporter answers at ${url().replace(/[./]/g, '\\$&')}\\s+${detail.source}`));
    expect(run.stdout).toMatch(/^1 checks: 0 passed, 1 failed$/m);
    expect(run.stdout).not.toMatch(/\\[bBdsw]|\^|TypeError|fetch failed/);
  }, 30_000);

  it('says the same in --json', async () => {
    const run = await runCli(['test-monitoring', '--url', 'http://127.0.0.1:1', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, checks: [{ name: 'exporter answers at http://127.0.0.1:1', ok: false, detail: expect.stringContaining('bad port') }] });
  });
});
