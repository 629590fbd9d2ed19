import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports';
import { describeRun, ROOT, run } from './tools';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly stage: number;
}

/** The Dockerfile's instructions (continuations joined, comments dropped), each with its stage index. */
function instructions(): Instruction[] {
  const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  let stage = -1;
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') stage += 1;
    return { keyword: keyword.toUpperCase(), args: rest.join(' '), stage };
  });
}

const finalStage = (): Instruction[] => {
  const all = instructions();
  const last = Math.max(...all.map((instruction) => instruction.stage));
  return all.filter((instruction) => instruction.stage === last);
};
const argDefaults = (): Record<string, string> =>
  Object.fromEntries(instructions().filter((instruction) => instruction.keyword === 'ARG' && instruction.args.includes('=')).map((instruction) => instruction.args.split('=', 2) as [string, string]));
const expand = (text: string): string => text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_match, a: string | undefined, b: string | undefined) => argDefaults()[(a ?? b) as string] ?? '');
const execForm = (args: string): string[] => JSON.parse(args) as string[];

/** Waits for `promise` at most `ms`, leaving no timer behind. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Whether .dockerignore lets `file` into the build context (Docker's rule: the last matching pattern wins). */
function inContext(file: string): boolean {
  const patterns = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const toRegex = (glob: string): RegExp =>
    new RegExp(`^${glob.replace(/\/+$/, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*')}$`);
  const parts = file.split('/');
  const prefixes = parts.map((_part, index) => parts.slice(0, index + 1).join('/'));
  let included = true;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const regex = toRegex(negated ? pattern.slice(1) : pattern);
    if (prefixes.some((prefix) => regex.test(prefix))) included = negated;
  }
  return included;
}

