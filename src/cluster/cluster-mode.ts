import type { RedisFailure } from './fleet-store';

/**
 * The fleet state of this pod; the `state` label of `amas_exporter_cluster_state`.
 * - `standalone`: no cluster section (or `enabled: false`): the pod validates alone, as always.
 * - `connecting`: fleet mode, Redis not answered yet.
 * - `shared`: fleet mode, Redis answers: one pod per slot makes the paid call, the others read it.
 * - `degraded`: fleet mode, Redis down or slow: each pod validates alone, on one slot in `fallback_every`.
 */
export const CLUSTER_STATES = ['standalone', 'connecting', 'shared', 'degraded'] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];

export interface ModeChange {
  readonly from: ClusterState;
  readonly to: ClusterState;
  readonly reason?: RedisFailure;
  readonly message?: string;
}

/**
 * Moves between the states on the evidence of Redis calls: any failure degrades at once (a slot
 * must not wait on a sick Redis), any success returns to shared mode. While degraded, each
 * provider runs alone on the first slot and then on one slot in `fallbackEvery`.
 */
export class ClusterMode {
  private current: ClusterState = 'standalone';
  private readonly degradedSlots = new Map<string, number>();
  private fallbackEvery = 1;

  constructor(
    private readonly onChange: (change: ModeChange) => void = () => undefined,
    /** Every failed Redis call, whichever part of the fleet code made it (slots, heartbeat). */
    private readonly onFailure: (reason: RedisFailure) => void = () => undefined,
  ) {}

  get state(): ClusterState {
    return this.current;
  }

  /** Fleet mode on (starts `connecting` until Redis answers) or off (`standalone`). */
  configure(fleet: boolean, fallbackEvery: number): void {
    this.fallbackEvery = fallbackEvery;
    if (!fleet) this.move('standalone');
    else if (this.current === 'standalone') this.move('connecting');
  }

  succeeded(): void {
    if (this.current === 'connecting' || this.current === 'degraded') {
      this.degradedSlots.clear();
      this.move('shared');
    }
  }

  failed(reason: RedisFailure, message: string): void {
    this.onFailure(reason);
    if (this.current === 'shared' || this.current === 'connecting') this.move('degraded', reason, message);
  }

  /** While degraded (or still connecting): whether this pod runs this provider's slot alone. */
  runsAlone(provider: string): boolean {
    const seen = this.degradedSlots.get(provider) ?? 0;
    this.degradedSlots.set(provider, seen + 1);
    return seen % this.fallbackEvery === 0;
  }

  private move(to: ClusterState, reason?: RedisFailure, message?: string): void {
    if (to === this.current) return;
    const from = this.current;
    this.current = to;
    this.onChange({ from, to, ...(reason ? { reason } : {}), ...(message ? { message } : {}) });
  }
}
