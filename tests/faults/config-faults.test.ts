import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ConfigError } from '../../src/config/errors';
import { loadConfigFile, MAX_CONFIG_BYTES } from '../../src/modules/config';
import { runCli } from '../helpers/binary';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import { keepReading, writeSummary } from './helpers/fault-run';

/**
 * The configuration rows of the fault table: each broken config, the located problem it is refused
 * with (`file:line:col: key.path: expected…, found…`), and, on reload, the proof that the last good
 * config keeps serving and its probe keeps its schedule. Then reload storms.
 */
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'config');

interface FaultRow {
  readonly fault: string;
  /** Writes the broken file into `dir` and returns its path. */
  readonly write: (dir: string) => string;
  /** The expected problem after the file name: `:line:col: path: message`. */
  readonly expected: string;
}

const fixture = (name: string) => (dir: string): string => {
  const target = path.join(dir, name);
  copyFileSync(path.join(FIXTURES, name), target);
  return target;
};
const text = (name: string, content: string | Buffer) => (dir: string): string => {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
};

const CONFIG_FAULTS: readonly FaultRow[] = [
  { fault: 'YAML syntax error', write: fixture('invalid-yaml-syntax.yaml'), expected: ':4:1: YAML syntax error: Missing closing "quote' },
  { fault: 'top level is a list', write: fixture('invalid-top-level-list.yaml'), expected: ':1:1: expected a mapping at the top level, found a list' },
  { fault: 'unknown key', write: fixture('invalid-unknown-top-key.yaml'), expected: ':1:1: listn: unknown key "listn"' },
  { fault: 'missing ${ENV} without default', write: fixture('invalid-missing-env.yaml'), expected: ':4:10: probes[0].url: environment variable AMAS_TEST_UNSET_DATABASE_URL is not set and has no default' },
  { fault: 'secret file missing', write: fixture('invalid-secret-file-missing.yaml'), expected: ':5:20: probes[0].password_file: cannot read secret file "./no-such-secret" (ENOENT)' },
  { fault: 'empty file', write: fixture('invalid-empty.yaml'), expected: ':1:1: the config file is empty; write at least one key (e.g. "probes: []" for every default)' },
  { fault: 'only comments', write: fixture('invalid-comments-only.yaml'), expected: ':1:1: the config file is empty; write at least one key (e.g. "probes: []" for every default)' },
  { fault: 'YAML alias bomb', write: fixture('invalid-alias-bomb.yaml'), expected: ':3:8: YAML aliases expand to too many nodes (more than 100 alias uses); write the values out instead' },
  {
    fault: `file over ${MAX_CONFIG_BYTES} bytes`,
    write: text('huge.yaml', Buffer.concat([Buffer.from('probes: []\n'), Buffer.alloc(MAX_CONFIG_BYTES, '#')])),
    expected: `:1:1: the config file is ${MAX_CONFIG_BYTES + 11} bytes, more than the ${MAX_CONFIG_BYTES} allowed`,
  },
  { fault: 'interval 30d (timer overflow)', write: fixture('invalid-interval-30d.yaml'), expected: ':5:15: probes[0].interval: expected a duration from 100ms to 1d, found "30d"' },
  { fault: 'interval 0ms (probe storm)', write: fixture('invalid-interval-0ms.yaml'), expected: ':5:15: probes[0].interval: expected a duration from 100ms to 1d, found "0ms"' },
  { fault: 'paid rung below its floor', write: fixture('invalid-paid-rung-floor.yaml'), expected: ':3:29: ai.rungs.validation.interval: expected a duration from 1s to 1d, found "1ms"' },
  { fault: 'postgres probe with a mysql:// URL', write: fixture('invalid-postgres-scheme.yaml'), expected: ':4:10: probes[0].url: expected a URL starting with postgres:// or postgresql://, found "mysql://amas@127.0.0.1:3306/amas"' },
  { fault: 'redis probe with an http:// URL', write: fixture('invalid-redis-scheme.yaml'), expected: ':4:10: probes[0].url: expected a URL starting with redis:// or rediss://, found "http://127.0.0.1:6379"' },
  {
    fault: 'http probe with user:pass@ in its URL',
    write: fixture('invalid-http-credentials.yaml'),
    expected: ':4:10: probes[0].url: a user name or password in the URL is never sent; send credentials in headers',
  },
  { fault: 'timeout longer than interval', write: fixture('invalid-timeout-longer-than-interval.yaml'), expected: ':6:14: probes[0].timeout: timeout must not be longer than interval (10000ms > 5000ms)' },
  { fault: 'duplicate probe names', write: fixture('invalid-duplicate-probe-names.yaml'), expected: ':5:11: probes[1].name: probe name "cache" is used twice' },
];

