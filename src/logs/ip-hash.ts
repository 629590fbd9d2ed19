import { createHmac } from 'node:crypto';

/** Hex characters kept from the HMAC: 64 bits, enough to tell clients apart, short as a label. */
export const HASH_HEX_LENGTH = 16;

/**
 * Keyed hashes for labels. A plain hash of an IPv4 address can be reversed by hashing all 2^32
 * candidates; an HMAC cannot be recomputed without the key, which never leaves the exporter.
 */
export class KeyedHasher {
  constructor(private readonly key: Buffer) {}

  hash(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('hex').slice(0, HASH_HEX_LENGTH);
  }

  /** Hashes an address after normalising its spelling (IPv4-mapped IPv6, case, zone, brackets). */
  hashIp(address: string): string {
    return this.hash(normaliseIp(address));
  }
}

export function normaliseIp(address: string): string {
  let text = address.trim().toLowerCase();
  if (text.startsWith('[') && text.includes(']')) text = text.slice(1, text.indexOf(']'));
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (text.startsWith('::ffff:') && text.includes('.')) text = text.slice(7);
  return text;
}
