import { hostname } from 'node:os';
import type { ProviderState } from '../ai/ladder-state';
import { FleetGate } from '../ai/fleet-gate';
import { FleetSlots, type ProviderSlots } from '../ai/fleet-slots';
import { ClusterMode } from '../cluster/cluster-mode';
import type { ClusterConfig } from '../cluster/config';
import { FleetStore } from '../cluster/fleet-store';
import { parseRedisUrl, type FleetClient } from '../cluster/redis-connection';
import { cronSchedule, intervalSchedule, type SlotSchedule } from '../cluster/slot-schedule';
import type { ExporterConfig } from './config-schema';
import type { HealthContribution } from '../server/health-model';
import { rungTaskName } from '../ai/ladder';
import { createAiProvidersModule, type AiProvidersModule } from './ai-providers';
import { clusterCheck, refreshFleetGauges } from './fleet-metrics';
import type { ModuleDeps } from './types';

/** The cluster section with everything resolved: URL, pod name, schedules, max age. */
interface FleetSettings {
  readonly enabled: boolean;
  readonly url: string;
  readonly pod: string;
  readonly config: ClusterConfig;
}

interface Connection {
  readonly key: string;
  readonly display: string;
  readonly client: FleetClient;
  readonly store: FleetStore;
  readonly heartbeat: NodeJS.Timeout;
}

/** How often a pod checks Redis between slots, so the state gauge (and recovery) does not wait for a slot. */
const HEARTBEAT_MS = 5000;

function resolveSettings(cluster: ClusterConfig, env: NodeJS.ProcessEnv): FleetSettings {
  const url = cluster.redis_url ?? env.REDIS_URL ?? '';
  if (cluster.enabled && url.trim() === '') throw new Error('cluster.redis_url: not set and the REDIS_URL environment variable is empty');
  const pod = cluster.pod ?? env.POD_NAME ?? env.HOSTNAME ?? hostname();
  return { enabled: cluster.enabled, url, pod: pod.slice(0, 253), config: cluster };
}

function scheduleFor(state: ProviderState, cluster: ClusterConfig): SlotSchedule {
  const cron = cluster.schedules[state.provider.id] ?? cluster.schedule;
  return cron ? cronSchedule(cron) : intervalSchedule(state.provider.rungs.validation.intervalMs);
}

/**
 * The AI-providers module in fleet mode. Without a `cluster:` section it is the plain module. With
 * one, each configured provider's paid rung runs on wall-clock slots (cron or interval) instead of
 * the interval scheduler; in shared mode one pod per slot makes the call through Redis and the
 * others serve its result (docs/cluster.md). Free rungs stay per pod.
 */
