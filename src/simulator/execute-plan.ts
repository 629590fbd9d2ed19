import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plan } from './behaviour';

const JSON_TYPE = { 'content-type': 'application/json' };
const CHUNK = 64 * 1024;
const ENDLESS_TICK_MS = 200;

/** Cleanups of timers still running, so closing the simulator never leaves one behind. */
export type Cleanups = Set<() => void>;

/** Runs `step` every `ms` until it returns false, the client goes away or the simulator closes. */
function repeat(res: ServerResponse, cleanups: Cleanups, ms: number, step: () => boolean): void {
  const stop = (): void => {
    clearInterval(timer);
    cleanups.delete(stop);
  };
  const timer = setInterval(() => {
    if (res.destroyed || !step()) stop();
  }, ms);
  cleanups.add(stop);
  res.once('close', stop);
}

/** Waits, unless the client leaves or the simulator closes first; true when still worth replying. */
function wait(res: ServerResponse, cleanups: Cleanups, ms: number, late?: (ms: number) => void): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!res.destroyed);
  const due = performance.now() + ms;
  return new Promise((resolve) => {
    const done = (open: boolean): void => {
      clearTimeout(timer);
      cleanups.delete(cancel);
      res.off('close', cancel);
      resolve(open);
    };
    const cancel = (): void => done(false);
    const timer = setTimeout(() => {
      late?.(Math.max(0, performance.now() - due));
      done(!res.destroyed);
    }, ms);
    cleanups.add(cancel);
    res.once('close', cancel);
  });
}

/** Writes `bytes` of a JSON-looking body in chunks, honouring backpressure, until done or the client cuts it. */
function writeHuge(res: ServerResponse, bytes: number): void {
  res.writeHead(200, JSON_TYPE);
  const head = '{"id":"sim-huge","padding":"';
  let remaining = Math.max(0, bytes - head.length - 2);
  res.write(head);
  const pump = (): void => {
    while (remaining > 0 && !res.destroyed) {
      const size = Math.min(CHUNK, remaining);
      remaining -= size;
      if (!res.write('A'.repeat(size))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end('"}');
  };
  pump();
}

/** Executes a plan; returns the status sent, or null when the socket was dropped or the client left. */
export async function executePlan(plan: Plan, req: IncomingMessage, res: ServerResponse, cleanups: Cleanups, late?: (ms: number) => void): Promise<number | null> {
  switch (plan.type) {
    case 'destroy':
      req.socket.destroy();
      return null;
    case 'json':
    case 'text': {
      if (!(await wait(res, cleanups, plan.delayMs, late))) return null;
      const text = plan.type === 'json' ? JSON.stringify(plan.body) : plan.text;
      res.writeHead(plan.status, { ...JSON_TYPE, ...(plan.type === 'json' ? plan.headers : {}), 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return plan.status;
    }
    case 'trickle': {
      res.writeHead(200, JSON_TYPE);
      res.flushHeaders();
      const bytes = Buffer.from(plan.text);
      let at = 0;
      repeat(res, cleanups, plan.intervalMs, () => {
        res.write(bytes.subarray(at, at + 1));
        at += 1;
        if (at < bytes.length) return true;
        res.end();
        return false;
      });
      return 200;
    }
    case 'huge':
      writeHuge(res, plan.bytes);
      return 200;
    case 'stream': {
      res.writeHead(200, plan.headers);
      res.flushHeaders();
      if (!(await wait(res, cleanups, plan.firstDelayMs))) return null;
      for (const [index, chunk] of plan.chunks.entries()) {
        const gap = plan.gapsMs[index] ?? 0;
        if (gap > 0 && !(await wait(res, cleanups, gap))) return null;
        res.write(chunk);
      }
      res.end();
      return 200;
    }
    case 'endless': {
      res.writeHead(200, JSON_TYPE);
      res.write('{"choices": [');
      const until = Date.now() + plan.holdMs;
      repeat(res, cleanups, ENDLESS_TICK_MS, () => {
        if (Date.now() >= until) {
          res.destroy();
          return false;
        }
        res.write(' ');
        return true;
      });
      return 200;
    }
  }
}
