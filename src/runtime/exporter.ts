import { watchFile, unwatchFile, type Stats } from 'node:fs';
import { ConfigError, type ConfigProblem } from '../config/errors';
import { loadConfigFile, type LoadedConfig } from '../modules/config';
import type { ExporterConfig } from '../modules/config-schema';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../logging/redact';
import type { MetricGroup, MetricsBundle } from '../metrics/definitions';
import { exposition, registryTexts, type ExpositionFormat } from '../metrics/exposition';
import { refreshProbeMetrics } from '../metrics/record';
import type { ExporterModule } from '../modules/types';
import type { ResultStore } from '../scheduler/result-store';
import { Scheduler } from '../scheduler/scheduler';
import { buildHealth, buildReady } from '../server/health';
import type { HealthBody, ReadyBody } from '../server/health-model';
import { assemble } from './assemble';
import { VERSION } from './version';

export interface ExporterOptions {
  readonly configPath: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where JSON log lines go (stdout by default). */
  readonly logStream?: NodeJS.WritableStream;
  /** Poll the config file for changes every this many ms (0: off). */
  readonly watchIntervalMs?: number;
}

export type ReloadResult = { readonly ok: true } | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/** Reloads start at most this often; requests in between join the next one (a reload storm is one reload a second). */
export const RELOAD_MIN_SPACING_MS = 1000;
/** How long closing the modules may take on shutdown; what hangs longer is left to process exit. */
const MODULE_CLOSE_BOUND_MS = 2000;

const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** What changed: `config` when a reload put a new config in force (series may have come or gone). */
export interface Change {
  readonly config: boolean;
}

/**
 * The running exporter: the current config, the modules, the scheduler and the result store.
 * Reads (scrapes, /health) never wait for probes; reloads are serialised and atomic: a config that
 * fails validation or module configuration is refused and the old one keeps running.
 */
export class Exporter {
  readonly secrets: SecretStore;
  readonly store: ResultStore;
  readonly bundle: MetricsBundle;
  readonly logger: Logger;
  readonly scheduler: Scheduler;
  readonly modules: readonly ExporterModule[];
  readonly startedAt = Date.now();
  private current: LoadedConfig;
  private reloading: Promise<ReloadResult> = Promise.resolve({ ok: true });
  /** The reload queued behind the one under way; every request until it starts joins it. */
  private queued: Promise<ReloadResult> | undefined;
  private lastReloadStart = 0;
  private firstRoundDone = false;
  private stopped = false;
  private readonly changeListeners: ((change: Change) => void)[] = [];

  private constructor(private readonly options: ExporterOptions, loaded: LoadedConfig) {
    this.current = loaded;
    ({ secrets: this.secrets, logger: this.logger, bundle: this.bundle, store: this.store, modules: this.modules } = assemble(loaded, {
      env: options.env ?? process.env,
      logLevel: loaded.config.log_level,
      logStream: options.logStream,
    }));
    this.scheduler = new Scheduler({
      store: this.store,
      logger: this.logger,
      maxConcurrent: loaded.config.scheduler.max_concurrent,
      jitter: loaded.config.scheduler.jitter,
      onRunStateChange: (inFlight) => this.bundle.metrics.probesInFlight.set(inFlight),
      redact: (text) => this.secrets.redact(text),
    });
    this.store.onResult(() => this.changed());
  }

  /** Loads the config and starts every module; throws ConfigError when the config is unusable. */
  static async start(options: ExporterOptions): Promise<Exporter> {
    const loaded = loadConfigFile(options.configPath, { env: options.env ?? process.env });
    const exporter = new Exporter(options, loaded);
    try {
      await exporter.apply(loaded.config);
    } catch (error) {
      await exporter.stop();
      if (error instanceof ConfigError) throw error;
      // A module that cannot work with this config (a mapping file it cannot read, say) refuses it.
      throw new ConfigError('invalid', [{ file: options.configPath, path: '', message: exporter.secrets.redact(error instanceof Error ? error.message : String(error)) }]);
    }
    exporter.markReloaded(true);
    exporter.logger.info('config loaded', { component: 'config', file: options.configPath, probes: exporter.scheduler.names().length });
    if (options.watchIntervalMs && options.watchIntervalMs > 0) exporter.watch(options.watchIntervalMs);
    return exporter;
  }

  get config(): ExporterConfig {
    return this.current.config;
  }

  get configPath(): string {
    return this.options.configPath;
  }

  /**
   * Loads the config file again; refuses an invalid one and keeps the current config running.
   * Coalesced and rate-limited: at most one reload runs and one waits; every request made while
   * one waits joins it (it reads the file when it starts, so it sees the latest write), and reloads
   * start at least RELOAD_MIN_SPACING_MS apart.
   */
  reload(): Promise<ReloadResult> {
    if (this.queued) return this.queued;
    const next = this.reloading.then(async () => {
      const wait = this.lastReloadStart + RELOAD_MIN_SPACING_MS - Date.now();
      if (wait > 0) await sleepMs(wait);
      this.queued = undefined;
      this.lastReloadStart = Date.now();
      return this.reloadNow();
    });
    this.queued = next;
    this.reloading = next;
    return next;
  }

