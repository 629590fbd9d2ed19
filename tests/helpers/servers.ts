import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { waitFor } from './exporter';

/**
 * Private server instances on free ports, for tests that need a dependency to go down and come
 * back. The machine's shared Postgres (:5432) and Redis (:6379) are never stopped.
 */
export interface PrivateServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function exited(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A private Redis that can also hang: SIGSTOP keeps its connections open and answers nothing. */
export interface PrivateRedis extends PrivateServer {
  pause(): void;
  resume(): void;
}

/** A Redis of the test's own; with `password`, clients must authenticate (`requirepass`). */
export async function startPrivateRedis(options: { password?: string } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}/0`;
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];
  const cliAuth = options.password === undefined ? [] : ['--no-auth-warning', '-a', options.password];
  const server: PrivateRedis = {
    port,
    url,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...auth], { stdio: 'ignore' });
      await waitFor(async () => {
        try {
          return execFileSync('redis-cli', ['-p', String(port), ...cliAuth, 'ping'], { stdio: 'pipe' }).toString().includes('PONG');
        } catch {
          return false;
        }
      }, 10_000, 100);
    },
    async stop() {
      child?.kill('SIGKILL');
      await exited(child);
    },
    destroy: () => server.stop(),
  };
  await server.start();
  return server;
}

/** Runs a Postgres binary as the postgres user when we are root (initdb refuses root). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export async function startPrivatePostgres(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-pg-'));
  const dataDir = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const [initdb, initArgs] = asPostgres('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  execFileSync(initdb, initArgs, { stdio: 'pipe' });
  const ctl = (action: string, extra: string[] = []): void => {
    const [command, args] = asPostgres('pg_ctl', ['-D', dataDir, '-w', '-t', '30', ...extra, action]);
    execFileSync(command, args, { stdio: 'pipe' });
  };
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const server: PrivateServer = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      ctl('start', ['-o', options, '-l', path.join(dir, 'log')]);
    },
    async stop() {
      ctl('stop', ['-m', 'immediate']);
    },
    async destroy() {
      try {
        ctl('stop', ['-m', 'immediate']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
