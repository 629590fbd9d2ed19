import { createServer, type ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { HEARTBEAT_SLOT, READY_SLOT, type FromLivenessWorker, type LivenessWorkerData } from './shared';

/**
 * The health port: /livez and /readyz answered from a thread of their own, so a kubelet probe is
 * answered however long the main loop is busy (a heavy scrape, a garbage collection). Alive means
 * the main loop ran within `stalledAfterMs`; past that, 503 "stalled", so a loop that is truly hung
 * is restarted while a busy one is not.
 */
const data = workerData as LivenessWorkerData;
const view = new BigInt64Array(data.shared);
const post = (message: FromLivenessWorker): void => parentPort?.postMessage(message);

function sinceHeartbeatMs(): number {
  return Number(process.hrtime.bigint() - Atomics.load(view, HEARTBEAT_SLOT)) / 1e6;
}

function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}

const server = createServer((request, response) => {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') return reply(response, 405, { error: 'only GET and HEAD' });
  const quietMs = Math.round(sinceHeartbeatMs());
  const stalled = quietMs > data.stalledAfterMs;
  if (path === '/livez') {
    return stalled
      ? reply(response, 503, { status: 'stalled', detail: `the main event loop has not run for ${quietMs} ms (limit ${data.stalledAfterMs} ms)` })
      : reply(response, 200, { status: 'alive', main_loop_quiet_ms: quietMs });
  }
  if (path === '/readyz') {
    if (stalled) return reply(response, 503, { status: 'stalled', detail: `the main event loop has not run for ${quietMs} ms` });
    return Atomics.load(view, READY_SLOT) === 1n ? reply(response, 200, { status: 'ready' }) : reply(response, 503, { status: 'starting' });
  }
  return reply(response, 404, { error: 'the health port serves /livez and /readyz; everything else is on the main port' });
});
server.keepAliveTimeout = 5_000;
server.on('error', (error) => post({ type: 'error', message: error.message }));
server.listen(data.port, data.address, () => {
  const address = server.address();
  post({ type: 'listening', port: typeof address === 'object' && address ? address.port : data.port });
});
