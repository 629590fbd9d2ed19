import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The database drivers cost memory and start-up time (neo4j-driver alone about 23 MB and 400 ms),
 * so each is loaded by the first probe of its type, and Neo4j is probed only when NEO4J_URI is
 * set. Checked in a fresh Node process on the built exporter: which driver modules are in its
 * require cache after the probes have run.
 */
const ROOT = path.join(__dirname, '..', '..');
const run = promisify(execFile);

const SCRIPT = `
const { startServer } = require(${JSON.stringify(path.join(ROOT, 'dist', 'cli', 'serve.js'))});
(async () => {
  const running = await startServer({ configPath: process.argv[1], env: process.env, logStream: new (require('node:stream').PassThrough)(), watchIntervalMs: 0 });
  const store = running.exporter.store;
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline && store.all().some((record) => record.runs === 0)) await new Promise((r) => setTimeout(r, 50));
  const loaded = (name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/'));
  const health = running.exporter.health();
  const neo4j = (health.checks || []).find((check) => check.name === 'neo4j');
  console.log(JSON.stringify({ pg: loaded('pg'), ioredis: loaded('ioredis'), neo4j: loaded('neo4j-driver'), neo4jCheck: neo4j ? neo4j.status : null, neo4jService: (health.services || {}).neo4j ?? null, probes: store.all().map((r) => r.name) }));
  await running.close();
})().catch((error) => { console.error(error); process.exit(1); });
`;

async function driversAfterStart(configText: string, env: NodeJS.ProcessEnv): Promise<{ pg: boolean; ioredis: boolean; neo4j: boolean; neo4jCheck: string | null; neo4jService: string | null; probes: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-drivers-'));
  try {
    const config = path.join(dir, 'exporter.yaml');
    writeFileSync(config, configText);
    const { stdout } = await run(process.execPath, ['-e', SCRIPT, config], { env: { PATH: process.env.PATH, ...env, AMAS_LOG_DIR: dir, AMAS_LOG_POSITIONS: path.join(dir, 'positions.json') }, timeout: 30_000 });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The shipped default config on a free port, loopback only. */
const shipped = (): string => readFileSync(path.join(ROOT, 'config', 'exporter.yaml'), 'utf8').replace(/port: 8001/, 'port: 0').replace(/health_port: 8002/, 'health_port: 0').replace(/address: 0\.0\.0\.0/, 'address: 127.0.0.1');

describe('database drivers load only when a probe of their type is configured', () => {
  it('the shipped default config without NEO4J_URI loads pg and ioredis, never neo4j-driver, and reports Neo4j not configured', async () => {
    const result = await driversAfterStart(shipped(), { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', REDIS_URL: 'redis://127.0.0.1:6379/0' });
    expect(result).toMatchObject({ pg: true, ioredis: true, neo4j: false, neo4jCheck: null, neo4jService: 'not_configured' });
    expect(result.probes).not.toContain('neo4j');
  }, 40_000);

  it('with NEO4J_URI set the Neo4j probe runs and loads its driver', async () => {
    const result = await driversAfterStart(shipped(), { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', REDIS_URL: 'redis://127.0.0.1:6379/0', NEO4J_URI: 'bolt://127.0.0.1:1' });
    expect(result.neo4j).toBe(true);
  }, 40_000);

  it('a config with only an HTTP probe loads none of them', async () => {
    const result = await driversAfterStart('listen: { address: 127.0.0.1, port: 0 }\nai: { enabled: false }\nprobes:\n  - { name: web, type: http, url: "http://127.0.0.1:1/", interval: 5s, timeout: 1s }\n', {});
    expect(result).toMatchObject({ pg: false, ioredis: false, neo4j: false, probes: ['web'] });
  }, 40_000);
});
