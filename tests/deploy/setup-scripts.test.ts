import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports';
import { DEPLOY, requireBinary, ROOT } from './tools';

const IMPORT = path.join(ROOT, 'scripts', 'import-grafana-dashboards.sh');
const SETUP = path.join(ROOT, 'scripts', 'setup-alertmanager.sh');
const DASHBOARDS = path.join(DEPLOY, 'grafana', 'dashboards');

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Answers `METHOD path` with the given status and JSON; anything else 404. Records every request. */
interface StandIn {
  readonly url: string;
  readonly requests: Recorded[];
  answer(route: string, status: number, body: unknown): void;
  close(): Promise<void>;
}

async function startStandIn(): Promise<StandIn> {
  const routes = new Map<string, { status: number; body: unknown }>();
  const requests: Recorded[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const route = routes.get(`${request.method} ${request.url}`) ?? { status: 404, body: { message: 'Not found' } };
      response.writeHead(route.status, { 'content-type': 'application/json' }).end(typeof route.body === 'string' ? route.body : JSON.stringify(route.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer: (route, status, body) => routes.set(route, { status, body }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Runs a script without blocking this process (the stand-in answers from it); killed after 30 s. */
function runScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const dashboardFiles = (): string[] => readdirSync(DASHBOARDS).filter((name) => name.endsWith('.json')).sort();

describe('scripts/import-grafana-dashboards.sh against a stand-in Grafana', () => {
  let grafana: StandIn;
  const TOKEN = 'glsa_test_token_0123456789';
  beforeEach(async () => {
    grafana = await startStandIn();
    grafana.answer('GET /api/health', 200, { database: 'ok' });
    grafana.answer('GET /api/datasources/uid/amas-prometheus', 200, { uid: 'amas-prometheus' });
    grafana.answer('GET /api/folders/amas', 404, { message: 'folder not found' });
    grafana.answer('POST /api/folders', 200, { uid: 'amas', title: 'AMAS' });
    grafana.answer('POST /api/dashboards/db', 200, { status: 'success', url: '/d/x/y' });
  });
  afterEach(() => grafana.close());

  it('creates the folder and POSTs every shipped dashboard to /api/dashboards/db with the token', async () => {
    const run = await runScript(IMPORT, [], { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const posts = grafana.requests.filter((request) => request.url === '/api/dashboards/db');
    expect(posts.map((post) => post.method)).toEqual(dashboardFiles().map(() => 'POST'));
    const sent = posts.map((post) => JSON.parse(post.body) as { dashboard: { uid: string; id: unknown; panels: unknown[] }; overwrite: boolean; folderUid: string });
    const shipped = dashboardFiles().map((name) => JSON.parse(readFileSync(path.join(DASHBOARDS, name), 'utf8')) as { uid: string; panels: unknown[] });
    expect(sent.map((body) => body.dashboard.uid)).toEqual(shipped.map((dashboard) => dashboard.uid));
    // The whole dashboard goes, unchanged but for a null id.
    sent.forEach((body, index) => expect(body.dashboard).toEqual({ ...shipped[index], id: null }));
    for (const body of sent) expect(body).toMatchObject({ overwrite: true, folderUid: 'amas' });
    for (const request of grafana.requests.filter((each) => each.url !== '/api/health')) expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(posts[0]?.headers['content-type']).toBe('application/json');
    const folder = grafana.requests.find((request) => request.method === 'POST' && request.url === '/api/folders');
    expect(JSON.parse(folder?.body ?? '{}')).toEqual({ uid: 'amas', title: 'AMAS' });
    expect(run.stdout).toContain(`${dashboardFiles().length} dashboards imported into ${grafana.url}`);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('uses basic auth from GRAFANA_USER and GRAFANA_PASSWORD, one named file, and the General folder when GRAFANA_FOLDER is empty', async () => {
    const file = path.join(DASHBOARDS, 'amas-slo.json');
    const run = await runScript(IMPORT, [file], { GRAFANA_URL: `${grafana.url}/`, GRAFANA_USER: 'admin', GRAFANA_PASSWORD: 'pässword', GRAFANA_FOLDER: '' });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const posts = grafana.requests.filter((request) => request.url === '/api/dashboards/db');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.headers.authorization).toBe(`Basic ${Buffer.from('admin:pässword').toString('base64')}`);
    expect(JSON.parse(posts[0]?.body ?? '{}')).not.toHaveProperty('folderUid');
    expect(grafana.requests.some((request) => request.url.startsWith('/api/folders'))).toBe(false);
  });

  it('fails clearly with exit 2 and sends nothing without credentials', async () => {
    const run = await runScript(IMPORT, [], { GRAFANA_URL: grafana.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no credentials: set GRAFANA_TOKEN');
    expect(grafana.requests).toEqual([]);
  });

  it("exits 1 naming the dashboard and Grafana's message when an import is refused, and still tries the others", async () => {
    grafana.answer('POST /api/dashboards/db', 412, { message: 'The dashboard has been changed by someone else', status: 'version-mismatch' });
    const run = await runScript(IMPORT, [], { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('FAILED amas-slo.json: HTTP 412: The dashboard has been changed by someone else');
    expect(run.stderr).toContain(`${dashboardFiles().length} of ${dashboardFiles().length} dashboards were not imported`);
    expect(grafana.requests.filter((request) => request.url === '/api/dashboards/db')).toHaveLength(dashboardFiles().length);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('stops at the first call when Grafana refuses the credentials', async () => {
    grafana.answer('GET /api/datasources/uid/amas-prometheus', 401, { message: 'Invalid API key' });
    const run = await runScript(IMPORT, [], { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: 'wrong' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Grafana at ${grafana.url} refused the credentials (HTTP 401: Invalid API key)`);
    expect(grafana.requests.some((request) => request.url === '/api/dashboards/db')).toBe(false);
  });

  it('warns when the datasource the dashboards name is missing, and still imports', async () => {
    grafana.answer('GET /api/datasources/uid/amas-prometheus', 404, { message: 'Data source not found' });
    const run = await runScript(IMPORT, [], { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: Grafana has no datasource with uid amas-prometheus');
  });

  it('exits 1 when nothing answers, and 2 for a file that is not a dashboard', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await runScript(IMPORT, [], { GRAFANA_URL: nowhere, GRAFANA_TOKEN: TOKEN });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`no answer from Grafana at ${nowhere}`);
    const dir = mkdtempSync(path.join(tmpdir(), 'amas-dash-'));
    try {
      writeFileSync(path.join(dir, 'x.json'), '{"panels": []}');
      const bad = await runScript(IMPORT, [path.join(dir, 'x.json')], { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('x.json is not a dashboard JSON with a uid and a title');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scripts/setup-alertmanager.sh against a stand-in Alertmanager', () => {
  let alertmanager: StandIn;
  let dir: string;
  beforeAll(() => requireBinary('amtool'));
  beforeEach(async () => {
    alertmanager = await startStandIn();
    alertmanager.answer('POST /-/reload', 200, '');
    alertmanager.answer('GET /-/ready', 200, 'OK');
    dir = mkdtempSync(path.join(tmpdir(), 'amas-am-'));
  });
  afterEach(async () => {
    await alertmanager.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks the shipped config with amtool, then POSTs /-/reload and checks /-/ready', async () => {
    const run = await runScript(SETUP, [], { ALERTMANAGER_URL: alertmanager.url });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/SUCCESS/);
    expect(alertmanager.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /-/reload', 'GET /-/ready']);
  });

  it('installs the checked file at ALERTMANAGER_CONFIG_DEST before the reload, with a bearer token', async () => {
    const dest = path.join(dir, 'alertmanager.yml');
    const source = path.join(DEPLOY, 'alertmanager', 'alertmanager.notify.yml');
    const run = await runScript(SETUP, [source], { ALERTMANAGER_URL: alertmanager.url, ALERTMANAGER_CONFIG_DEST: dest, ALERTMANAGER_TOKEN: 'am-token' });
    expect(run.code).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe(readFileSync(source, 'utf8'));
    expect(alertmanager.requests[0]?.headers.authorization).toBe('Bearer am-token');
  });

  it('reloads nothing and installs nothing when amtool rejects the config', async () => {
    const bad = path.join(dir, 'bad.yml');
    const dest = path.join(dir, 'dest.yml');
    writeFileSync(bad, 'route:\n  receiver: nobody\nreceivers:\n  - name: someone\n');
    const run = await runScript(SETUP, [bad], { ALERTMANAGER_URL: alertmanager.url, ALERTMANAGER_CONFIG_DEST: dest });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/undefined receiver "nobody"/);
    expect(run.stderr).toContain('amtool rejected');
    expect(alertmanager.requests).toEqual([]);
    expect(readdirSync(dir)).toEqual(['bad.yml']);
  });

  it("exits 1 with Alertmanager's reason when the reload fails, and when nothing answers", async () => {
    alertmanager.answer('POST /-/reload', 500, 'failed to reload config: yaml: line 3: mapping values are not allowed');
    const failed = await runScript(SETUP, [], { ALERTMANAGER_URL: alertmanager.url });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('did not reload (HTTP 500): failed to reload config: yaml: line 3');
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await runScript(SETUP, [], { ALERTMANAGER_URL: nowhere });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`no answer from Alertmanager at ${nowhere}`);
  });

  it('exits 2 when amtool is missing', async () => {
    const run = await runScript(SETUP, [], { ALERTMANAGER_URL: alertmanager.url, AMTOOL: path.join(dir, 'no-amtool') });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('amtool is required but not found');
    expect(alertmanager.requests).toEqual([]);
  });
});

describe('scripts/setup-alertmanager.sh against a real Alertmanager', () => {
  it('installs a changed config and the running Alertmanager serves it after the reload', async () => {
    const binary = requireBinary('prometheus-alertmanager');
    const dir = mkdtempSync(path.join(tmpdir(), 'amas-am-real-'));
    const live = path.join(dir, 'alertmanager.yml');
    const shipped = readFileSync(path.join(DEPLOY, 'alertmanager', 'alertmanager.yml'), 'utf8');
    writeFileSync(live, shipped);
    const changed = path.join(dir, 'changed.yml');
    // A value the shipped file does not have, to see which config Alertmanager serves.
    expect(shipped).toMatch(/group_wait: 10s/);
    writeFileSync(changed, shipped.replace(/group_wait: 10s/, 'group_wait: 17s'));
    const [port, cluster] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${port}`;
    const child: ChildProcess = spawn(binary, [`--config.file=${live}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, `--cluster.listen-address=127.0.0.1:${cluster}`], { stdio: 'ignore' });
    const served = async (): Promise<string> => ((await (await fetch(`${url}/api/v2/status`)).json()) as { config: { original: string } }).config.original;
    try {
      let ready = false;
      for (let attempt = 0; attempt < 100 && !ready && child.exitCode === null; attempt += 1) {
        ready = await fetch(`${url}/-/ready`).then((response) => response.ok, () => false);
        if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(ready).toBe(true);
      expect(await served()).toMatch(/group_wait: 10s/);
      const run = await runScript(SETUP, [changed], { ALERTMANAGER_URL: url, ALERTMANAGER_CONFIG_DEST: live });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(await served()).toMatch(/group_wait: 17s/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