  private async reloadNow(): Promise<ReloadResult> {
    if (this.stopped) return { ok: true };
    const log = this.logger.child({ component: 'config' });
    try {
      const loaded = loadConfigFile(this.options.configPath, { env: this.options.env ?? process.env });
      // Old secrets stay known: runs started under the old config may still log.
      for (const secret of loaded.secrets) this.secrets.add(secret);
      await this.apply(loaded.config);
      this.current = loaded;
      this.markReloaded(true);
      log.info('config reloaded', { file: this.options.configPath, probes: this.scheduler.names().length });
      return { ok: true };
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems : [{ file: this.options.configPath, path: '', message: this.secrets.redact(error instanceof Error ? error.message : String(error)) }];
      this.markReloaded(false);
      log.error('config reload refused; the previous config keeps running', { problems: problems.map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}`) });
      // Put the modules back on the config that is still in force.
      await this.apply(this.current.config).catch(() => undefined);
      return { ok: false, problems };
    }
  }

  private async apply(config: ExporterConfig): Promise<void> {
    for (const module of this.modules) await module.configure(config);
    this.logger.level = config.log_level;
    this.scheduler.configure(config.scheduler.max_concurrent, config.scheduler.jitter);
    await this.scheduler.sync(this.modules.flatMap((module) => module.tasks()));
  }

  private markReloaded(ok: boolean): void {
    const { metrics } = this.bundle;
    metrics.configReloadSuccessful.set(ok ? 1 : 0);
    metrics.configReloads.inc({ result: ok ? 'success' : 'failure' });
    if (ok) metrics.configReloadTimestamp.set(Date.now() / 1000);
    this.changed({ config: ok });
  }

  /** Listens for changes reads show (a probe result, a config load); the serving cache re-renders on them. */
  onChange(listener: (change: Change) => void): void {
    this.changeListeners.push(listener);
  }

  /** Something reads show changed; anything that updates state outside probe results may call it. */
  changed(change: Change = { config: false }): void {
    for (const listener of this.changeListeners) listener(change);
  }

  /**
   * Polls the file. The last stat is kept here, not taken from watchFile's `before`: when a file
   * comes back after being moved away, Node passes the stat from before it left, so a file moved
   * away and back unchanged looked unchanged and was never read again. A missing file is not a
   * reload (it would only fail); the file is read again when it reappears.
   */
  private watch(intervalMs: number): void {
    let seen: Stats | undefined;
    let missing = false;
    watchFile(this.options.configPath, { interval: intervalMs, persistent: false }, (now: Stats, before: Stats) => {
      const last = seen ?? before;
      seen = now;
      if (now.ino === 0 && now.mtimeMs === 0) {
        if (!missing) this.logger.warn('config file missing; the current config keeps running until it is back', { component: 'config', file: this.options.configPath });
        missing = true;
        return;
      }
      if (missing || now.mtimeMs !== last.mtimeMs || now.size !== last.size || now.ino !== last.ino) void this.reload();
      missing = false;
    });
  }

  /**
   * Runs the modules' beforeScrape hooks and rebuilds the probe families once, then serialises each
   * group in each format. The serving cache calls it on its render schedule, never per request.
   */
  async renderMetrics(groups: readonly MetricGroup[], formats: readonly ExpositionFormat[]): Promise<Record<MetricGroup, Record<ExpositionFormat, string>>> {
    for (const module of this.modules) module.beforeScrape();
    refreshProbeMetrics(this.bundle.metrics, this.store);
    const texts = {} as Record<MetricGroup, Record<ExpositionFormat, string>>;
    for (const group of groups) texts[group] = await registryTexts(this.bundle.registries[group], formats);
    return texts;
  }

  /** Serialises the given metric groups, uncached; reads memory only. */
  async scrape(groups: readonly MetricGroup[], format: ExpositionFormat): Promise<string> {
    for (const module of this.modules) module.beforeScrape();
    refreshProbeMetrics(this.bundle.metrics, this.store);
    return exposition(groups.map((group) => this.bundle.registries[group]), format);
  }

  health(): HealthBody {
    return buildHealth(this.modules.map((module) => module.health()), VERSION, (Date.now() - this.startedAt) / 1000);
  }

  ready(): ReadyBody {
    return buildReady(this.modules.map((module) => module.health()));
  }

  /** The exporter's own readiness for Kubernetes: config loaded and every probe has run once. */
  selfReady(): boolean {
    if (this.stopped) return false;
    this.firstRoundDone ||= this.store.allRanOnce();
    return this.firstRoundDone;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Stops scheduling and aborts every run under way (a hung probe does not hold up shutdown), then
   * closes the modules, waiting at most MODULE_CLOSE_BOUND_MS for them.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    unwatchFile(this.options.configPath);
    await this.scheduler.stop();
    const closing = Promise.all(this.modules.map((module) => module.close().catch(() => undefined)));
    await Promise.race([closing, sleepMs(MODULE_CLOSE_BOUND_MS)]);
  }
}
