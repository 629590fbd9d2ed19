import type { Server } from 'node:http';
import { ConfigError } from '../config/errors';
import { Exporter } from '../runtime/exporter';
import { createApp } from '../server/app';
import { EXIT } from './exit-codes';
import type { Command } from './types';
import { startLivenessPort } from '../server/liveness/port';

/** The promise (README, docs/cli.md): after SIGTERM the process is gone within this long. */
export const SHUTDOWN_BOUND_MS = 10_000;
/** In-flight responses get this long to finish; then their connections are closed. */
const RESPONSE_GRACE_MS = 8_000;

export interface RunningServer {
  readonly exporter: Exporter;
  readonly server: Server;
  readonly port: number;
  /** The health port (listen.health_port), when one is configured. */
  readonly healthPort: number | null;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Starts the exporter and its HTTP server; used by `serve` and by the tests. */
export async function startServer(options: { configPath: string; env?: NodeJS.ProcessEnv; logStream?: NodeJS.WritableStream; watchIntervalMs?: number }): Promise<RunningServer> {
  const exporter = await Exporter.start({ watchIntervalMs: 2000, ...options });
  const app = createApp(exporter);
  const { address, port } = exporter.config.listen;
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, address, () => resolve(listening));
    listening.once('error', reject);
  }).catch(async (error: unknown) => {
    await exporter.stop();
    throw error;
  });
  const actualPort = (server.address() as { port: number }).port;
  const { health_port: healthPort, stalled_after: stalledAfterMs } = exporter.config.listen;
  const liveness =
    healthPort === null
      ? undefined
      : await startLivenessPort({ address, port: healthPort, stalledAfterMs, ready: () => exporter.selfReady() }).catch(async (error: unknown) => {
          server.close();
          await exporter.stop();
          throw error;
        });
  exporter.logger.info('listening', { component: 'server', address, port: actualPort, health_port: liveness?.port ?? null });
  return {
    exporter,
    server,
    port: actualPort,
    healthPort: liveness?.port ?? null,
    /**
     * Stops accepting connections, aborts every probe run under way (exporter.stop), lets
     * in-flight responses finish for at most RESPONSE_GRACE_MS, then closes what is left.
     */
    async close() {
      const started = Date.now();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await liveness?.close();
      await exporter.stop();
      await Promise.race([closed, sleep(Math.max(0, RESPONSE_GRACE_MS - (Date.now() - started)))]);
      server.closeAllConnections();
    },
  };
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the exporter (the default command when no arguments are given).',
  usage: 'amas-exporter serve [--config PATH]',
  flags: [],
  help: [
    'Reloads the config on SIGHUP, when the file changes, and on POST /-/reload when that is enabled',
    '(admin.http_reload: true, or an admin token is set). SIGTERM or SIGINT: probes under way are',
    `aborted, in-flight responses get ${RESPONSE_GRACE_MS / 1000} s, and the process exits within ${SHUTDOWN_BOUND_MS / 1000} s.`,
    '',
    'Exit codes: 0 stopped by a signal, 2 the config cannot be used (every problem is printed), 64 wrong usage.',
  ].join('\n'),
  async run(args, io) {
    let running: RunningServer;
    try {
      running = await startServer({ configPath: args.config });
    } catch (error) {
      if (error instanceof ConfigError) {
        io.stderr(`amas-exporter: the config cannot be used:\n${error.message}\n`);
        return EXIT.configUnusable;
      }
      throw error;
    }
    process.on('SIGHUP', () => void running.exporter.reload());
    return new Promise<number>((resolve) => {
      const shutdown = (signal: string): void => {
        running.exporter.logger.info('shutting down', { component: 'server', signal, probes_in_flight: running.exporter.scheduler.inFlight() });
        // Whatever still hangs (a driver ignoring its abort, a response that never ends), the
        // process exits within the bound: main() calls process.exit with this code.
        sleep(SHUTDOWN_BOUND_MS - 500).then(() => resolve(EXIT.ok), () => undefined);
        void running.close().then(() => {
          running.exporter.logger.info('stopped', { component: 'server', signal });
          resolve(EXIT.ok);
        });
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
  },
};
