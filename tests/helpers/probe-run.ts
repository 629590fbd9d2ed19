import { PassThrough } from 'node:stream';
import { raceWithSignal, DeadlineExceeded } from '../../src/lib/abort';
import { createLogger } from '../../src/logging/logger';
import { SecretStore } from '../../src/logging/redact';
import type { Probe, ProbeReport } from '../../src/probes/types';

const quietLogger = createLogger({ level: 'error', secrets: new SecretStore(), stream: new PassThrough() });

/** Runs a probe once with a deadline, the way the scheduler does. */
export async function runProbe(probe: Probe, timeoutMs = 2_000): Promise<ProbeReport> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(timeoutMs)), timeoutMs);
  try {
    return await raceWithSignal(probe.run({ signal: controller.signal, logger: quietLogger }), controller.signal);
  } catch (error) {
    if (error instanceof DeadlineExceeded) return { outcome: { ok: false, reason: 'timeout', message: 'deadline' }, observations: [] };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
