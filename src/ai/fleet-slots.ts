import type { ClusterMode } from '../cluster/cluster-mode';
import type { FleetStore, SharedView } from '../cluster/fleet-store';
import { planSlot, type SlotRole } from '../cluster/slot-plan';
import type { SlotSchedule, SlotTimer } from '../cluster/slot-schedule';
import type { Logger } from '../logging/logger';
import { BUDGET_UNITS, type BudgetAmounts } from './budget';
import type { FleetGate } from './fleet-gate';
import { decodeSharedRun, fleetGroup } from './fleet-run';
import type { ProviderState } from './ladder-state';

/** What the slot driver needs from the AI module and the cluster layer. */
export interface FleetSlotsDeps {
  readonly gate: FleetGate;
  readonly mode: ClusterMode;
  /** The connected store; undefined in standalone mode. */
  readonly store: () => FleetStore | undefined;
  /** Runs the provider's validation rung now (lower rungs as needed), through the gate. */
  readonly runValidation: (state: ProviderState, signal: AbortSignal) => Promise<unknown>;
  readonly onSlot: (provider: string, role: SlotRole) => void;
  readonly logger: Logger;
}

export interface ProviderSlots {
  readonly state: ProviderState;
  readonly schedule: SlotSchedule;
  readonly leaseMs: number;
}

interface Running {
  readonly key: string;
  timer: SlotTimer;
  bootstrap?: NodeJS.Timeout;
  busy: boolean;
}

/** The first slot after start waits 0.5 to 1 s. */
const BOOTSTRAP_DELAY_MS = 500;

const utcDay = (now: number): string => new Date(now).toISOString().slice(0, 10);

/** Raises the pod's spend to the fleet's: the day's budget is spent once for the fleet, not per pod. */
export function adoptFleetSpend(state: ProviderState, fleet: Readonly<Record<string, number>>, now = Date.now()): void {
  const local = state.budget.spent(now);
  const delta = Object.fromEntries(BUDGET_UNITS.map((unit) => [unit, Math.max(0, (fleet[unit] ?? 0) - local[unit])])) as BudgetAmounts;
  if (BUDGET_UNITS.some((unit) => delta[unit] > 0)) state.budget.record(delta, now);
}

/**
 * Runs each provider's paid rung on its slots. At every slot the pod claims it or waits for the
 * claimer's result (src/cluster/slot-plan.ts), installs that plan in the gate and triggers the
 * validation rung, which makes the call only where the plan says so. A claim the rung did not use
 * (a lower rung failed here) is released at once so another pod can run the slot.
 */
export class FleetSlots {
  private readonly running = new Map<string, Running>();
  private readonly abort = new AbortController();

  constructor(private readonly deps: FleetSlotsDeps) {}

  /** Starts, keeps or restarts each provider's slot timer; providers not listed stop. */
  sync(providers: readonly ProviderSlots[]): void {
    const wanted = new Map(providers.map((entry) => [entry.state.provider.id, entry]));
    for (const [id, running] of this.running) {
      const next = wanted.get(id);
      if (next && this.keyOf(next) === running.key) {
        wanted.delete(id);
        continue;
      }
      running.timer.stop();
      clearTimeout(running.bootstrap);
      this.running.delete(id);
      this.deps.gate.forget(id);
    }
    for (const [id, entry] of wanted) {
      const running: Running = { key: this.keyOf(entry), busy: false, timer: { stop: () => undefined } };
      this.running.set(id, running);
      const run = (slot: number, next: number): void => void this.slot(entry, running, slot, next);
      running.timer = entry.schedule.start(run);
      // The slot under way now, so a new pod serves a result without waiting a whole period;
      // shortly after start, like the scheduler's first runs (a one-shot command is gone by then).
      const bootstrap = setTimeout(() => {
        const current = Math.floor(Date.now() / entry.schedule.periodMs) * entry.schedule.periodMs;
        run(current, current + entry.schedule.periodMs);
      }, BOOTSTRAP_DELAY_MS + Math.random() * BOOTSTRAP_DELAY_MS);
      bootstrap.unref();
      running.bootstrap = bootstrap;
    }
  }

  stop(): void {
    this.abort.abort();
    for (const running of this.running.values()) {
      running.timer.stop();
      clearTimeout(running.bootstrap);
    }
    this.running.clear();
  }

  private keyOf(entry: ProviderSlots): string {
    return `${entry.schedule.text}|${fleetGroup(entry.state)}|${entry.leaseMs}`;
  }

  private async slot(entry: ProviderSlots, running: Running, slot: number, nextSlot: number): Promise<void> {
    const { state, leaseMs } = entry;
    const id = state.provider.id;
    if (running.busy || this.abort.signal.aborted) return void this.deps.onSlot(id, 'missed');
    running.busy = true;
    try {
      const store = this.deps.store();
      const group = fleetGroup(state);
      const day = utcDay(Date.now());
      const pollMs = Math.min(1000, Math.max(100, Math.floor(leaseMs / 10)));
      const plan = store
        ? await planSlot(store, this.deps.mode, { provider: group, slot, deadline: Math.min(nextSlot, Date.now() + 2 * leaseMs + pollMs), day, pollMs, connectWaitMs: leaseMs, signal: this.abort.signal })
        : ({ kind: 'local', role: 'standalone' } as const);
      this.deps.onSlot(id, plan.role);
      if (plan.kind === 'none') return;
      if (plan.kind === 'shared') return await this.follow(state, plan.view);
      if (plan.kind === 'local') return void (await this.trigger(state, { kind: 'local' }));
      if (!store) return;
      // The claimer starts from the fleet's spend: the budget check before the call is fleet-wide.
      const fleet = await store.read(group, day);
      if (fleet.ok) adoptFleetSpend(state, fleet.value.spend);
      const used = await this.trigger(state, { kind: 'claim', claim: plan.claim, store, group });
      if (!used) await store.release(plan.claim);
    } catch (error) {
      this.deps.logger.warn('fleet slot failed', { component: 'cluster', provider: id, slot, error: error instanceof Error ? error.message : String(error) });
    } finally {
      running.busy = false;
    }
  }

  private async follow(state: ProviderState, view: SharedView): Promise<void> {
    const published = view.result;
    const run = published ? decodeSharedRun(published.body) : undefined;
    if (!published || !run) {
      this.deps.logger.warn('fleet result unreadable; nothing served for this slot', { component: 'cluster', provider: state.provider.id });
      return;
    }
    adoptFleetSpend(state, view.spend);
    await this.trigger(state, { kind: 'shared', run, publishedAt: published.at });
  }

  /** Runs the validation rung with the plan installed; true when the gate was reached. */
  private async trigger(state: ProviderState, plan: Parameters<FleetGate['install']>[1]): Promise<boolean> {
    const uninstall = this.deps.gate.install(state.provider.id, plan);
    let used = false;
    try {
      await this.deps.runValidation(state, this.abort.signal);
    } finally {
      // Always taken out again, so a later forced run is not mistaken for this slot's.
      used = uninstall();
    }
    return used;
  }
}
