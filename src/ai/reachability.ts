import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import { raceWithSignal } from '../lib/abort';
import { classifyError } from '../probes/classify-error';
import { networkDetail } from './network-detail';
import type { FailureReason } from '../probes/types';

/** Result of the free reachability rung: how long each network phase took, or why it failed. */
export type Reachability =
  | { readonly ok: true; readonly elapsedMs: number; readonly phases: { readonly dnsMs: number; readonly connectMs: number; readonly tlsMs: number | null } }
  | { readonly ok: false; readonly reason: FailureReason; readonly message: string; readonly elapsedMs: number };

type Phase = 'dns' | 'connect' | 'tls';

class PhaseError extends Error {
  constructor(readonly phase: Phase, readonly original: unknown) {
    super(phase);
  }
}

function connect(host: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  const socket = net.connect({ host, port });
  const ready = new Promise<net.Socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
  return raceWithSignal(ready, signal, () => socket.destroy());
}

function handshake(socket: net.Socket, host: string, signal: AbortSignal): Promise<tls.TLSSocket> {
  // SNI must be a name: RFC 6066 forbids IP literals there.
  const secure = tls.connect({ socket, servername: net.isIP(host) === 0 ? host : undefined, ALPNProtocols: ['http/1.1'] });
  const ready = new Promise<tls.TLSSocket>((resolve, reject) => {
    secure.once('secureConnect', () => resolve(secure));
    secure.once('error', reject);
  });
  return raceWithSignal(ready, signal, () => secure.destroy());
}

async function timed<T>(phase: Phase, run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  try {
    const value = await run();
    return { value, ms: performance.now() - started };
  } catch (error) {
    throw new PhaseError(phase, error);
  }
}

const PHASE_TEXT: Record<Phase, string> = { dns: 'DNS lookup of', connect: 'TCP connect to', tls: 'TLS handshake with' };

/**
 * DNS lookup, TCP connect and, for https, a TLS handshake (certificate verified, SNI set) to the
 * base URL's host. No HTTP request is sent, so it costs nothing and needs no key.
 */
export async function checkReachability(baseUrl: string, signal: AbortSignal): Promise<Reachability> {
  const started = performance.now();
  const elapsedMs = (): number => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { ok: false, reason: 'connect', message: 'base URL is not a valid URL', elapsedMs: 0 };
  }
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return { ok: false, reason: 'connect', message: `base URL scheme ${url.protocol} is not http or https`, elapsedMs: 0 };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  let socket: net.Socket | undefined;
  try {
    const lookup = await timed('dns', () => (net.isIP(host) !== 0 ? Promise.resolve(host) : raceWithSignal(dns.promises.lookup(host), signal).then((found) => found.address)));
    const connected = await timed('connect', () => connect(lookup.value, port, signal));
    socket = connected.value;
    let tlsMs: number | null = null;
    if (secure) {
      const shaken = await timed('tls', () => handshake(connected.value, host, signal));
      socket = shaken.value;
      tlsMs = Math.round(shaken.ms);
    }
    return { ok: true, elapsedMs: elapsedMs(), phases: { dnsMs: Math.round(lookup.ms), connectMs: Math.round(connected.ms), tlsMs } };
  } catch (error) {
    const phase = error instanceof PhaseError ? error.phase : 'connect';
    const original = error instanceof PhaseError ? error.original : error;
    if (signal.aborted) return { ok: false, reason: 'timeout', message: `${PHASE_TEXT[phase]} ${url.host} did not finish before the deadline`, elapsedMs: elapsedMs() };
    let reason = classifyError(original);
    // A handshake that fails without a TLS error code (peer closed, spoke plain HTTP) is still a TLS failure.
    if (phase === 'tls' && reason === 'connect') reason = 'tls';
    return { ok: false, reason, message: `${PHASE_TEXT[phase]} ${url.host} failed: ${networkDetail(original)}`, elapsedMs: elapsedMs() };
  } finally {
    socket?.destroy();
  }
}
