import { performance } from 'node:perf_hooks';
import { withLoopTimeDeadline } from '../lib/loop-time-deadline';
import { providerKeys } from './keys';
import type { FleetClient } from './redis-connection';
import { CLAIM_SCRIPT, PUBLISH_SCRIPT, READ_SCRIPT, RELEASE_SCRIPT, RENEW_SCRIPT } from './scripts';

/** Why a Redis call failed; the `reason` label of `amas_exporter_cluster_redis_failures_total`. */
export const REDIS_FAILURES = ['timeout', 'connect', 'error'] as const;
export type RedisFailure = (typeof REDIS_FAILURES)[number];

/** A Redis call's outcome as a value: Redis being down is expected, not a bug. */
export type StoreResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: RedisFailure; readonly message: string };

/** A claim this pod holds on one provider's slot. */
export interface Claim {
  readonly provider: string;
  readonly slot: number;
  /** Fencing token: larger for every later claim of the provider, fleet-wide. */
  readonly token: number;
  /** performance.now() when Redis granted it: the lease is measured on this pod's monotonic clock. */
  readonly grantedAt: number;
  readonly leaseMs: number;
}

export type ClaimReply =
  | { readonly kind: 'claimed'; readonly claim: Claim }
  | { readonly kind: 'held'; readonly holder: string; readonly ttlMs: number }
  | { readonly kind: 'done'; readonly slot: number };

/** A published result as stored: the body is the caller's JSON, opaque here. */
export interface SharedResult {
  readonly slot: number;
  readonly token: number;
  readonly pod: string;
  /** Epoch ms (publisher's clock) when it was published. */
  readonly at: number;
  readonly body: string;
}

export interface SharedView {
  readonly result: SharedResult | undefined;
  /** What the fleet spent on the provider that day, by unit. */
  readonly spend: Readonly<Record<string, number>>;
  /** History entries, newest first (only when asked for). */
  readonly history: readonly string[];
}

export interface Publication {
  readonly body: string;
  /** One history entry (JSON) to push; omitted: none. */
  readonly history?: string;
  /** Paid spend to add to the day's fleet total, by unit. */
  readonly spend?: Readonly<Record<string, number>>;
  /** UTC day of the spend, YYYY-MM-DD. */
  readonly day: string;
}

export interface FleetStoreSettings {
  readonly cluster: string;
  readonly pod: string;
  readonly leaseMs: number;
  /** How long a published result is kept (it is reported stale long before). */
  readonly resultTtlMs: number;
  readonly historyMax: number;
  /**
   * A call slower than this fails as `timeout`, counted on this pod's running loop (see
   * lib/loop-time-deadline.ts); undefined: only the client's own timeout applies.
   */
  readonly commandTimeoutMs?: number;
}

const DAY_MS = 86_400_000;
/** Fencing counters outlive every claim by far; when one expires no claim it fenced can still be alive. */
const FENCE_TTL_MS = 30 * DAY_MS;
const HISTORY_TTL_MS = 7 * DAY_MS;
const SPEND_TTL_MS = 2 * DAY_MS;

type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;
const SCRIPTS = { amasFleetClaim: [3, CLAIM_SCRIPT], amasFleetPublish: [3, PUBLISH_SCRIPT], amasFleetRelease: [1, RELEASE_SCRIPT], amasFleetRenew: [1, RENEW_SCRIPT], amasFleetRead: [3, READ_SCRIPT] } as const;

export function classifyRedisError(error: unknown): { reason: RedisFailure; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (/timed out|timeout/i.test(message)) return { reason: 'timeout', message };
  if (/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|writeable|Connection is closed|connect|ClusterAllFailed|no .*node/i.test(message)) return { reason: 'connect', message };
  return { reason: 'error', message };
}

const pairs = (flat: unknown): Record<string, string> => {
  const list = Array.isArray(flat) ? (flat as string[]) : [];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i] as string] = list[i + 1] as string;
  return out;
};

/**
 * The fleet's shared state in Redis: claims with fencing tokens, published results, a bounded
 * history and the day's spend, per provider, under `amas-exporter:{<cluster>:<provider>}:*`.
 */
export class FleetStore {
  private readonly scripts: Record<keyof typeof SCRIPTS, ScriptCall>;

