import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { Exporter } from '../../../src/runtime/exporter';
import { createApp, type AppOptions } from '../../../src/server/app';
import type { RenderTiming } from '../../../src/server/render-schedule';
import { Serving } from '../../../src/server/serving';
import { withoutProviderKeys, writeTempConfig } from '../../helpers/exporter';

/** A real exporter behind the real app, with its serving cache in the test's hands. */
export interface ServingHarness {
  readonly exporter: Exporter;
  readonly serving: Serving;
  readonly url: string;
  readonly configPath: string;
  /** Requests inside each concurrency gate now. */
  readonly inFlight: { readonly metrics: () => number; readonly status: () => number; readonly debug: () => number };
  logLines(): string[];
  close(): Promise<void>;
}

export async function startServing(yaml: string, options: { timing: RenderTiming; limits?: AppOptions['limits']; env?: NodeJS.ProcessEnv }): Promise<ServingHarness> {
  const configPath = writeTempConfig(yaml);
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const exporter = await Exporter.start({ configPath, env: options.env ?? withoutProviderKeys(process.env), logStream: stream, watchIntervalMs: 0 });
  const serving = new Serving(exporter, options.timing);
  const app = createApp(exporter, { serving, ...(options.limits ? { limits: options.limits } : {}) });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    exporter,
    serving,
    url: `http://127.0.0.1:${port}`,
    configPath,
    inFlight: app.locals.inFlight as ServingHarness['inFlight'],
    logLines: () => [...lines],
    async close() {
      serving.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await exporter.stop();
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One GET with the given headers; the body as the wire carried it (no decompression). */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}
