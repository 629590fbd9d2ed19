import type * as Pg from 'pg';
import { probeSchema, targetUrl } from '../config/fields';
import { raceWithSignal } from '../lib/abort';
import { classifyError, describeError } from './classify-error';
import { withoutUserName } from './target-text';
import { failure, success, type Observation, type ProbeDefinition } from './types';

const schema = probeSchema(
  'postgres',
  {
    url: targetUrl({ schemes: ['postgres', 'postgresql'] }).describe('Connection URL, e.g. postgres://user@host:5432/amas; a password belongs in ${ENV} or url_file.'),
  },
  { interval: '15s', timeout: '5s', critical: true, service: 'database' },
);

/**
 * pg is loaded on the first run, not at start: a config without a postgres probe never pays its
 * memory and start-up time. Node's module cache makes every later call free.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadPg = (): typeof Pg => require('pg') as typeof Pg;

const ACTIVE_CONNECTIONS_SQL =
  "SELECT coalesce(datname, '') AS db, count(*)::int AS active FROM pg_stat_activity WHERE state = 'active' AND datname IS NOT NULL GROUP BY datname";

/** Connects, runs `SELECT 1`, and reports active connections per database. Down: any connect or query error. */
export const postgresProbe = {
  type: 'postgres',
  schema,
  create(config) {
    return {
      async run({ signal }) {
        const client = new (loadPg().Client)({ connectionString: config.url, connectionTimeoutMillis: config.timeout });
        // pg has no AbortSignal support: ending the client is how a run is cut at its deadline.
        const end = (): void => void client.end().catch(() => undefined);
        try {
          await raceWithSignal(client.connect(), signal, end);
          await raceWithSignal(client.query('SELECT 1'), signal, end);
          const rows = await raceWithSignal(client.query<{ db: string; active: number }>(ACTIVE_CONNECTIONS_SQL), signal, end);
          const observations: Observation[] = rows.rows.map((row) => ({
            family: 'amas_database_connections_active',
            labels: { db: row.db },
            value: row.active,
          }));
          return success('Database connection successful', observations);
        } catch (error) {
          return failure(classifyError(error), withoutUserName(`Database check failed: ${describeError(error)}`, config.url));
        } finally {
          end();
        }
      },
      async close() {},
    };
  },
} satisfies ProbeDefinition<typeof schema>;