/** This suite's figures for docs/RELIABILITY.md: faults tried, answers served while they ran, answers lost. */
const figures = { faults_at_load: 0, faults_on_reload: 0, storm_requests: 0, reload_replies: 0, served: 0, lost: 0 };
afterAll(() => writeSummary('config', { faults: figures.faults_at_load + figures.faults_on_reload, ...figures }));

function problemsOf(file: string): string[] {
  try {
    loadConfigFile(file, { env: {} });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message.split('\n');
  }
}

describe('the configuration fault table: every broken config is refused with a located problem', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'amas-config-faults-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CONFIG_FAULTS.map((row) => [row.fault, row] as const))('%s', (_fault, row) => {
    const file = row.write(dir);
    const problems = problemsOf(file);
    figures.faults_at_load += 1;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((problem) => problem.startsWith(`${file}${row.expected}`))).toBe(true);
  });

  it('shows no password in any refusal', () => {
    const file = CONFIG_FAULTS.find((row) => row.fault.startsWith('http probe with user:pass'))!.write(dir);
    expect(problemsOf(file).join('\n')).not.toContain('hunter2');
  });
});

const GOOD = `
admin:
  http_reload: true
probes:
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 200ms
    timeout: 150ms
`;

const metric = (text: string, name: string): number => Number(new RegExp(`^${name.replace(/[{}"=]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);

describe('on reload, each broken config is refused and the last good one keeps serving', () => {
  let exporter: TestExporter;
  beforeAll(async () => {
    exporter = await startTestExporter(GOOD);
    await waitFor(() => exporter.exporter.store.allRanOnce());
  });
  afterAll(() => exporter.close());

  it('refuses every row, keeps probing on schedule and counts each refusal', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'amas-config-rows-'));
    const reader = keepReading(exporter.url, ['/livez', '/metrics', '/health', '/readyz']);
    try {
      for (const row of CONFIG_FAULTS) {
        const runsBefore = exporter.exporter.store.get('redis')?.runs ?? 0;
        // The exporter reads its own path: copy the row's bytes there (the huge row included).
        writeFileSync(exporter.configPath, readFileSync(row.write(scratch)));
        const reply = await request(exporter.url).post('/-/reload');
        expect({ fault: row.fault, status: reply.status }).toEqual({ fault: row.fault, status: 400 });
        const messages = (reply.body.problems as { message: string; path: string }[]).map((problem) => `${problem.path}: ${problem.message}`);
        expect(messages.join('\n')).toContain(row.expected.replace(/^:\d+:\d+: /, '').replace(/^: /, ''));
        // The old config still runs: the redis probe keeps its 200ms schedule through the refusal.
        await waitFor(() => (exporter.exporter.store.get('redis')?.runs ?? 0) > runsBefore);
        expect(exporter.exporter.scheduler.names()).toEqual(['redis']);
        figures.faults_on_reload += 1;
        figures.reload_replies += 1;
      }
    } finally {
      const served = await reader.stop();
      figures.served += served.served;
      figures.lost += served.lost;
      rmSync(scratch, { recursive: true, force: true });
    }
    // Every read made while the refusals ran was answered.
    expect(figures.lost).toBe(0);
    // /metrics is rendered when state changes (coalesced): the last refusal shows a moment after it is made.
    let text = '';
    await waitFor(async () => {
      text = (await request(exporter.url).get('/metrics')).text;
      return metric(text, 'amas_exporter_config_reloads_total{result="failure"}') >= CONFIG_FAULTS.length;
    });
    expect(metric(text, 'amas_exporter_config_reloads_total{result="failure"}')).toBe(CONFIG_FAULTS.length);
    expect(metric(text, 'amas_exporter_config_last_reload_successful')).toBe(0);
    expect(metric(text, 'amas_probe_success{probe="redis"}')).toBe(1);
    expect((await request(exporter.url).get('/health')).status).toBe(200);
  }, 90_000);
});

describe('reload storms', () => {
  let exporter: TestExporter;
  beforeEach(async () => {
    exporter = await startTestExporter(GOOD);
    await waitFor(() => exporter.exporter.store.allRanOnce());
  });
  afterEach(() => exporter.close());

  const successes = async (): Promise<number> => metric((await request(exporter.url).get('/metrics')).text, 'amas_exporter_config_reloads_total{result="success"}');

  it('coalesces 40 concurrent POST /-/reload into at most two reloads, all answered', async () => {
    const before = await successes();
    const replies = await Promise.all(Array.from({ length: 40 }, () => request(exporter.url).post('/-/reload')));
    expect(replies.map((reply) => reply.status)).toEqual(Array(40).fill(200));
    figures.storm_requests += 40;
    figures.reload_replies += replies.length;
    // One reload under way plus one queued that every later request joins.
    expect((await successes()) - before).toBeLessThanOrEqual(2);
  });

  it('applies the last write after a storm of writes and reloads', async () => {
    const requests: Promise<request.Response>[] = [];
    for (let round = 0; round < 10; round += 1) {
      exporter.writeConfig(round % 2 === 0 ? 'probes: [oops' : GOOD.replace('interval: 200ms', `interval: ${300 + round}ms`));
      requests.push(request(exporter.url).post('/-/reload'));
    }
    exporter.writeConfig(GOOD.replace('interval: 200ms', 'interval: 999ms'));
    const last = await request(exporter.url).post('/-/reload');
    const answered = await Promise.all(requests);
    expect(last.status).toBe(200);
    figures.storm_requests += answered.length + 1;
    figures.reload_replies += answered.filter((reply) => reply.status === 200 || reply.status === 400).length + 1;
    expect(exporter.exporter.config.probes[0]).toMatchObject({ name: 'redis', interval: 999 });
  });
});

/**
 * A refused config shows the value it found, cut to 60 characters. The cut used to come before
 * redaction, so a URL whose `@` fell after the cut kept its password (46 of 48 characters printed).
 * Every path that prints config values is checked with long, short, percent-encoded and multi-@
 * passwords, written in the file and substituted from a secret variable.
 */
describe('passwords in a refused config never appear, however long or odd', () => {
  const PASSWORDS = {
    long: 'Zk4Jw9Qp2Lm7Xv3Nb8Rt6Yc1Hs5Gd0Fa-Ue2Wi9Oo4Pl7Kj3',
    short: 'q7!z',
    percent: 'p%40ss%2Fw0rd%3Aenc0ded',
    multiAt: 'multi@at@sign@pass',
  };
  const ENV_PASSWORD = 'EnvSecretPw-0123456789-abcdefghijklmnopqrstuvwxyz';
  const brokenYaml = (listen = ''): string => `${listen}admin:
  http_reload: true
probes:
${Object.entries(PASSWORDS)
  .map(([kind, password]) => `  - name: graph_${kind}\n    type: neo4j\n    uri: http://neo4j:${password}@graph-${kind}.internal.example.com:7474/db/amas\n`)
  .join('')}  - name: graph_env
    type: neo4j
    uri: http://neo4j:\${GRAPH_PASSWORD}@graph-env.internal.example.com:7474/db/amas
`;
  const env = { ...process.env, GRAPH_PASSWORD: ENV_PASSWORD };

  /** No password, nor its first or last 8 characters (a cut leaves a prefix), in the text. */
  function expectNoPassword(where: string, text: string): void {
    expect(text.length).toBeGreaterThan(0);
    for (const password of [...Object.values(PASSWORDS), ENV_PASSWORD]) {
      for (const fragment of new Set([password, password.slice(0, 8), password.slice(-8)])) {
        expect({ where, leaked: text.includes(fragment) ? fragment : null }).toEqual({ where, leaked: null });
      }
    }
  }

  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'amas-config-secrets-'));
    file = path.join(dir, 'exporter.yaml');
    writeFileSync(file, brokenYaml());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the loader: every problem is refused and redacted before its value is cut', () => {
    let error: unknown;
    try {
      loadConfigFile(file, { env });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message.split('\n')).toHaveLength(5);
    expect(message).toContain('probes[0].uri: expected a bolt://, bolt+s://, neo4j:// or neo4j+s:// URI, found "http://neo4j:[REDACTED]@graph-long.internal');
    expectNoPassword('loader', message);
  });

  it('check-config (text and --json), probe --once and serve', () => {
    const text = runCli(['check-config', '--config', file], env);
    expect(text.status).toBe(2);
    expectNoPassword('check-config', text.stderr + text.stdout);
    const json = runCli(['check-config', '--json', '--config', file], env);
    expect(json.status).toBe(2);
    expect((JSON.parse(json.stdout) as { problems: unknown[] }).problems).toHaveLength(5);
    expectNoPassword('check-config --json', json.stdout + json.stderr);
    const probe = runCli(['probe', '--once', '--config', file], env);
    expect(probe.status).toBe(2);
    expectNoPassword('probe --once', probe.stderr + probe.stdout);
    const serve = runCli(['serve', '--config', file], env);
    expect(serve.status).toBe(2);
    expectNoPassword('serve', serve.stderr + serve.stdout);
  }, 60_000);

  it('the POST /-/reload reply and the reload log line', async () => {
    const exporter = await startTestExporter(GOOD, { env });
    try {
      writeFileSync(exporter.configPath, brokenYaml('listen:\n  address: 127.0.0.1\n  port: 0\n'));
      const reply = await request(exporter.url).post('/-/reload');
      expect(reply.status).toBe(400);
      expect(reply.body.problems).toHaveLength(5);
      expectNoPassword('reload reply', reply.text);
      const refusal = exporter.logLines().filter((line) => line.includes('config reload refused'));
      expect(refusal).toHaveLength(1);
      expectNoPassword('reload log', refusal.join('\n'));
    } finally {
      await exporter.close();
    }
  });
});
