import type { TokenUsage } from './types';

/** USD per million tokens, input and output. */
export interface Price {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/** A day's limits on paid calls; null means no limit in that unit. */
export interface BudgetLimits {
  readonly requests: number | null;
  readonly tokens: number | null;
  readonly usd: number | null;
}

/** The units a budget counts; the `unit` label of the budget gauges. */
export const BUDGET_UNITS = ['requests', 'tokens', 'usd'] as const;
export type BudgetUnit = (typeof BUDGET_UNITS)[number];
export type BudgetAmounts = Readonly<Record<BudgetUnit, number>>;

/** Estimated USD of a call with these token counts. */
export function costUsd(promptTokens: number, completionTokens: number, price: Price): number {
  return (promptTokens * price.inputPerMillion + completionTokens * price.outputPerMillion) / 1_000_000;
}

/** The spend of one call: its tokens, priced. */
/** The most one call can cost: the prompt (generously estimated) plus the full output cap. */
export function worstCase(prompt: string, provider: { readonly maxTokens: number; readonly price: Price }): BudgetAmounts {
  const promptTokens = Math.ceil(prompt.length / 3) + 32;
  return { requests: 1, tokens: promptTokens + provider.maxTokens, usd: costUsd(promptTokens, provider.maxTokens, provider.price) };
}

export function spendOf(usage: TokenUsage, price: Price): BudgetAmounts {
  return { requests: 1, tokens: usage.totalTokens, usd: costUsd(usage.promptTokens, usage.completionTokens, price) };
}

/** A day's spend: `day` is the UTC date (YYYY-MM-DD). */
export interface BudgetRecord extends BudgetAmounts {
  readonly day: string;
}

const utcDay = (now: number): string => new Date(now).toISOString().slice(0, 10);

/**
 * One provider's paid-probe spend for the current UTC day. A call is refused when it could push
 * any unit over its limit, assuming the worst case the caller estimates (the full max tokens), so a
 * limit is never crossed. Spend starts again at 00:00 UTC.
 */
export class DailyBudget {
  private day = '';
  private spentToday: Record<BudgetUnit, number> = { requests: 0, tokens: 0, usd: 0 };

  constructor(private limits: BudgetLimits) {}

  setLimits(limits: BudgetLimits): void {
    this.limits = limits;
  }

  /** Today's spend as plain JSON (state file, fleet). */
  toRecord(now = Date.now()): BudgetRecord {
    this.roll(now);
    return { day: this.day, ...this.spentToday };
  }

  /** Takes over a spend recorded elsewhere; another day's spend is over and ignored. */
  restore(record: BudgetRecord, now = Date.now()): void {
    this.roll(now);
    if (record.day === this.day) this.spentToday = { requests: record.requests, tokens: record.tokens, usd: record.usd };
  }

  private roll(now: number): void {
    const today = utcDay(now);
    if (today !== this.day) {
      this.day = today;
      this.spentToday = { requests: 0, tokens: 0, usd: 0 };
    }
  }

  spent(now = Date.now()): BudgetAmounts {
    this.roll(now);
    return { ...this.spentToday };
  }

  /** What is left per unit; units without a limit are left out. */
  remaining(now = Date.now()): Partial<BudgetAmounts> {
    this.roll(now);
    const left: Partial<Record<BudgetUnit, number>> = {};
    for (const unit of BUDGET_UNITS) {
      const limit = this.limits[unit];
      if (limit !== null) left[unit] = Math.max(0, limit - this.spentToday[unit]);
    }
    return left;
  }

  /** Whether a call costing at most `worstCase` fits today's limits; if not, which limit it would break. */
  allows(worstCase: BudgetAmounts, now = Date.now()): { readonly ok: true } | { readonly ok: false; readonly detail: string } {
    this.roll(now);
    for (const unit of BUDGET_UNITS) {
      const limit = this.limits[unit];
      if (limit === null) continue;
      if (this.spentToday[unit] + worstCase[unit] > limit) {
        const format = (n: number): string => (unit === 'usd' ? `$${n.toFixed(4)}` : String(Math.round(n)));
        return { ok: false, detail: `daily ${unit} budget: spent ${format(this.spentToday[unit])} of ${format(limit)}, the next call may take ${format(worstCase[unit])} (resets 00:00 UTC)` };
      }
    }
    return { ok: true };
  }

  record(amounts: BudgetAmounts, now = Date.now()): void {
    this.roll(now);
    for (const unit of BUDGET_UNITS) this.spentToday[unit] += amounts[unit];
  }
}