describe('the Dockerfile', () => {
  it('is multi-stage: dev dependencies and the build first, production dependencies only at run time', () => {
    const all = instructions();
    const froms = all.filter((instruction) => instruction.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const buildRuns = all.filter((instruction) => instruction.stage === 0 && instruction.keyword === 'RUN').map((instruction) => instruction.args);
    expect(buildRuns.some((args) => /\bnpm ci\b/.test(args) && !/--omit=dev/.test(args))).toBe(true);
    expect(buildRuns.some((args) => /\bnpm run build\b/.test(args))).toBe(true);
    const runtimeRuns = finalStage().filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args);
    expect(runtimeRuns.some((args) => /\bnpm ci\b.*--omit=dev/.test(args))).toBe(true);
    expect(finalStage().some((instruction) => instruction.keyword === 'COPY' && /--from=build\b.*\/dist/.test(instruction.args))).toBe(true);
  });

  it('builds on Node 24 LTS, slim or alpine, pinned to a full version tag', () => {
    for (const from of instructions().filter((instruction) => instruction.keyword === 'FROM')) {
      const image = expand(from.args.split(/\s+/)[0] as string);
      expect(image).toMatch(/^node:24\.\d+\.\d+-(slim|alpine[\d.]*|bookworm-slim|trixie-slim)$/);
    }
  });

  it('copies only sources that exist and that .dockerignore lets into the context', () => {
    const copies = instructions().filter((instruction) => instruction.keyword === 'COPY' && !instruction.args.includes('--from='));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const words = copy.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      for (const source of words.slice(0, -1)) {
        expect([source, existsSync(path.join(ROOT, source))]).toEqual([source, true]);
        expect([source, inContext(source.replace(/^\.\//, '').replace(/\/$/, ''))]).toEqual([source, true]);
      }
    }
    // And keeps the rest out.
    expect(inContext('node_modules/express/package.json')).toBe(false);
    expect(inContext('dist/main.js')).toBe(false);
    expect(inContext('.git/config')).toBe(false);
    expect(inContext('tests/deploy/dockerfile.test.ts')).toBe(false);
  });

  it('runs as a non-root user, exposes 8001 and the health port 8002 and checks its health on /livez without curl', () => {
    const users = finalStage().filter((instruction) => instruction.keyword === 'USER').map((instruction) => instruction.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users[users.length - 1]);
    expect(finalStage().filter((instruction) => instruction.keyword === 'EXPOSE').map((instruction) => instruction.args)).toEqual(['8001 8002']);
    const healthcheck = finalStage().find((instruction) => instruction.keyword === 'HEALTHCHECK');
    const command = execForm(healthcheck?.args.slice(healthcheck.args.indexOf('CMD') + 3).trim() ?? '[]');
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    expect(command[2]).toMatch(/fetch\('http:\/\/127\.0\.0\.1:8002\/livez'\)\.catch\(\(\) => fetch\('http:\/\/127\.0\.0\.1:8001\/livez'\)\)/);
    expect(healthcheck?.args).not.toMatch(/curl|wget/);
  });

  describe('from a fresh build', () => {
    let app: string;
    let child: ChildProcess | undefined;
    let port: number;
    let healthPort: number;
    let healthcheck: string[];
    const output: string[] = [];

    beforeAll(async () => {
      // The image's layout: /app with package.json, node_modules and the compiled dist/.
      app = mkdtempSync(path.join(tmpdir(), 'amas-image-'));
      copyFileSync(path.join(ROOT, 'package.json'), path.join(app, 'package.json'));
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');
      // The build stage's `npm run build`, writing to the image's /app/dist instead of ./dist.
      const build = run('npm', ['run', 'build', '--', '--outDir', path.join(app, 'dist')], { timeoutMs: 240_000 });
      if (build.status !== 0) throw new Error(`npm run build failed:\n${describeRun(build)}`);

      // The final stage's other COPY lines from the build context, relative to its WORKDIR (/app).
      for (const instruction of finalStage().filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))) {
        const words = instruction.args.split(/\s+/);
        const destination = words[words.length - 1] as string;
        if (destination.startsWith('/') || words.slice(0, -1).some((source) => source.startsWith('package'))) continue;
        for (const source of words.slice(0, -1)) cpSync(path.join(ROOT, source), path.join(app, destination), { recursive: true });
      }

      // The baked-in config (COPY config/exporter.yaml ...) on 127.0.0.1 and a free port.
      port = await freePort();
      healthPort = await freePort();
      mkdirSync(path.join(app, 'etc'));
      const config = readFileSync(path.join(ROOT, 'config', 'exporter.yaml'), 'utf8').replace(/^listen:\n(?:[ \t]+.*\n)*/m, `listen:\n  address: 127.0.0.1\n  port: ${port}\n  health_port: ${healthPort}\n`);
      writeFileSync(path.join(app, 'etc', 'exporter.yaml'), config);

      const entrypoint = execForm(finalStage().find((instruction) => instruction.keyword === 'ENTRYPOINT')?.args ?? '[]');
      const cmd = execForm(finalStage().find((instruction) => instruction.keyword === 'CMD')?.args ?? '[]');
      const argv = [...entrypoint, ...cmd].map((arg) => (arg === '/etc/amas-exporter/exporter.yaml' ? path.join(app, 'etc', 'exporter.yaml') : arg));
      expect(argv[0]).toBe('node');
      expect(argv).toEqual(['node', 'dist/main.js', 'serve', '--config', path.join(app, 'etc', 'exporter.yaml')]);
      child = spawn(process.execPath, argv.slice(1), { cwd: app, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));

      const hc = finalStage().find((instruction) => instruction.keyword === 'HEALTHCHECK');
      healthcheck = execForm(hc?.args.slice(hc.args.indexOf('CMD') + 3).trim() ?? '[]').map((arg) => arg.replace('127.0.0.1:8001', `127.0.0.1:${port}`).replace('127.0.0.1:8002', `127.0.0.1:${healthPort}`));
    }, 300_000);

    afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.once('exit', resolve));
        child.kill('SIGTERM');
        await within(exited, 15_000);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (app) rmSync(app, { recursive: true, force: true });
    });

    it("the image's start command serves /livez with 200", async () => {
      let status = 0;
      for (let attempt = 0; attempt < 100 && status !== 200; attempt += 1) {
        if (child?.exitCode !== null) throw new Error(`the exporter exited with ${String(child?.exitCode)}:\n${output.join('')}`);
        status = await fetch(`http://127.0.0.1:${port}/livez`).then((response) => response.status, () => 0);
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
    });

    it('the HEALTHCHECK command passes against it, and fails once it is gone', async () => {
      const [command, ...args] = healthcheck;
      expect(command).toBe('node');
      const healthy = run(process.execPath, args, { timeoutMs: 10_000 });
      expect({ status: healthy.status, output: describeRun(healthy) }).toMatchObject({ status: 0 });

      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child?.kill('SIGTERM');
      await within(exited, 15_000);
      const gone = run(process.execPath, args, { timeoutMs: 10_000 });
      expect(gone.status).toBe(1);
    });
  });
});
