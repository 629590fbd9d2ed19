import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfigFile } from '../../../src/modules/config';
import { probeDefinitions } from '../../../src/probes/registry';

/** Every entry of the probe registry has its valid config fixture and its own test file. */
describe.each(Object.keys(probeDefinitions))('the %s probe type', (type) => {
  it('is registered under its own type name', () => {
    expect(probeDefinitions[type as keyof typeof probeDefinitions].type).toBe(type);
  });

  it('has a valid config fixture that loads', () => {
    const fixture = path.join(__dirname, '..', '..', 'fixtures', 'config', `valid-${type}.yaml`);
    const { config } = loadConfigFile(fixture, { env: {} });
    expect(config.probes.map((probe) => probe.type)).toContain(type);
  });

  it('has a unit test file', () => {
    expect(existsSync(path.join(__dirname, `${type}.test.ts`))).toBe(true);
  });
});
