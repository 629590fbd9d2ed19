import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * What a new user does in a fresh clone: `npm ci`, then `npx amas-exporter --help`, then `npm
 * start`. The clone is a copy of the files git holds for building (no dist/, no node_modules/);
 * `npm ci` installs from the local npm cache when it can, as CI's second install does.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const CLONED = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts', 'config'];

/** The environment without the npm_* variables of the npm that started jest, so each npm call stands alone. */
const cleanEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

const run = (cwd: string, command: string, args: readonly string[], timeoutMs: number): SpawnSyncReturns<string> =>
  spawnSync(command, args, { cwd, env: { ...cleanEnv(), NO_COLOR: '1' }, encoding: 'utf8', timeout: timeoutMs });
const described = (result: SpawnSyncReturns<string>): string => `exit ${result.status} ${result.signal ?? ''}\n${result.stdout}\n${result.stderr}`;

describe('a fresh clone', () => {
  let clone: string;
  beforeAll(() => {
    clone = mkdtempSync(path.join(tmpdir(), 'amas-clone-'));
    for (const entry of CLONED) cpSync(path.join(ROOT, entry), path.join(clone, entry), { recursive: true });
  });
  afterAll(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it('npm ci builds dist/ (the prepare script) and `npx amas-exporter --help` prints the commands', () => {
    expect(existsSync(path.join(clone, 'dist'))).toBe(false);
    const ci = run(clone, 'npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], 240_000);
    expect({ status: ci.status, output: described(ci) }).toMatchObject({ status: 0 });
    expect(existsSync(path.join(clone, 'dist', 'main.js'))).toBe(true);

    const help = run(clone, 'npx', ['amas-exporter', '--help'], 60_000);
    expect({ status: help.status, output: described(help) }).toMatchObject({ status: 0 });
    expect(help.stdout).toMatch(/^Usage: amas-exporter <command>/m);
    for (const command of ['serve', 'check-config', 'test-monitoring']) expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\s`, 'm'));
  }, 300_000);

  it('npm start does not rebuild a fresh dist/, and rebuilds once src/ is newer', () => {
    const main = path.join(clone, 'dist', 'main.js');
    const built = statSync(main).mtimeMs;
    // A missing config makes serve exit at once with a config error, after the build step ran.
    const fresh = run(clone, 'npm', ['start', '--', '--config', 'missing.yaml'], 120_000);
    expect(fresh.stderr).toMatch(/dist\/ is up to date/);
    expect(fresh.stderr).toMatch(/missing\.yaml: cannot read the config file/);
    expect(statSync(main).mtimeMs).toBe(built);

    // An edit to a source: the next start builds again.
    const source = path.join(clone, 'src', 'main.ts');
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(main, past, past);
    const stale = run(clone, 'npm', ['start', '--', '--config', 'missing.yaml'], 240_000);
    expect({ output: described(stale) }).toEqual({ output: expect.stringMatching(/src\/ changed since the last build/) });
    expect(statSync(main).mtimeMs).toBeGreaterThan(statSync(source).mtimeMs);
    expect(stale.stderr).toMatch(/missing\.yaml: cannot read the config file/);
  }, 300_000);

  it('npm run demo starts from the clone and its banner names the ports in use', async () => {
    // Its own process group, so the npm, shell and node processes of this run stop together.
    const child = spawn('npm', ['run', 'demo', '--', '--port', '0', '--simulator-port', '0', '--amas-port', '0'], { cwd: clone, env: { ...cleanEnv(), AMAS_EXPORTER_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      let ready: RegExpExecArray | null = null;
      for (let attempt = 0; attempt < 240 && !ready && child.exitCode === null; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        ready = /^demo: ready (\{.*\})$/m.exec(output);
      }
      expect({ ready: Boolean(ready), output: output.slice(-3000) }).toMatchObject({ ready: true });
      expect(output).toMatch(/dist\/ is up to date/);
      const banner = JSON.parse((ready as RegExpExecArray)[1] as string) as { exporter: string; amas: string };
      expect((await fetch(`${banner.exporter}/livez`)).status).toBe(200);
      expect((await fetch(`${banner.amas}/health`)).status).toBe(200);
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  }, 90_000);

  it('the prepare script does nothing where the sources are not copied yet (the image build installs first)', () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'amas-bare-'));
    try {
      writeFileSync(path.join(bare, 'package.json'), readFileSync(path.join(ROOT, 'package.json')));
      const prepare = run(bare, 'npm', ['run', 'prepare'], 60_000);
      expect({ status: prepare.status, output: described(prepare) }).toMatchObject({ status: 0 });
      expect(existsSync(path.join(bare, 'dist'))).toBe(false);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('the README quick start says how to call the CLI from a clone', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
    expect(quickStart).toContain('npx amas-exporter --help');
  });
});