export function createFleetAiModule(deps: ModuleDeps): AiProvidersModule {
  const logger = deps.logger.child({ component: 'cluster' });
  const { metrics } = deps;
  let settings: FleetSettings | undefined;
  let connection: Connection | undefined;
  const mode = new ClusterMode((change) => {
    const fields = { from: change.from, to: change.to, reason: change.reason, detail: change.message ? deps.secrets.redact(change.message) : undefined };
    if (change.to === 'degraded') logger.warn('fleet mode degraded: validating alone until Redis answers', fields);
    else logger.info('fleet state changed', fields);
  }, (reason) => metrics.clusterRedisFailures.inc({ reason }));
  const gate = new FleetGate({
    pod: () => settings?.pod ?? hostname(),
    redact: (text) => deps.secrets.redact(text),
    timeoutMs: (state) => state.provider.rungs.validation.timeoutMs,
    onPublished: (provider, result) => {
      if (result === 'fenced') metrics.clusterSlots.inc({ provider, role: 'fenced' });
      if (result === 'failed') metrics.clusterRedisFailures.inc({ reason: 'error' });
    },
  });
  const ai = createAiProvidersModule(deps, { gate });
  const slots = new FleetSlots({
    gate,
    mode,
    store: () => (settings?.enabled ? connection?.store : undefined),
    runValidation: (state, signal) => ai.runRung(state.provider.id, 'validation', signal),
    onSlot: (provider, role) => metrics.clusterSlots.inc({ provider, role }),
    logger,
  });

  async function disconnect(): Promise<void> {
    const old = connection;
    connection = undefined;
    if (!old) return;
    clearInterval(old.heartbeat);
    old.client.disconnect();
  }

  async function connect(next: FleetSettings, historyMax: number, leaseMs: number, maxAgeMs: number): Promise<void> {
    const commandTimeoutMs = next.config.command_timeout;
    const storeSettings = { cluster: next.config.name, pod: next.pod, leaseMs, resultTtlMs: Math.max(maxAgeMs * 2, 3_600_000), historyMax, commandTimeoutMs };
    const key = `${next.url}|${next.config.command_timeout}`;
    if (connection?.key === key) return connection.store.setSettings(storeSettings);
    await disconnect();
    const target = parseRedisUrl(next.url);
    for (const secret of target.secrets) deps.secrets.add(secret);
    const connectTimeoutMs = Math.max(1000, next.config.command_timeout * 2);
    // The store times each call on the running loop; the client's own timer only frees commands a
    // hung server never answers, well after the store gave up on them.
    const client = target.connect({ commandTimeoutMs: Math.max(10_000, 5 * commandTimeoutMs), connectTimeoutMs });
    // ioredis reports connection trouble as events; the slots and the heartbeat count it.
    client.on('error', (error: Error) => logger.debug('fleet redis connection problem', { redis: target.display, detail: deps.secrets.redact(error.message) }));
    const store = new FleetStore(client, storeSettings);
    const heartbeat = setInterval(() => {
      void store.ping(connectTimeoutMs).then((result) => (result.ok ? mode.succeeded() : mode.failed(result.reason, result.message)));
    }, HEARTBEAT_MS);
    heartbeat.unref();
    connection = { key, display: target.display, client, store, heartbeat };
    logger.info('fleet mode on', { redis: target.display, mode: target.mode, cluster: next.config.name, pod: next.pod });
  }

  let maxAgeMs = Number.POSITIVE_INFINITY;
  let slotDriven = new Set<string>();

  async function applyCluster(config: ExporterConfig): Promise<void> {
    const cluster = config.cluster;
    if (!cluster) {
      settings = undefined;
      slotDriven = new Set();
      slots.sync([]);
      mode.configure(false, 1);
      await disconnect();
      return;
    }
    const next = resolveSettings(cluster, deps.env ?? process.env);
    const entries: ProviderSlots[] = ai
      .providerStates()
      .filter((state) => state.provider.configured)
      .map((state) => ({ state, schedule: scheduleFor(state, cluster), leaseMs: cluster.lease }));
    for (const { state } of entries) {
      const timeout = state.provider.rungs.validation.timeoutMs;
      if (cluster.lease <= timeout) throw new Error(`cluster.lease (${cluster.lease}ms) must be longer than ai_${state.provider.id}'s validation timeout (${timeout}ms): a claim has to outlast the call it covers`);
    }
    const longest = Math.max(60_000, ...entries.map((entry) => entry.schedule.periodMs));
    maxAgeMs = cluster.max_age ?? 2 * longest + cluster.lease;
    settings = next;
    mode.configure(next.enabled, cluster.fallback_every);
    if (next.enabled) await connect(next, cluster.history, cluster.lease, maxAgeMs);
    else await disconnect();
    slotDriven = new Set(entries.map((entry) => rungTaskName(entry.state.provider.id, 'validation')));
    slots.sync(entries);
  }

  return {
    ...ai,
    async configure(config) {
      await ai.configure(config);
      await applyCluster(config);
    },
    // Slot-driven paid rungs leave the interval scheduler; their runs still feed amas_probe_*.
    tasks: () => ai.tasks().filter((task) => !slotDriven.has(task.name)),
    health(): HealthContribution {
      const own = ai.health();
      if (!settings) return own;
      return { ...own, checks: [...own.checks, clusterCheck(mode.state, connection?.display ?? '', settings.pod)] };
    },
    beforeScrape() {
      ai.beforeScrape();
      refreshFleetGauges(metrics, mode.state, settings ? ai.providerStates() : [], gate.served, maxAgeMs);
    },
    async close() {
      slots.stop();
      await ai.close();
      await disconnect();
    },
  };
}
