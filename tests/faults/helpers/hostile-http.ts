import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * A local HTTP server with one path per hostile behaviour of an upstream (header bomb, compression
 * bombs, redirect loops, resets, slow-loris...), shared by the exchange, probe and fault-table tests.
 */
export interface HostileServer {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  /** Requests received per path (query string left out). */
  hits(pathname: string): number;
  /** Headers of the latest request to a path, lower-case names. */
  lastHeaders(pathname: string): Readonly<Record<string, string | string[] | undefined>> | undefined;
  close(): Promise<void>;
}

/** 32 MiB of zeros compress to ~32 KiB: past every cap (the models list's is 8 MiB) once decoded. */
const BOMB_BYTES = 32 * 1_048_576;
let bombs: { gzip: Buffer; deflate: Buffer; br: Buffer } | undefined;
function compressionBombs(): { gzip: Buffer; deflate: Buffer; br: Buffer } {
  if (bombs) return bombs;
  const zeros = Buffer.alloc(BOMB_BYTES);
  bombs = { gzip: zlib.gzipSync(zeros), deflate: zlib.deflateSync(zeros), br: zlib.brotliCompressSync(zeros) };
  return bombs;
}

type Handler = (req: IncomingMessage, res: ServerResponse, origin: string) => void;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
};

const ROUTES: Readonly<Record<string, Handler>> = {
  '/ok': (_req, res) => json(res, 200, { status: 'healthy' }),
  '/echo-headers': (req, res) => json(res, 200, req.headers),
  '/header-bomb': (_req, res) => {
    for (let i = 0; i < 64; i += 1) res.setHeader(`x-bomb-${i}`, 'b'.repeat(1024));
    json(res, 200, { status: 'healthy' });
  },
  '/gzip-bomb': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(compressionBombs().gzip);
  },
  '/deflate-bomb': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'deflate' });
    res.end(compressionBombs().deflate);
  },
  '/br-bomb': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' });
    res.end(compressionBombs().br);
  },
  '/gzip-ok': (_req, res) => {
    const body = zlib.gzipSync(JSON.stringify({ status: 'healthy', padding: 'p'.repeat(5000) }));
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
    res.end(body);
  },
  '/gzip-garbage': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(Buffer.from('this is not gzip at all, not even close'));
  },
  '/huge': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    // 12 MiB: past the http probe's 1 MiB and the models list's 8 MiB.
    const chunk = Buffer.alloc(64 * 1024, 'A');
    let left = 192;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        left -= 1;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  },
  '/endless': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data": [');
    const timer = setInterval(() => res.write('0,'), 20);
    req.socket.once('close', () => clearInterval(timer));
  },
  // Headers one byte at a time, never finishing: the deadline must cut it.
  '/slow-loris': (req, _res) => {
    const socket = req.socket;
    socket.write('HTTP/1.1 200 OK\r\n');
    const timer = setInterval(() => socket.write('X'), 100);
    socket.once('close', () => clearInterval(timer));
  },
  '/late': (req, res) => {
    const timer = setTimeout(() => json(res, 200, { status: 'healthy' }), 10_000);
    req.socket.once('close', () => clearTimeout(timer));
  },
  '/reset': (req) => req.socket.destroy(),
  '/reset-mid-body': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"partial": ');
    setTimeout(() => req.socket.destroy(), 20);
  },
  '/not-http': (req) => {
    req.socket.end('SSH-2.0-OpenSSH_9.6\r\n');
  },
  '/invalid-json': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status": "healthy", ');
  },
  '/wrong-shape': (_req, res) => json(res, 200, { result: 'ok', data: [1, 2, 3] }),
  '/loop/a': (_req, res) => redirect(res, 302, '/loop/b'),
  '/loop/b': (_req, res) => redirect(res, 302, '/loop/a'),
  // A loop of its own for provider calls, so a test can tell that they never followed it.
  '/loop-p': (_req, res) => redirect(res, 302, '/loop-q'),
  '/loop-q': (_req, res) => redirect(res, 302, '/loop-p'),
  '/other-host': (req, res, origin) => redirect(res, 302, `${origin.replace('127.0.0.1', 'localhost')}/echo-headers`),
  '/post-303': (_req, res) => redirect(res, 303, '/echo-headers'),
  '/chunks': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let sent = 0;
    const timer = setInterval(() => {
      sent += 1;
      res.write(`data: {"n": ${sent}}\n\n`);
      if (sent === 3) {
        clearInterval(timer);
        res.end();
      }
    }, 40);
    req.socket.once('close', () => clearInterval(timer));
  },
};

function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location, 'content-length': '0' });
  res.end();
}

/**
 * `/chain/N` redirects to `/chain/N-1` ... `/chain/0` answers 200; `/status/N` answers status N.
 * `/m/<route>/anything` behaves as `/<route>` (with `-` for `/`: `/m/status-401/models`), so a
 * provider's base URL can point at one behaviour whatever path its API style appends.
 */
function dynamic(pathname: string): Handler | undefined {
  const mounted = /^\/m\/([a-z0-9-]+)(?:\/.*)?$/.exec(pathname);
  if (mounted) {
    const name = mounted[1] as string;
    return ROUTES[`/${name}`] ?? dynamic(`/${name.replace('-', '/')}`) ?? ROUTES[`/${name.replace('-', '/')}`];
  }
  const chain = /^\/chain\/(\d+)$/.exec(pathname);
  if (chain) {
    const left = Number(chain[1]);
    return (_req, res) => (left === 0 ? json(res, 200, { status: 'healthy' }) : redirect(res, 302, `/chain/${left - 1}`));
  }
  const status = /^\/status\/(\d{3})$/.exec(pathname);
  if (status) return (_req, res) => json(res, Number(status[1]), { error: { code: `status_${status[1]}` } }, Number(status[1]) === 429 ? { 'retry-after': '3' } : {});
  return undefined;
}

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function serve(server: http.Server | https.Server, scheme: 'http' | 'https'): Promise<HostileServer> {
  const hits = new Map<string, number>();
  const headers = new Map<string, IncomingMessage['headers']>();
  const sockets = new Set<Socket>();
  let origin = '';
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(pathname, (hits.get(pathname) ?? 0) + 1);
    headers.set(pathname, req.headers);
    req.resume();
    const handler = ROUTES[pathname] ?? dynamic(pathname);
    if (handler) handler(req, res, origin);
    else json(res, 404, { error: 'no such path' });
  });
  return listen(server).then((port) => {
    origin = `${scheme}://127.0.0.1:${port}`;
    return {
      origin,
      port,
      hits: (pathname) => hits.get(pathname) ?? 0,
      lastHeaders: (pathname) => headers.get(pathname),
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    };
  });
}

export function startHostileServer(): Promise<HostileServer> {
  compressionBombs();
  return serve(http.createServer(), 'http');
}

/** The same routes over TLS with a fresh self-signed certificate for `commonName` (not trusted by anyone). */
export function startHostileTlsServer(commonName = 'wrong.example'): Promise<HostileServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${commonName}`, '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'pipe' });
    compressionBombs();
    const server = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) });
    return serve(server, 'https');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
