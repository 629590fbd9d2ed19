import net from 'node:net';
import { z } from 'zod';
import { probeSchema } from '../config/fields';
import { classifyError, describeError } from './classify-error';
import { failure, success, type ProbeDefinition, type ProbeReport } from './types';

const schema = probeSchema(
  'tcp',
  {
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    send: z.string().optional().describe('Bytes to write once connected (\\n and \\r escapes allowed in YAML double quotes).'),
    expect: z.string().optional().describe('Substring the peer must send back before the timeout.'),
  },
  { interval: '15s', timeout: '3s' },
);

/** Opens a TCP connection, optionally sends a line and waits for an expected reply. Down: connect error or no expected reply. */
export const tcpProbe = {
  type: 'tcp',
  schema,
  create(config) {
    return {
      run({ signal }) {
        return new Promise<ProbeReport>((resolve) => {
          let received = '';
          const socket = net.connect({ host: config.host, port: config.port });
          const finish = (report: ProbeReport): void => {
            signal.removeEventListener('abort', onAbort);
            socket.destroy();
            resolve(report);
          };
          const onAbort = (): void => finish(failure('timeout', config.expect ? `No ${JSON.stringify(config.expect)} before the deadline` : 'Connect timed out'));
          signal.addEventListener('abort', onAbort, { once: true });
          socket.on('error', (error) => finish(failure(classifyError(error), `TCP check failed: ${describeError(error)}`)));
          socket.on('connect', () => {
            if (config.send !== undefined) socket.write(config.send);
            if (config.expect === undefined) finish(success(`Connected to ${config.host}:${config.port}`));
          });
          socket.on('data', (chunk: Buffer) => {
            received = (received + chunk.toString('utf8')).slice(-65_536);
            if (config.expect !== undefined && received.includes(config.expect)) finish(success(`Received ${JSON.stringify(config.expect)}`));
          });
          socket.on('end', () => finish(failure('invalid_reply', `Connection closed before ${JSON.stringify(config.expect ?? '')} arrived`)));
        });
      },
      async close() {},
    };
  },
} satisfies ProbeDefinition<typeof schema>;
