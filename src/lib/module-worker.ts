import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Starts a worker thread on a module of `dir`. Built code is plain JavaScript; when running from
 * TypeScript sources (the test suite) the starting thread hands over the folder's modules already
 * transpiled, so the worker never loads a compiler of its own. A worker's folder imports nothing
 * outside itself but Node's own modules.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const sources = workerData.sources;
if (sources) require.extensions['.ts'] = (module, filename) => module._compile(sources[filename], filename);
require(workerData.entry);
`;

const transpiled = new Map<string, Record<string, string>>();

/** The folder's TypeScript modules as CommonJS, keyed by absolute path (only outside built code). */
function transpiledSources(dir: string): Record<string, string> {
  const cached = transpiled.get(dir);
  if (cached) return cached;
  // The compiler the test runner already loaded, through Node's own module cache.
  const ts = createRequire(__filename)('typescript') as typeof import('typescript');
  const sources: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.ts') || name.endsWith('.d.ts')) continue;
    const file = path.join(dir, name);
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, isolatedModules: true },
    });
    sources[file] = output.outputText;
  }
  transpiled.set(dir, sources);
  return sources;
}

/** `dir` and `entry` are the caller's own `__dirname` and module name without extension. */
export function startModuleWorker(dir: string, entry: string, options: { readonly data?: Record<string, unknown>; readonly resourceLimits?: ResourceLimits } = {}): Worker {
  const typescript = path.extname(__filename) === '.ts';
  const file = path.join(dir, `${entry}${typescript ? '.ts' : '.js'}`);
  return new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { ...options.data, entry: file, sources: typescript ? transpiledSources(dir) : undefined },
    ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
  });
}
