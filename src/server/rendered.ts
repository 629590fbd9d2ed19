import type { Request, Response } from 'express';
import { gzip } from 'node:zlib';

/** Bodies smaller than this are sent as they are: gzip would save nothing worth its cost. */
const GZIP_MIN_BYTES = 1024;

/** Counts shared by the rendered bodies of one serving cache. */
export interface RenderCounters {
  gzips: number;
}

/** A response rendered once and served to every reader: status, headers and bytes, gzip made on first demand. */
export interface Rendered {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The body gzip-compressed, compressed once (in libuv's thread pool, off the serving loop). */
  gzipped(): Promise<Buffer>;
}

export function rendered(status: number, contentType: string, body: string | Buffer, counters: RenderCounters, headers: Readonly<Record<string, string>> = {}): Rendered {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let compressed: Promise<Buffer> | undefined;
  return {
    status,
    contentType,
    headers,
    body: bytes,
    gzipped() {
      compressed ??= new Promise<Buffer>((resolve, reject) => {
        counters.gzips += 1;
        gzip(bytes, (error, result) => (error ? reject(error) : resolve(result)));
      });
      return compressed;
    },
  };
}

/** Sends cached bytes: gzip when the client accepts it (Prometheus does) and the body is worth it. */
export async function sendRendered(request: Request, response: Response, page: Rendered): Promise<void> {
  const wantsGzip = page.body.length >= GZIP_MIN_BYTES && request.acceptsEncodings('gzip', 'identity') === 'gzip';
  const body = wantsGzip ? await page.gzipped() : page.body;
  response.status(page.status);
  response.set({ Vary: 'Accept-Encoding', ...page.headers, 'Content-Type': page.contentType, 'Content-Length': String(body.length) });
  if (wantsGzip) response.set('Content-Encoding', 'gzip');
  response.end(body);
}
