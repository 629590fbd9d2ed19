import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startServer, type RunningServer } from '../../src/cli/serve';
import { waitFor, withoutProviderKeys, writeTempConfig } from '../helpers/exporter';

// The health port (listen.health_port) answers from its own thread: while the main loop is
// blocked (here for 2.5 s, as a long garbage collection or a heavy render blocks it) a kubelet
// probe still gets an answer, and once the loop has been quiet past stalled_after, the answer is
// 503 "stalled". The main port, on the blocked loop, answers nothing meanwhile: what the port fixes.
const STALL_MS = 2500;
let running: RunningServer;
let configPath: string;

/** Blocks this thread, which is also the exporter's main loop. */
function blockLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}

/** A client in another process: polls each URL in turn for `ms`, then prints what it got. */
const POLLER = `
const http = require('node:http');
const [ms, ...urls] = process.argv.slice(1);
const end = Date.now() + Number(ms);
const results = [];
const get = (url) => new Promise((resolve) => {
  const sent = Date.now();
  const request = http.get(url, { timeout: 6000, agent: false }, (response) => {
    let body = '';
    response.on('data', (chunk) => (body += chunk));
    response.on('end', () => resolve({ url, status: response.statusCode, sent, at: Date.now(), body }));
  });
  request.on('timeout', () => request.destroy(new Error('timeout')));
  request.on('error', (error) => resolve({ url, status: null, sent, at: Date.now(), body: error.message }));
});
(async () => {
  process.stdout.write('polling\\n');
  await Promise.all(urls.map(async (url) => {
    for (let i = 0; i < 400 && Date.now() < end; i += 1) {
      results.push(await get(url));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }));
  process.stdout.write(JSON.stringify(results) + '\\n');
})();
`;

interface Polled {
  readonly url: string;
  readonly status: number | null;
  readonly sent: number;
  readonly at: number;
  readonly body: string;
}

beforeAll(async () => {
  configPath = writeTempConfig('listen:\n  address: 127.0.0.1\n  port: 0\n  health_port: 0\n  stalled_after: 1s\nprobes: []\nai:\n  enabled: false\n');
  running = await startServer({ configPath, env: withoutProviderKeys(process.env), logStream: new (require('node:stream').PassThrough)(), watchIntervalMs: 0 });
});

afterAll(async () => {
  await running?.close();
  rmSync(path.dirname(configPath), { recursive: true, force: true });
});

test('the health port serves /livez and /readyz only', async () => {
  const base = `http://127.0.0.1:${running.healthPort}`;
  expect(running.healthPort).toBeGreaterThan(0);
  const live = await fetch(`${base}/livez`);
  expect(live.status).toBe(200);
  expect(await live.json()).toMatchObject({ status: 'alive' });
  await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, 10_000, 100);
  expect((await fetch(`${base}/metrics`)).status).toBe(404);
});

test('while the main loop is blocked the health port answers, then says "stalled"; the main port answers nothing', async () => {
  const health = `http://127.0.0.1:${running.healthPort}/livez`;
  const main = `http://127.0.0.1:${running.port}/livez`;
  const child = spawn(process.execPath, ['-e', POLLER, String(STALL_MS + 1500), health, main], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await waitFor(() => output.includes('polling'), 10_000, 20);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const stallStart = Date.now();
  blockLoop(STALL_MS);
  const stallEnd = Date.now();
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const results = JSON.parse(output.trim().split('\n').at(-1) as string) as Polled[];
  const during = (entry: Polled): boolean => entry.at > stallStart + 100 && entry.at < stallEnd - 100;
  const healthDuring = results.filter((entry) => entry.url === health && during(entry));
  // Answered during the stall, first alive, then stalled once the loop was quiet past 1 s.
  expect(healthDuring.filter((entry) => entry.status === 200).length).toBeGreaterThanOrEqual(1);
  expect(healthDuring.filter((entry) => entry.status === 503 && JSON.parse(entry.body).status === 'stalled').length).toBeGreaterThanOrEqual(1);
  // The main port shares the blocked loop: nothing it answered arrived during the stall.
  expect(results.filter((entry) => entry.url === main && during(entry))).toEqual([]);
  // After the stall both are alive again.
  const after = results.filter((entry) => entry.sent > stallEnd + 300);
  expect(after.length).toBeGreaterThan(0);
  expect(after.every((entry) => entry.status === 200)).toBe(true);
}, 30_000);
