#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { demoProviders } from './demo-set';
import { startSimulator } from './server';
import type { SimProviderSpec } from './types';

const USAGE = 'usage: node dist/simulator/main.js [--port 18080] [--providers demo|<file.json|file.yaml>]';

function argValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

/** Providers from a JSON or YAML file: a list, or `{providers: [...]}`. Validation happens at start. */
function providersFrom(source: string): SimProviderSpec[] {
  if (source === 'demo') return demoProviders();
  const parsed: unknown = parseYaml(readFileSync(source, 'utf8'));
  const list = Array.isArray(parsed) ? parsed : (parsed as { providers?: unknown } | null)?.providers;
  if (!Array.isArray(list)) throw new Error(`${source}: expected a list of providers or {providers: [...]}`);
  return list as SimProviderSpec[];
}

/**
 * Runs the simulator standalone and prints one JSON line once it listens: the origin and each
 * provider's base URL (never a key). Stops on SIGINT or SIGTERM.
 */
async function main(args: readonly string[]): Promise<void> {
  if (args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const portText = argValue(args, '--port') ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${portText} is not a port number`);
  const sim = await startSimulator({ port, providers: providersFrom(argValue(args, '--providers') ?? 'demo') });
  const providers = sim.list().map(({ id, style, model, mode, baseUrl }) => ({ id, style, model, mode, base_url: baseUrl }));
  process.stdout.write(`${JSON.stringify({ event: 'simulator_ready', origin: sim.origin, control: `${sim.origin}/_sim`, providers })}\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${JSON.stringify({ event: 'simulator_failed', error: message.slice(0, 2000) })}\n${USAGE}\n`);
  process.exit(1);
});
