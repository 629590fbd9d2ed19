import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');

/** Registers a TypeScript loader (the repository's compiler, transpile only), then runs the entry. */
const LOADER = `
const ts = require('typescript');
const fs = require('node:fs');
require.extensions['.ts'] = (module, filename) => {
  const output = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, isolatedModules: true } });
  module._compile(output.outputText, filename);
};
require(process.env.TS_CHILD_ENTRY);
`;

export interface TsChild {
  readonly child: ChildProcess;
  /** Resolves with the first stdout line that parses as JSON and passes `match`. */
  line<T>(match: (value: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript entry of this repository (e.g. src/simulator/main.ts) in its own Node process
 * without a build, so a test can keep a server on another event loop than its own.
 */
export function spawnTs(entry: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): TsChild {
  // argv[1] is a placeholder so that the entry's process.argv.slice(2) sees exactly `args`.
  const child = spawn(process.execPath, ['-e', LOADER, 'ts-child', ...args], { cwd: ROOT, env: { ...env, TS_CHILD_ENTRY: path.join(ROOT, entry) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let buffered = '';
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of [...waiters]) wake();
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    line<T>(match: (value: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const check = (): void => {
          for (const text of lines) {
            try {
              const value = JSON.parse(text) as Record<string, unknown>;
              if (match(value)) {
                done();
                return resolve(value as T);
              }
            } catch {
              // not a JSON line
            }
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${entry}: no matching line within ${timeoutMs}ms; stderr: ${stderr}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => check());
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}