  constructor(private readonly client: FleetClient, private settings: FleetStoreSettings) {
    for (const [name, [keys, lua]] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: keys, lua });
    const table = client as unknown as Record<keyof typeof SCRIPTS, ScriptCall>;
    this.scripts = {
      amasFleetClaim: table.amasFleetClaim.bind(client),
      amasFleetPublish: table.amasFleetPublish.bind(client),
      amasFleetRelease: table.amasFleetRelease.bind(client),
      amasFleetRenew: table.amasFleetRenew.bind(client),
      amasFleetRead: table.amasFleetRead.bind(client),
    };
  }

  setSettings(settings: FleetStoreSettings): void {
    this.settings = settings;
  }

  get pod(): string {
    return this.settings.pod;
  }

  private async attempt<T>(work: () => Promise<T>): Promise<StoreResult<T>> {
    const timeoutMs = this.settings.commandTimeoutMs;
    try {
      const value = timeoutMs === undefined ? await work() : await withLoopTimeDeadline(work(), timeoutMs, () => new Error(`Redis did not answer within ${timeoutMs} ms (command timed out)`));
      return { ok: true, value };
    } catch (error) {
      return { ok: false, ...classifyRedisError(error) };
    }
  }

  /** PING; while the connection is still being set up, waits for it up to `waitMs` first. */
  async ping(waitMs = 0): Promise<StoreResult<void>> {
    // The wait for the connection is outside the command's deadline: only the PING is timed.
    if (waitMs > 0 && this.client.status !== 'ready') await this.whenReady(waitMs);
    return this.attempt(async () => {
      await this.client.ping();
    });
  }

  private whenReady(waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.client.once('ready', done);
    });
  }

  /** Tries to claim the provider's slot (`SET NX PX` on the slot's key, with a new fencing token). */
  claim(provider: string, slot: number): Promise<StoreResult<ClaimReply>> {
    const keys = providerKeys(this.settings.cluster, provider);
    const { leaseMs, pod } = this.settings;
    return this.attempt(async () => {
      // Taken before the call: the lease began at Redis after this, so the local clock never overestimates it.
      const grantedAt = performance.now();
      const reply = (await this.scripts.amasFleetClaim(keys.claim(slot), keys.fence, keys.result, pod, leaseMs, slot, FENCE_TTL_MS)) as string[];
      if (reply[0] === 'claimed') return { kind: 'claimed', claim: { provider, slot, token: Number(reply[1]), grantedAt, leaseMs } };
      if (reply[0] === 'done') return { kind: 'done', slot: Number(reply[1]) };
      return { kind: 'held', holder: String(reply[1] ?? '').replace(/^\d+ /, ''), ttlMs: Number(reply[2]) };
    });
  }

  /** Publishes the claimer's result, refused when a newer claim already published (fenced out). */
  publish(claim: Claim, publication: Publication): Promise<StoreResult<'published' | 'fenced'>> {
    const keys = providerKeys(this.settings.cluster, claim.provider);
    const spend = Object.entries(publication.spend ?? {}).filter(([, amount]) => Number.isFinite(amount) && amount !== 0);
    const args = [
      claim.token,
      claim.slot,
      this.settings.pod,
      Date.now(),
      publication.body,
      this.settings.resultTtlMs,
      publication.history ?? '',
      this.settings.historyMax,
      HISTORY_TTL_MS,
      SPEND_TTL_MS,
      ...spend.flatMap(([unit, amount]) => [unit, String(amount)]),
    ];
    return this.attempt(async () => ((await this.scripts.amasFleetPublish(keys.result, keys.history, keys.spend(publication.day), ...args)) === 1 ? 'published' : 'fenced'));
  }

  /** Gives a claim back before its lease ends (this pod made no call); a no-op once someone else holds it. */
  release(claim: Claim): Promise<StoreResult<void>> {
    const keys = providerKeys(this.settings.cluster, claim.provider);
    return this.attempt(async () => {
      await this.scripts.amasFleetRelease(keys.claim(claim.slot), claim.token);
    });
  }

  /**
   * Extends the claim by a whole lease while its call runs; false once it is no longer ours. A
   * live claimer keeps its slot however slow the provider; a dead or paused one stops renewing.
   */
  renew(claim: Claim): Promise<StoreResult<boolean>> {
    const keys = providerKeys(this.settings.cluster, claim.provider);
    return this.attempt(async () => (await this.scripts.amasFleetRenew(keys.claim(claim.slot), claim.token, claim.leaseMs)) === 1);
  }

  /** The provider's latest published result, the day's fleet spend and, when asked, the history. */
  read(provider: string, day: string, historyEntries = 0): Promise<StoreResult<SharedView>> {
    const keys = providerKeys(this.settings.cluster, provider);
    return this.attempt(async () => {
      const [resultFlat, spendFlat, history] = (await this.scripts.amasFleetRead(keys.result, keys.spend(day), keys.history, historyEntries)) as [unknown, unknown, string[]];
      const fields = pairs(resultFlat);
      const result =
        fields.body !== undefined
          ? { slot: Number(fields.slot), token: Number(fields.token), pod: fields.pod ?? '', at: Number(fields.at), body: fields.body }
          : undefined;
      const spend = Object.fromEntries(Object.entries(pairs(spendFlat)).map(([unit, amount]) => [unit, Number(amount)]));
      return { result, spend, history: Array.isArray(history) ? history : [] };
    });
  }

  /** True while the claim's lease has at least `marginMs` left on this pod's monotonic clock. */
  static holds(claim: Claim, marginMs: number, now = performance.now()): boolean {
    return now - claim.grantedAt + marginMs < claim.leaseMs;
  }
}
