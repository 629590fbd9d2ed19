import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Simulator, SimulatorOptions } from './server';

/**
 * The simulator on a thread of its own. A real provider runs on another machine: its clock and
 * timers do not stop when the exporter's process is busy. An in-process simulator shares the event
 * loop of the code under test, so a stalled loop (a long garbage collection, a module compiled on
 * first use, a neighbour test's synchronous work) delays every reply that was due during the stall
 * until the stall ends: honest latencies of 200..700 ms all read as the stall's length, a flat
 * series that the timing validator rightly calls a fixed delay. Here the simulator's timers run on
 * the worker's loop, and the exporter measures on its exchange worker's clock, so what is measured
 * is what the simulated provider did, whatever the test's own thread is doing.
 *
 * The control methods stay synchronous (as on the in-process simulator): each is a message to the
 * worker and an Atomics.wait for its answer, which the worker's own loop serves at once.
 */

/** Loads the worker entry; from TypeScript sources the modules arrive already transpiled. */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const sources = workerData.sources;
if (sources) {
  const load = require.extensions['.js'];
  require.extensions['.ts'] = (module, filename) => (filename in sources ? module._compile(sources[filename], filename) : load(module, filename));
}
require(workerData.entry);
`;

/** How long a control call may wait for the worker before the test is told it hangs. */
const CALL_TIMEOUT_MS = 10_000;

/** The entry and every module it reaches by a relative import, transpiled to CommonJS (sources only). */
function transpiledGraph(entry: string): Record<string, string> {
  const ts = createRequire(__filename)('typescript') as typeof import('typescript');
  const sources: Record<string, string> = {};
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (file in sources) continue;
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, isolatedModules: true },
    }).outputText;
    sources[file] = output;
    for (const match of output.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
      const base = path.resolve(path.dirname(file), match[1] as string);
      pending.push(base.endsWith('.ts') ? base : `${base}.ts`);
    }
  }
  return sources;
}

type Reply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/** Starts the simulator in a worker thread; the returned object behaves as `startSimulator`'s. */
export async function startSimulatorThread(options: SimulatorOptions): Promise<Simulator> {
  const typescript = path.extname(__filename) === '.ts';
  const entry = path.join(__dirname, typescript ? 'thread-worker.ts' : 'thread-worker.js');
  const { port1: here, port2: there } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { entry, sources: typescript ? transpiledGraph(entry) : undefined, options, port: there, flag },
    transferList: [there as unknown as MessagePort],
  });
  const started = await new Promise<{ origin: string; port: number; baseUrls: Record<string, string> }>((resolve, reject) => {
    worker.once('message', (message: Reply) => (message.ok ? resolve(message.value as never) : reject(new Error(message.error))));
    worker.once('error', reject);
  });
  worker.on('error', () => undefined);

  const call = (method: string, ...args: unknown[]): unknown => {
    Atomics.store(flag, 0, 0);
    here.postMessage({ method, args });
    if (Atomics.wait(flag, 0, 0, CALL_TIMEOUT_MS) === 'timed-out') throw new Error(`the simulator thread did not answer ${method} within ${CALL_TIMEOUT_MS} ms`);
    const reply = receiveMessageOnPort(here)?.message as Reply | undefined;
    if (!reply) throw new Error(`the simulator thread sent no answer to ${method}`);
    if (!reply.ok) throw new Error(reply.error);
    return reply.value;
  };

  return {
    origin: started.origin,
    port: started.port,
    baseUrl: (id) => {
      const url = started.baseUrls[id];
      if (url === undefined) throw new Error(`unknown simulated provider ${id}`);
      return url;
    },
    setMode: (id, mode, modeOptions) => void call('setMode', id, mode, modeOptions),
    provider: (id) => call('provider', id) as ReturnType<Simulator['provider']>,
    list: () => call('list') as ReturnType<Simulator['list']>,
    requests: (id, kind) => call('requests', id, kind) as ReturnType<Simulator['requests']>,
    clearRequests: (id) => void call('clearRequests', id),
    reset: () => void call('reset'),
    close: async () => {
      call('close');
      await worker.terminate();
      here.close();
    },
  };
}
