import net from 'node:net';
import { tcpProbe } from '../../../src/probes/tcp';
import { runProbe } from '../../helpers/probe-run';

let server: net.Server;
let port: number;
beforeAll(async () => {
  server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (data) => {
      if (data.toString().startsWith('PING')) socket.write('+PONG\r\n');
      else socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const probe = (fields: Record<string, unknown>) => tcpProbe.create(tcpProbe.schema.parse({ name: 'tcp', type: 'tcp', host: '127.0.0.1', port, ...fields }));

describe('the tcp probe', () => {
  it('succeeds on connect when nothing is expected', async () => {
    expect((await runProbe(probe({}))).outcome).toMatchObject({ ok: true });
  });

  it('sends a line and waits for the expected reply', async () => {
    expect((await runProbe(probe({ send: 'PING\r\n', expect: '+PONG' }))).outcome).toEqual({ ok: true, message: 'Received "+PONG"' });
  });

  it('fails when the peer closes without the expected reply', async () => {
    expect((await runProbe(probe({ send: 'HELLO\r\n', expect: '+PONG' }))).outcome).toMatchObject({ ok: false, reason: 'invalid_reply' });
  });

  it('fails at the deadline when the reply never comes', async () => {
    expect((await runProbe(probe({ expect: '+PONG', timeout: '200ms' }), 200)).outcome).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('reports a refused connection', async () => {
    expect((await runProbe(probe({ port: 1 }))).outcome).toMatchObject({ ok: false, reason: 'connect_refused' });
  });
});
