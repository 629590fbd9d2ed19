import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The probed target: a tiny JSON health endpoint, in its own process so its CPU is nobody's. */
const body = JSON.stringify({ status: 'healthy', services: { database: 'up' } });
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
