import type * as IoRedis from 'ioredis';
import { z } from 'zod';
import { probeSchema, targetUrl } from '../config/fields';
import { raceWithSignal } from '../lib/abort';
import { classifyError, describeError } from './classify-error';
import { withoutUserName } from './target-text';
import { failure, success, type Observation, type ProbeDefinition } from './types';

const schema = probeSchema(
  'redis',
  {
    url: targetUrl({ schemes: ['redis', 'rediss'] }).describe('redis:// or rediss:// URL; a password belongs in ${ENV} or url_file.'),
    queues: z.array(z.string().min(1)).default([]).describe('List keys whose length is reported as amas_queue_size{queue_name}.'),
  },
  { interval: '15s', timeout: '5s', service: 'redis' },
);

/** ioredis is loaded on the first run, not at start (see postgres.ts). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadRedis = (): typeof IoRedis => require('ioredis') as typeof IoRedis;

/** Reads `keyspace_hits` and `keyspace_misses` from the INFO stats section. */
export function hitRatioFromInfo(info: string): number | undefined {
  const hits = /^keyspace_hits:(\d+)/m.exec(info);
  const misses = /^keyspace_misses:(\d+)/m.exec(info);
  if (!hits || !misses) return undefined;
  const total = Number(hits[1]) + Number(misses[1]);
  return total === 0 ? undefined : Number(hits[1]) / total;
}

/** PING, the cache hit ratio from INFO, and LLEN of configured queues. Down: connect error, auth error or no PONG. */
export const redisProbe = {
  type: 'redis',
  schema,
  create(config) {
    return {
      async run({ signal }) {
        const client = new (loadRedis().Redis)(config.url, {
          lazyConnect: true,
          connectTimeout: config.timeout,
          maxRetriesPerRequest: 0,
          enableOfflineQueue: false,
          retryStrategy: () => null,
        });
        // Without a listener ioredis re-throws connection errors as unhandled 'error' events; the
        // socket error (ECONNREFUSED, ENOTFOUND, ...) only arrives here, connect() just says "closed".
        let socketError: unknown;
        client.on('error', (error) => {
          socketError ??= error;
        });
        const end = (): void => client.disconnect();
        try {
          await raceWithSignal(client.connect(), signal, end);
          const pong = await raceWithSignal(client.ping(), signal, end);
          if (pong !== 'PONG') return failure('invalid_reply', `Redis answered PING with ${JSON.stringify(pong).slice(0, 40)}`);
          const observations: Observation[] = [];
          const ratio = hitRatioFromInfo(await raceWithSignal(client.info('stats'), signal, end));
          if (ratio !== undefined) observations.push({ family: 'amas_cache_hit_ratio', labels: { cache_type: 'redis' }, value: ratio });
          for (const queue of config.queues) {
            const length = await raceWithSignal(client.llen(queue), signal, end);
            observations.push({ family: 'amas_queue_size', labels: { queue_name: queue }, value: length });
          }
          return success('Redis answered PING', observations);
        } catch (error) {
          const cause = socketError ?? error;
          return failure(classifyError(cause), withoutUserName(`Redis check failed: ${describeError(cause)}`, config.url));
        } finally {
          end();
        }
      },
      async close() {},
    };
  },
} satisfies ProbeDefinition<typeof schema>;
