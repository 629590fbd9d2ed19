import type { Server } from 'node:http';
import { ConfigError } from '../config/errors';
import { Exporter } from '../runtime/exporter';
import { createApp } from '../server/app';
import type { Command } from './types';

/** How long SIGTERM waits for in-flight responses and probes before exiting anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningServer {
  readonly exporter: Exporter;
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the exporter and its HTTP server; used by `serve` and by the tests. */
export async function startServer(options: { configPath: string; env?: NodeJS.ProcessEnv; logStream?: NodeJS.WritableStream; watchIntervalMs?: number }): Promise<RunningServer> {
  const exporter = await Exporter.start({ watchIntervalMs: 2000, ...options });
  const app = createApp(exporter);
  const { address, port } = exporter.config.listen;
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, address, () => resolve(listening));
    listening.once('error', reject);
  });
  const actualPort = (server.address() as { port: number }).port;
  exporter.logger.info('listening', { component: 'server', address, port: actualPort });
  return {
    exporter,
    server,
    port: actualPort,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await exporter.stop();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())]);
      server.closeAllConnections();
    },
  };
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the exporter (the default command).',
  usage: 'amas-exporter serve [--config PATH]',
  async run(args, io) {
    let running: RunningServer;
    try {
      running = await startServer({ configPath: args.config });
    } catch (error) {
      if (error instanceof ConfigError) {
        io.stderr(`amas-exporter: the config cannot be used:\n${error.message}\n`);
        return error.kind === 'unreadable' ? 2 : 1;
      }
      throw error;
    }
    process.on('SIGHUP', () => void running.exporter.reload());
    return new Promise<number>((resolve) => {
      const shutdown = (signal: string): void => {
        running.exporter.logger.info('shutting down', { component: 'server', signal });
        const force = setTimeout(() => resolve(0), SHUTDOWN_GRACE_MS + 2000);
        force.unref();
        void running.close().then(() => resolve(0));
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
  },
};
