import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/logging/logger';
import { SecretStore } from '../../../src/logging/redact';

function capture(level: 'debug' | 'info', secrets: SecretStore): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger({ level, secrets, stream });
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('log lines', () => {
  it('are JSON with timestamp, level, message and the context fields of a probe run', async () => {
    const { logger, lines } = capture('info', new SecretStore());
    logger.child({ component: 'scheduler', probe: 'postgres', correlation_id: 'c-1' }).warn('probe failed', { reason: 'timeout' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines()[0]).toMatchObject({ level: 'warn', message: 'probe failed', component: 'scheduler', probe: 'postgres', correlation_id: 'c-1', reason: 'timeout' });
    expect(typeof lines()[0]?.timestamp).toBe('string');
  });

  it('never carry a known secret, a URL password, a bearer token or a key parameter, at any level', async () => {
    const secrets = new SecretStore();
    secrets.add('sk-known-secret-value-123');
    const { logger, lines } = capture('debug', secrets);
    logger.debug('calling', {
      detail: 'key sk-known-secret-value-123 used',
      url: 'postgres://amas:hunter2-password@db:5432/amas',
      headers: { authorization: 'Bearer abcdefghijklmnop', 'x-trace': 'fine' },
      query: 'https://api.example/v1?key=AIzaSomething123&alt=json',
      nested: [{ deeper: 'Basic dXNlcjpwYXNzd29yZA==' }],
    });
    await new Promise((resolve) => setImmediate(resolve));
    const text = JSON.stringify(lines());
    for (const leaked of ['sk-known-secret-value-123', 'hunter2-password', 'abcdefghijklmnop', 'AIzaSomething123', 'dXNlcjpwYXNzd29yZA==']) {
      expect(text).not.toContain(leaked);
    }
    expect(text).toContain('postgres://amas:[REDACTED]@db:5432/amas');
    expect(text).toContain('"x-trace":"fine"');
  });

  it('do not redact short values that would garble every line', () => {
    const secrets = new SecretStore();
    secrets.add('on');
    expect(secrets.redact('connection on port 5432')).toBe('connection on port 5432');
  });
});
