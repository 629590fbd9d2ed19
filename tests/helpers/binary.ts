import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The built CLI; `npm test` builds it before jest runs. */
export const BINARY = path.join(__dirname, '..', '..', 'dist', 'main.js');

export function requireBuild(): void {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run \`npm run build\` (npm test does it first)`);
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): SpawnSyncReturns<string> {
  requireBuild();
  return spawnSync(process.execPath, [BINARY, ...args], { encoding: 'utf8', env, timeout: timeoutMs });
}

export interface CliProcess {
  readonly child: ChildProcess;
  output(): string;
  exited(): Promise<number | null>;
}

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliProcess {
  requireBuild();
  const child = spawn(process.execPath, [BINARY, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited: () => exit };
}
