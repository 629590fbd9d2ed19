import type { ClusterMode } from './cluster-mode';
import type { Claim, FleetStore, SharedView } from './fleet-store';
import { abortableSleep as sleep } from '../lib/abortable-sleep';

/**
 * What this pod does in one provider's slot; the `role` becomes the label of
 * `amas_exporter_cluster_slots_total`.
 * - `local`: run the paid rung here and publish nothing (standalone, or alone while Redis is down).
 * - `claim`: this pod holds the slot: run the paid rung, then publish under the claim's fencing token.
 * - `shared`: another pod ran the slot: serve its published result.
 * - `none`: nothing this slot (degraded and not this pod's fallback slot, or no result in time).
 */
export type SlotPlan =
  | { readonly kind: 'local'; readonly role: 'standalone' | 'alone' }
  | { readonly kind: 'claim'; readonly role: 'claimed' | 'took_over'; readonly claim: Claim }
  | { readonly kind: 'shared'; readonly role: 'followed'; readonly view: SharedView }
  | { readonly kind: 'none'; readonly role: 'skipped' | 'missed' };

export const SLOT_ROLES = ['standalone', 'alone', 'claimed', 'took_over', 'followed', 'skipped', 'missed', 'fenced'] as const;
export type SlotRole = (typeof SLOT_ROLES)[number];

export interface SlotRequest {
  readonly provider: string;
  readonly slot: number;
  /** Epoch ms after which waiting for this slot's result stops (the next slot, or a few leases). */
  readonly deadline: number;
  /** UTC day the spend is read for. */
  readonly day: string;
  readonly pollMs: number;
  /** While still connecting, how long to wait for the connection before validating alone. */
  readonly connectWaitMs?: number;
  readonly signal?: AbortSignal;
}


/** Degraded or failed: run alone on this pod's fallback slots, else nothing. */
function fallback(mode: ClusterMode, provider: string): SlotPlan {
  return mode.runsAlone(provider) ? { kind: 'local', role: 'alone' } : { kind: 'none', role: 'skipped' };
}

/**
 * Decides the slot: claim it (first pod wins, `SET NX PX`), or wait for the winner's result. A
 * waiting pod that sees the claim vanish before a result (the claimer died or paused past its
 * lease) claims the slot itself: another pod runs it within one lease. Any Redis failure degrades
 * the pod at once. Bounded by the request's deadline and the number of polls it allows.
 */
export async function planSlot(store: FleetStore, mode: ClusterMode, request: SlotRequest): Promise<SlotPlan> {
  const { provider, slot } = request;
  if (mode.state === 'standalone') return { kind: 'local', role: 'standalone' };
  if (mode.state === 'degraded' || mode.state === 'connecting') {
    // Just started: give the connection its time rather than validating alone at once.
    const ping = await store.ping(mode.state === 'connecting' ? request.connectWaitMs ?? 0 : 0);
    if (!ping.ok) {
      mode.failed(ping.reason, ping.message);
      return fallback(mode, provider);
    }
    mode.succeeded();
  }
  let waited = false;
  const maxPolls = Math.max(1, Math.ceil((request.deadline - Date.now()) / request.pollMs) + 1);
  for (let poll = 0; poll < maxPolls && !request.signal?.aborted; poll += 1) {
    const reply = await store.claim(provider, slot);
    if (!reply.ok) {
      mode.failed(reply.reason, reply.message);
      return fallback(mode, provider);
    }
    mode.succeeded();
    const answer = reply.value;
    if (answer.kind === 'claimed') return { kind: 'claim', role: waited ? 'took_over' : 'claimed', claim: answer.claim };
    if (answer.kind === 'done') {
      const view = await store.read(provider, request.day);
      if (!view.ok) {
        mode.failed(view.reason, view.message);
        return fallback(mode, provider);
      }
      return { kind: 'shared', role: 'followed', view: view.value };
    }
    if (Date.now() + request.pollMs > request.deadline) break;
    waited = true;
    await sleep(Math.min(request.pollMs, Math.max(1, answer.ttlMs)), request.signal);
  }
  return { kind: 'none', role: 'missed' };
}
