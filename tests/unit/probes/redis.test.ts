import { hitRatioFromInfo, redisProbe } from '../../../src/probes/redis';
import { runProbe } from '../../helpers/probe-run';
import { startPrivateRedis } from '../../helpers/servers';
import { execFileSync } from 'node:child_process';

const probe = (fields: Record<string, unknown>) => redisProbe.create(redisProbe.schema.parse({ name: 'redis', type: 'redis', ...fields }));

describe('the redis probe', () => {
  it('computes the hit ratio from INFO stats', () => {
    expect(hitRatioFromInfo('# Stats\r\nkeyspace_hits:30\r\nkeyspace_misses:10\r\n')).toBe(0.75);
    expect(hitRatioFromInfo('keyspace_hits:0\r\nkeyspace_misses:0\r\n')).toBeUndefined();
  });

  it('PINGs a real Redis and reports configured queue lengths', async () => {
    const server = await startPrivateRedis();
    try {
      execFileSync('redis-cli', ['-p', String(server.port), 'rpush', 'amas:tasks', 'a', 'b', 'c']);
      const report = await runProbe(probe({ url: server.url, queues: ['amas:tasks', 'amas:empty'] }));
      expect(report.outcome).toEqual({ ok: true, message: 'Redis answered PING' });
      expect(report.observations).toEqual(expect.arrayContaining([
        { family: 'amas_queue_size', labels: { queue_name: 'amas:tasks' }, value: 3 },
        { family: 'amas_queue_size', labels: { queue_name: 'amas:empty' }, value: 0 },
      ]));
    } finally {
      await server.destroy();
    }
  });

  it('tells a wrong password apart from a refused connection', async () => {
    const server = await startPrivateRedis();
    try {
      execFileSync('redis-cli', ['-p', String(server.port), 'config', 'set', 'requirepass', 'right-password']);
      const report = await runProbe(probe({ url: `redis://:wrong-password@127.0.0.1:${server.port}/0` }));
      expect(report.outcome).toMatchObject({ ok: false, reason: 'auth' });
    } finally {
      await server.destroy();
    }
    expect((await runProbe(probe({ url: 'redis://127.0.0.1:1/0' }))).outcome).toMatchObject({ ok: false, reason: 'connect_refused' });
  });
});
