import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '../../helpers/exporter';
import { freePort } from '../../helpers/ports';
import { startPrivateRedis } from '../../helpers/servers';

/**
 * Dependencies of the fault tests' own, on free ports, with passwords (the machine's shared
 * Postgres and Redis trust every local client and are never stopped).
 */
export interface OwnServer {
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A Redis of the test's own whose clients must send `password`. */
export const startRedisWithPassword = (password: string): Promise<OwnServer> => startPrivateRedis({ password });

const asPostgres = (command: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];

/** A Postgres cluster whose `postgres` role needs `password` (scram-sha-256 over TCP). */
export async function startPostgresWithPassword(password: string): Promise<OwnServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-pgpw-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  const dataDir = path.join(dir, 'data');
  const [initdb, initArgs] = asPostgres('initdb', ['-D', dataDir, '-A', 'scram-sha-256', '-U', 'postgres', `--pwfile=${pwfile}`, '--no-sync']);
  execFileSync(initdb, initArgs, { stdio: 'pipe' });
  rmSync(pwfile, { force: true });
  // Asynchronous: the exporter under test shares this process's event loop.
  const ctl = async (action: string, extra: string[] = []): Promise<void> => {
    const [command, args] = asPostgres('pg_ctl', ['-D', dataDir, '-w', '-t', '30', ...extra, action]);
    await promisify(execFile)(command, args);
  };
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const server: OwnServer = {
    port,
    start: () => ctl('start', ['-o', options, '-l', path.join(dir, 'log')]),
    stop: () => ctl('stop', ['-m', 'immediate']),
    async destroy() {
      try {
        await ctl('stop', ['-m', 'immediate']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** Accepts connections and never says a word: the dependency that hangs. */
export async function startBlackHole(): Promise<{ readonly port: number; accepted(): number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
