import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { startSimulator, type Simulator, type SimulatorOptions } from './server';

/** Worker side of ./thread.ts: runs the simulator and answers control calls on the shared port. */
const { options, port, flag } = workerData as { options: SimulatorOptions; port: MessagePort; flag: Int32Array };

const answer = (reply: unknown): void => {
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
};

void startSimulator(options).then(
  (sim: Simulator) => {
    const baseUrls = Object.fromEntries(sim.list().map((view) => [view.id, view.baseUrl]));
    parentPort?.postMessage({ ok: true, value: { origin: sim.origin, port: sim.port, baseUrls } });
    port.on('message', ({ method, args }: { method: string; args: unknown[] }) => {
      if (method === 'close') {
        // Answered once the server is closed, so no reply is cut off by the thread's end.
        void sim.close().then(() => answer({ ok: true, value: null }));
        return;
      }
      try {
        const value = (sim as unknown as Record<string, (...a: unknown[]) => unknown>)[method]?.(...args);
        answer({ ok: true, value: value ?? null });
      } catch (error) {
        answer({ ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    });
  },
  (error: unknown) => parentPort?.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) }),
);
