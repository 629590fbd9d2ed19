import type * as Neo4j from 'neo4j-driver';
import type { Driver } from 'neo4j-driver';
import { z } from 'zod';
import { probeSchema } from '../config/fields';
import { raceWithSignal } from '../lib/abort';
import { classifyError, describeError } from './classify-error';
import { withoutUserName } from './target-text';
import { failure, success, type ProbeDefinition } from './types';

const schema = probeSchema(
  'neo4j',
  {
    uri: z
      .union([z.literal(''), z.string().regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\//, { message: 'expected a bolt://, bolt+s://, neo4j:// or neo4j+s:// URI' })])
      .describe('Empty: Neo4j is not configured and not probed (the default config reads ${NEO4J_URI:-}).'),
    username: z.string().default('neo4j'),
    password: z.string().default('').describe('Use ${NEO4J_PASSWORD} or password_file; never write it in the file.'),
    database: z.string().optional().describe('Database for RETURN 1; the server default when unset.'),
  },
  { interval: '30s', timeout: '5s', service: 'neo4j' },
);

/** neo4j-driver (and the rxjs it brings) is loaded on the first run, not at start (see postgres.ts). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadNeo4j = (): typeof Neo4j => require('neo4j-driver') as typeof Neo4j;

/**
 * Bolt handshake and `RETURN 1`, as AMAS's own /api/v1/health does. The driver is built once
 * and reused, so a run measures the server, not driver start-up. Down: handshake, auth or query error.
 */
const definition = {
  type: 'neo4j',
  schema,
  create(config) {
    let driver: Driver | undefined;
    const getDriver = (): Driver => {
      const neo4j = loadNeo4j();
      driver ??= neo4j.driver(config.uri, neo4j.auth.basic(config.username, config.password), {
        connectionTimeout: config.timeout,
        connectionAcquisitionTimeout: config.timeout,
        maxConnectionPoolSize: 2,
        disableLosslessIntegers: true,
        logging: { level: 'error', logger: () => undefined },
      });
      return driver;
    };
    return {
      async run({ signal }) {
        const current = getDriver();
        const session = current.session({ defaultAccessMode: loadNeo4j().session.READ, ...(config.database ? { database: config.database } : {}) });
        const end = (): void => void session.close().catch(() => undefined);
        // A run cut by its deadline can leave a connection that never answers holding a pool slot
        // for good; the driver is dropped (closing its connections) and the next run builds a new one.
        const discard = (): void => {
          if (driver === current) driver = undefined;
          void current.close().catch(() => undefined);
        };
        try {
          const result = await raceWithSignal(session.run('RETURN 1 AS ok'), signal, () => {
            end();
            discard();
          });
          const value: unknown = result.records[0]?.get('ok');
          if (value !== 1) return failure('invalid_reply', 'Neo4j did not return 1 for RETURN 1');
          return success('Neo4j answered RETURN 1');
        } catch (error) {
          const code = (error as { code?: string }).code ?? '';
          const reason = code.startsWith('Neo.ClientError.Security.') ? 'auth' : classifyError(error);
          if (reason === 'timeout') discard();
          // The driver wraps socket errors in a paragraph of advice; the cause after it is what matters.
          const detail = describeError(error).replace(/ Please ensure .*? Caused by: /, ': ');
          return failure(reason, withoutUserName(`Neo4j check failed: ${detail}`, config.uri));
        } finally {
          end();
        }
      },
      async close() {
        await driver?.close();
        driver = undefined;
      },
    };
  },
} satisfies ProbeDefinition<typeof schema>;

/** Probed only when a URI is set, as AI providers are probed only when their key is. */
export const neo4jProbe = Object.assign(definition, { configured: (config: { readonly uri: string }): boolean => config.uri !== '' });
