import type * as IoRedis from 'ioredis';
import type { Cluster, Redis, RedisOptions } from 'ioredis';

/** Loaded on the first connection: a pod without fleet mode never pays for ioredis. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadIoRedis = (): typeof IoRedis => require('ioredis') as typeof IoRedis;

/** The part of ioredis the fleet store uses; a single node, a Sentinel-managed master and a Cluster all have it. */
export type FleetClient = Redis | Cluster;

/** A Redis target read from a URL: how to connect, what to print, what to keep secret. */
export interface RedisTarget {
  readonly mode: 'single' | 'sentinel' | 'cluster';
  /** host:port list only: never the user name or password. */
  readonly display: string;
  /** Passwords found in the URL, for the secret store. */
  readonly secrets: readonly string[];
  connect(options: ConnectOptions): FleetClient;
}

export interface ConnectOptions {
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Commands fail at once while disconnected (no offline queue) and reconnection goes on in the background. */
function baseOptions(options: ConnectOptions): RedisOptions {
  return {
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
    lazyConnect: false,
  };
}

function hostList(text: string, defaultPort: number, where: string): HostPort[] {
  const hosts = text.split(',').map((part) => {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(part.trim());
    if (!match) throw new Error(`${where}: "${part}" is not host or host:port`);
    return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port: match[2] ? Number(match[2]) : defaultPort };
  });
  if (hosts.length === 0) throw new Error(`${where}: no host`);
  return hosts;
}

const display = (hosts: readonly HostPort[]): string => hosts.map((h) => `${h.host}:${h.port}`).join(',');

/** Splits `scheme://[user[:password]@]hosts[/path]` without URL(), which refuses host lists. */
function split(url: string): { scheme: string; user?: string; password?: string; hosts: string; path: string[] } {
  const match = /^([a-z+]+):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)(\/[^?#]*)?$/.exec(url);
  if (!match) throw new Error('cluster.redis_url: expected redis://host:port[/db], rediss://…, redis+sentinel://h1:26379,h2:26379/master[/db] or redis+cluster://h1:7000,h2:7001');
  const decode = (text: string | undefined): string | undefined => (text === undefined || text === '' ? undefined : decodeURIComponent(text));
  const user = decode(match[2]);
  const password = decode(match[3]);
  return { scheme: match[1] as string, ...(user ? { user } : {}), ...(password ? { password } : {}), hosts: match[4] as string, path: (match[5] ?? '').split('/').filter(Boolean) };
}

/** One builder per URL scheme; nothing else switches on the mode. */
const SCHEMES: Readonly<Record<string, (parts: ReturnType<typeof split>) => RedisTarget>> = {
  redis: (parts) => single(parts, false),
  rediss: (parts) => single(parts, true),
  'redis+sentinel': (parts) => {
    const sentinels = hostList(parts.hosts, 26379, 'cluster.redis_url');
    const [name, db] = parts.path;
    if (!name) throw new Error('cluster.redis_url: a Sentinel URL names its master: redis+sentinel://h1:26379,h2:26379/<master>[/db]');
    return {
      mode: 'sentinel',
      display: `${display(sentinels)}/${name}`,
      secrets: parts.password ? [parts.password] : [],
      connect: (options) =>
        new (loadIoRedis().Redis)({ ...baseOptions(options), sentinels, name, db: db ? Number(db) : 0, ...(parts.user ? { username: parts.user } : {}), ...(parts.password ? { password: parts.password, sentinelPassword: parts.password } : {}) }),
    };
  },
  'redis+cluster': (parts) => {
    const nodes = hostList(parts.hosts, 6379, 'cluster.redis_url');
    return {
      mode: 'cluster',
      display: display(nodes),
      secrets: parts.password ? [parts.password] : [],
      connect: (options) =>
        new (loadIoRedis().Cluster)(nodes, {
          enableOfflineQueue: false,
          clusterRetryStrategy: (times: number) => Math.min(100 * times, 1000),
          redisOptions: { ...baseOptions(options), ...(parts.user ? { username: parts.user } : {}), ...(parts.password ? { password: parts.password } : {}) },
        }),
    };
  },
};

function single(parts: ReturnType<typeof split>, tls: boolean): RedisTarget {
  const [host] = hostList(parts.hosts, 6379, 'cluster.redis_url');
  if (parts.hosts.includes(',')) throw new Error('cluster.redis_url: several hosts need redis+sentinel:// or redis+cluster://');
  const db = parts.path[0] ? Number(parts.path[0]) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`cluster.redis_url: "${parts.path[0]}" is not a database number`);
  const target = host as HostPort;
  return {
    mode: 'single',
    display: `${target.host}:${target.port}/${db}`,
    secrets: parts.password ? [parts.password] : [],
    connect: (options) =>
      new (loadIoRedis().Redis)({ ...baseOptions(options), host: target.host, port: target.port, db, ...(tls ? { tls: {} } : {}), ...(parts.user ? { username: parts.user } : {}), ...(parts.password ? { password: parts.password } : {}) }),
  };
}

/** Reads a Redis URL; throws an Error naming cluster.redis_url when it cannot be used. */
export function parseRedisUrl(url: string): RedisTarget {
  const parts = split(url.trim());
  const build = SCHEMES[parts.scheme];
  if (!build) throw new Error(`cluster.redis_url: unknown scheme "${parts.scheme}://" (expected ${Object.keys(SCHEMES).join(', ')})`);
  return build(parts);
}
