import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { HASH_HEX_LENGTH, KeyedHasher } from '../../src/logs/ip-hash';
import { createHarness, logsConfig, tempDir } from './helpers/logs-harness';

const KEY = 'the-secret-hash-key-for-this-test';
const ADDRESS = '10.0.37.201';

describe('a hashed address cannot be found again without the key', () => {
  it('the label is an HMAC of the address: not its plain SHA-256, not an HMAC under another key', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, `${JSON.stringify({ event_type: 'system_event', details: { method: 'POST', path: '/api/v1/auth/login', status_code: 401 }, ip_address: ADDRESS })}\n`);
    const h = await createHarness(logsConfig({ sources: [{ name: 'audit', path: file, format: 'audit', start_at: 'beginning' }], positions_path: path.join(dir, 'p.json'), hash_key: KEY }), dir);
    await h.drain();
    const [sample] = await h.samples('amas_auth_attempts_total');
    const label = String(sample?.labels.ip_hash);
    await h.close();

    expect(label).toMatch(new RegExp(`^[0-9a-f]{${HASH_HEX_LENGTH}}$`));
    expect(label).toBe(createHmac('sha256', KEY).update(ADDRESS).digest('hex').slice(0, HASH_HEX_LENGTH));
    const plain = createHash('sha256').update(ADDRESS).digest('hex');
    expect(plain).not.toContain(label);
    expect(createHmac('sha256', 'another-key').update(ADDRESS).digest('hex')).not.toContain(label);
    expect(new KeyedHasher(Buffer.from('another-key')).hashIp(ADDRESS)).not.toBe(label);
  });

  it('hashing every address of the /16 without the key finds nothing', () => {
    const label = new KeyedHasher(Buffer.from(KEY)).hashIp(ADDRESS);
    let found = 0;
    for (let third = 0; third < 256; third += 1) {
      for (let fourth = 0; fourth < 256; fourth += 1) {
        const candidate = `10.0.${third}.${fourth}`;
        if (createHash('sha256').update(candidate).digest('hex').startsWith(label)) found += 1;
        if (createHash('md5').update(candidate).digest('hex').startsWith(label)) found += 1;
      }
    }
    expect(found).toBe(0);
  });

  it('spellings of one address hash alike', () => {
    const hasher = new KeyedHasher(Buffer.from(KEY));
    expect(hasher.hashIp('::FFFF:10.0.37.201')).toBe(hasher.hashIp(ADDRESS));
    expect(hasher.hashIp('[fe80::1%eth0]')).toBe(hasher.hashIp('fe80::1'));
  });
});
