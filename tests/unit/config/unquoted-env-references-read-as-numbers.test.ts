import { parseConfig } from '../../../src/modules/config';

describe('an ${ENV} reference in an unquoted scalar', () => {
  it('reads as the number it spells, so `port: ${PORT}` works', () => {
    const { config } = parseConfig('listen:\n  port: ${AMAS_TEST_PORT:-8001}\n', 'test.yaml', { env: { AMAS_TEST_PORT: '42757' } });
    expect(config.listen.port).toBe(42757);
    expect(parseConfig('listen:\n  port: ${AMAS_TEST_PORT:-8001}\n', 'test.yaml', { env: {} }).config.listen.port).toBe(8001);
  });

  it('reads booleans too, and leaves quoted scalars and other text as strings', () => {
    const { config } = parseConfig('admin:\n  http_reload: ${RELOAD}\nlog_level: "${LEVEL}"\n', 'test.yaml', { env: { RELOAD: 'true', LEVEL: 'debug' } });
    expect(config.admin.http_reload).toBe(true);
    expect(config.log_level).toBe('debug');
  });

  it('never turns an interpolated value into YAML structure', () => {
    expect(() => parseConfig('listen:\n  port: ${EVIL}\n', 'test.yaml', { env: { EVIL: '{a: 1}' } })).toThrow(/listen\.port: expected number/);
  });

  it('refuses a value that is not a number where one is expected, located', () => {
    expect(() => parseConfig('listen:\n  port: ${AMAS_TEST_PORT}\n', 'test.yaml', { env: { AMAS_TEST_PORT: '80a' } })).toThrow(/test\.yaml:2:\d+: listen\.port/);
  });
});

describe('an ${ENV} reference where a string is expected', () => {
  it('keeps a numeric password a string', () => {
    const { config } = parseConfig('probes:\n  - name: graph\n    type: neo4j\n    uri: bolt://127.0.0.1:7687\n    username: neo4j\n    password: ${PW}\n', 'test.yaml', { env: { PW: '123456' } });
    expect((config.probes[0] as { password?: unknown }).password).toBe('123456');
  });
});
