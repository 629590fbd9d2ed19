/** Every key the fleet writes starts with this, then `{<cluster>:<provider>}`. */
export const KEY_PREFIX = 'amas-exporter';

/**
 * The keys of one provider in one cluster. The `{cluster:provider}` hash tag puts all of them in the
 * same Redis Cluster slot, so each script may touch several. Keys hold slot numbers, pod names,
 * fencing tokens and validation results: never a key, token or password. Every key expires.
 */
export interface ProviderKeys {
  /** `SET NX PX` target: one per slot, named after the slot's start (epoch ms). */
  claim(slot: number): string;
  /** INCR counter behind the fencing tokens. */
  readonly fence: string;
  /** Hash: token, slot, pod, at, body of the latest published result. */
  readonly result: string;
  /** List of history entries, newest first. */
  readonly history: string;
  /** Hash of what the fleet spent on the provider that UTC day. */
  spend(day: string): string;
}

export function providerKeys(cluster: string, provider: string): ProviderKeys {
  const tag = `${KEY_PREFIX}:{${cluster}:${provider}}`;
  return {
    claim: (slot) => `${tag}:claim:${slot}`,
    fence: `${tag}:fence`,
    result: `${tag}:result`,
    history: `${tag}:history`,
    spend: (day) => `${tag}:spend:${day}`,
  };
}
