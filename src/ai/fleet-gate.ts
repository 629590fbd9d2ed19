import { FleetStore, type Claim } from '../cluster/fleet-store';
import { BUDGET_UNITS, type BudgetAmounts } from './budget';
import { encodeSharedRun, sharedOutcome, toSharedRun, type SharedRun } from './fleet-run';
import type { ProviderState } from './ladder-state';
import type { PaidGate, PaidOutcome, PaidStep } from './paid-gate';

/** What the slot decided for a provider, installed for the one validation run the slot triggers. */
export type InstalledPlan =
  | { readonly kind: 'local' }
  | { readonly kind: 'claim'; readonly claim: Claim; readonly store: FleetStore; readonly group: string }
  | { readonly kind: 'shared'; readonly run: SharedRun; readonly publishedAt: number };

/** The result a pod serves for a provider: its own or one read from Redis. */
export interface ServedResult {
  readonly shared: boolean;
  readonly pod: string;
  /** Epoch ms the paid step started (the claimer's clock for a shared one). */
  readonly startedAt: number;
}

/** Thrown when a claim's lease ran out before the call could start: no call is made, another pod may hold the slot. */
export class LeaseLost extends Error {}

export interface FleetGateDeps {
  readonly pod: () => string;
  /** Deep-redacts known secrets (the body leaves the pod). */
  readonly redact: (text: string) => string;
  /** The provider's validation timeout: a claim must have this much lease left when the call starts. */
  readonly timeoutMs: (state: ProviderState) => number;
  readonly onPublished: (provider: string, result: 'published' | 'fenced' | 'failed') => void;
}

const utcDay = (now: number): string => new Date(now).toISOString().slice(0, 10);

function spentSince(before: BudgetAmounts, after: BudgetAmounts): BudgetAmounts {
  return Object.fromEntries(BUDGET_UNITS.map((unit) => [unit, Math.max(0, after[unit] - before[unit])])) as BudgetAmounts;
}

/**
 * The paid gate in fleet mode. Without a plan (a forced run from the admin API or the CLI, or a
 * standalone pod) the call is made here. With a claim the call is made only while the lease still
 * covers a whole call, and the outcome is published under the claim's fencing token. With a
 * shared result no call is made: the claimer's outcome is returned as `shared`.
 */
export class FleetGate implements PaidGate {
  private readonly plans = new Map<string, InstalledPlan & { used: boolean }>();
  readonly served = new Map<string, ServedResult>();

  constructor(private readonly deps: FleetGateDeps) {}

  /** Installs the slot's plan for the provider's next validation run; returns a function telling whether the gate used it. */
  install(provider: string, plan: InstalledPlan): () => boolean {
    const entry = { ...plan, used: false };
    this.plans.set(provider, entry);
    return () => {
      if (this.plans.get(provider) === entry) this.plans.delete(provider);
      return entry.used;
    };
  }

  forget(provider: string): void {
    this.plans.delete(provider);
    this.served.delete(provider);
  }

  async runPaid(state: ProviderState, paid: PaidStep, signal: AbortSignal): Promise<PaidOutcome> {
    const id = state.provider.id;
    const plan = this.plans.get(id);
    if (plan?.kind === 'shared') {
      plan.used = true;
      this.served.set(id, { shared: true, pod: plan.run.pod, startedAt: plan.run.startedAt });
      return sharedOutcome(plan.run);
    }
    if (plan?.kind === 'claim' && !FleetStore.holds(plan.claim, this.deps.timeoutMs(state))) {
      throw new LeaseLost(`the claim on slot ${plan.claim.slot} has less than one call left of its lease; no call made`);
    }
    if (plan) plan.used = true;
    const startedAt = Date.now();
    const before = state.budget.spent(startedAt);
    const renewal = plan?.kind === 'claim' ? this.keepRenewing(plan) : undefined;
    let outcome: PaidOutcome;
    try {
      outcome = await paid(signal);
    } finally {
      clearInterval(renewal);
    }
    this.served.set(id, { shared: false, pod: this.deps.pod(), startedAt });
    if (plan?.kind === 'claim') await this.publish(state, plan, startedAt, outcome, spentSince(before, state.budget.spent()));
    return outcome;
  }

  /** Renews the claim every third of its lease until the call is over. */
  private keepRenewing(plan: Extract<InstalledPlan, { kind: 'claim' }>): NodeJS.Timeout {
    const timer = setInterval(() => void plan.store.renew(plan.claim), Math.max(100, Math.floor(plan.claim.leaseMs / 3)));
    timer.unref();
    return timer;
  }

  private async publish(state: ProviderState, plan: Extract<InstalledPlan, { kind: 'claim' }>, startedAt: number, outcome: PaidOutcome, spend: BudgetAmounts): Promise<void> {
    const run = toSharedRun(state, this.deps.pod(), startedAt, outcome, spend);
    const entry = { slot: plan.claim.slot, pod: run.pod, at: startedAt, result: run.result.result, reason: 'reason' in run.result ? run.result.reason : null, latencyMs: run.details.latencyMs ?? null, usage: run.details.usage ?? null, costUsd: run.details.costUsd ?? 0 };
    const published = await plan.store.publish(plan.claim, {
      body: this.deps.redact(encodeSharedRun(run)),
      history: this.deps.redact(JSON.stringify(entry)),
      spend,
      day: utcDay(startedAt),
    });
    this.deps.onPublished(state.provider.id, published.ok ? published.value : 'failed');
  }
}
