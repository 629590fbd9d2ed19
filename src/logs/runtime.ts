import { createHash, randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors';
import type { ModuleDeps } from '../modules/types';
import type { HealthContribution } from '../server/health-model';
import { compileMappings, type CompiledMappingSet } from './compile-mappings';
import type { LogsConfig, LogSourceConfig } from './config-schema';
import type { HealthSignal } from './families';
import { logsHealth } from './health';
import { KeyedHasher } from './ip-hash';
import { LabelLimiter } from './label-limiter';
import { LINE_RESULTS, LinePipeline } from './line-pipeline';
import { builtInMappings } from './mapping-sets';
import { HealthSignals, MetricSink } from './metric-sink';
import { PositionStore } from './positions-store';
import { SeriesCap } from './series-cap';
import { SessionWindow } from './session-window';
import { SourceTailer } from './source-tailer';
import { createTransforms } from './transforms';

interface RunningSource {
  readonly config: LogSourceConfig;
  readonly fingerprint: string;
  readonly set: CompiledMappingSet;
  readonly pipeline: LinePipeline;
  readonly tailer: SourceTailer;
}

const sha = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * Everything the `logs:` section runs: one tailer and pipeline per source, the shared label caps,
 * sessions and health signals, the position file and the poll loop. Turns of the loop and
 * reconfigurations never overlap. An unchanged source keeps its tailer (open files, partial lines);
 * a changed one is rebuilt and resumes from its saved positions.
 */
export class LogsRuntime {
  private config: LogsConfig | undefined;
  private positions: PositionStore | undefined;
  private readonly sources = new Map<string, RunningSource>();
  private readonly signals = new HealthSignals();
  private readonly sessions = new SessionWindow(15 * 60_000);
  private limiter: LabelLimiter | undefined;
  private seriesCap: SeriesCap | undefined;
  private sink: MetricSink | undefined;
  private readonly randomKey = randomBytes(32);
  private keyId = '';
  private transforms: ReturnType<typeof createTransforms> | undefined;
  private busy: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private watchers: FSWatcher[] = [];
  private warnedRandomKey = false;
  private saveError: string | undefined;
  private saveErrorSince: number | undefined;

  constructor(private readonly deps: ModuleDeps) {}

  /** Applies a validated `logs:` section; throws ConfigError when a mapping cannot be compiled. */
  async configure(config: LogsConfig): Promise<void> {
    await this.exclusive(() => this.apply(config));
    if (!this.loop && config.sources.length > 0) this.loop = this.run();
  }

  health(now = Date.now()): HealthContribution {
    const config = this.config;
    if (!config) return { checks: [], unhealthy: [], degraded: [] };
    const fed = new Set<HealthSignal>();
    let sessionsFed = false;
    for (const source of this.sources.values()) {
      for (const mapping of source.set.mappings) {
        if (mapping.signal) fed.add(mapping.signal);
        if (mapping.kind === 'distinct') sessionsFed = true;
      }
    }
    return logsHealth({
      sources: [...this.sources.values()].map((source) => ({
        name: source.config.name,
        path: source.config.path,
        state: source.tailer.state,
        lastError: source.tailer.lastError,
        lastLineAt: source.pipeline.lastLineAt,
      })),
      fed,
      sessionsFed,
      signals: this.signals,
      activeSessions: this.sessions.count(now),
      staleAfterMs: config.stale_after,
      signalWindowMs: config.signal_window,
      positions: { file: config.positions_path, error: this.saveError, since: this.saveErrorSince },
      now,
    });
  }

  beforeScrape(now = Date.now()): void {
    if (this.sources.size > 0) this.deps.metrics.activeSessions.set(this.sessions.count(now));
  }

  /** Runs one poll turn now (tests and the loop); resolves when it is done. */
  pollNow(): Promise<boolean> {
    return this.exclusive(() => this.turn());
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.exclusive(async () => {
      for (const source of this.sources.values()) await source.tailer.close();
      await this.positions?.save().catch(() => undefined);
    });
    for (const watcher of this.watchers) watcher.close();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.busy.then(work);
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async apply(config: LogsConfig): Promise<void> {
    const key = config.hash_key ? Buffer.from(config.hash_key, 'utf8') : this.randomKey;
    if (config.hash_key) this.deps.secrets.add(config.hash_key);
    const keyId = sha(key.toString('hex'));
    if (keyId !== this.keyId || !this.transforms) {
      this.transforms = createTransforms(new KeyedHasher(key));
      this.keyId = keyId;
    }
    if (!config.hash_key && config.sources.length > 0 && !this.warnedRandomKey) {
      this.warnedRandomKey = true;
      this.deps.logger.warn('logs.hash_key is not set; ip_hash values change when the exporter restarts', { component: 'logs' });
    }
    this.limiter ??= new LabelLimiter(config.label_limit, config.label_limits);
    this.limiter.setLimits(config.label_limit, config.label_limits);
    this.seriesCap ??= new SeriesCap(config.max_series_per_family);
    this.seriesCap.setLimit(config.max_series_per_family);
    this.sink ??= new MetricSink(this.deps.metrics, this.limiter, this.seriesCap, this.sessions, this.signals);
    this.sessions.setWindow(config.session_window);

    const next = new Map<string, { config: LogSourceConfig; fingerprint: string; set: CompiledMappingSet | undefined }>();
    for (const source of config.sources) {
      const mappings = [...builtInMappings(source.format), ...config.mappings.filter((mapping) => !mapping.sources || mapping.sources.includes(source.name))];
      const fingerprint = sha([source, mappings, config.max_line_bytes, config.rotated_grace, config.max_open_files, config.positions_path, this.keyId]);
      const unchanged = this.sources.get(source.name)?.fingerprint === fingerprint;
      try {
        next.set(source.name, { config: source, fingerprint, set: unchanged ? undefined : compileMappings(mappings, { limiter: this.limiter, transforms: this.transforms }) });
      } catch (error) {
        throw new ConfigError('invalid', [{ file: '', path: `logs.sources.${source.name}`, message: (error as Error).message }]);
      }
    }

    if (!this.positions || this.positions.file !== config.positions_path) {
      for (const source of this.sources.values()) await source.tailer.close();
      await this.positions?.save().catch(() => undefined);
      this.sources.clear();
      this.positions = new PositionStore(config.positions_path);
      const problem = await this.positions.load();
      if (problem) this.deps.logger.warn(problem, { component: 'logs', file: config.positions_path });
    }

    for (const [name, running] of this.sources) {
      if (next.get(name)?.fingerprint === running.fingerprint) continue;
      await running.tailer.close();
      this.sources.delete(name);
      if (!next.has(name)) {
        this.deps.metrics.logLastLine.remove({ source: name });
        this.deps.metrics.logOpenFiles.remove({ source: name });
        for (const result of LINE_RESULTS) this.deps.metrics.logLines.remove({ source: name, result });
      }
    }
    for (const [name, planned] of next) {
      if (this.sources.has(name) || !planned.set) continue;
      const pipeline = new LinePipeline(name, planned.set, this.sink, this.deps.metrics, config.max_line_bytes);
      const tailer = new SourceTailer({
        source: planned.config,
        pipeline,
        positions: this.positions,
        maxLineBytes: config.max_line_bytes,
        rotatedGraceMs: config.rotated_grace,
        maxOpenFiles: config.max_open_files,
        counters: this.counters,
        logger: this.deps.logger,
      });
      this.sources.set(name, { config: planned.config, fingerprint: planned.fingerprint, set: planned.set, pipeline, tailer });
    }
    await this.positions.save().catch(() => undefined);
    this.config = config;
    this.watchDirectories(config);
  }

  private readonly counters = {
    openFiles: (source: string, count: number) => this.deps.metrics.logOpenFiles.set({ source }, count),
    deferred: (source: string) => this.deps.metrics.logOpenDeferred.inc({ source }),
  };

  private async turn(): Promise<boolean> {
    let more = false;
    for (const source of this.sources.values()) more = (await source.tailer.poll()) || more;
    await this.savePositions();
    if (this.watchers.length === 0 && this.config) this.watchDirectories(this.config);
    return more;
  }

  /** A failed write (read-only or full volume) is counted and shown in /health; reading goes on. */
  private async savePositions(): Promise<void> {
    await this.positions?.save().then(
      () => {
        if (this.saveError !== undefined) this.deps.logger.info('the position file is written again', { component: 'logs', file: this.positions?.file });
        this.saveError = undefined;
        this.saveErrorSince = undefined;
      },
      (error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        this.deps.metrics.logPositionWriteFailures.inc({ reason: /^E[A-Z]+$/.test(code) ? code : 'error' });
        // Once per kind of failure, not every poll: a read-only volume would flood the log.
        if (code !== this.saveError) this.deps.logger.warn('cannot write the position file', { component: 'logs', file: this.positions?.file, error: code });
        this.saveError = code;
        this.saveErrorSince ??= Date.now();
      },
    );
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const more = await this.exclusive(() => this.turn()).catch((error: unknown) => {
        this.deps.logger.error('log poll failed', { component: 'logs', error: String(error) });
        return false;
      });
      if (this.stopped) break;
      if (!more) await this.sleep(this.config?.poll_interval ?? 250);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** fs.watch is only a hint that wakes the poll loop early; polling alone loses nothing. */
  private watchDirectories(config: LogsConfig): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    for (const directory of new Set(config.sources.map((source) => path.dirname(source.path)))) {
      try {
        const watcher = watch(directory, { persistent: false }, () => this.wake?.());
        watcher.on('error', () => watcher.close());
        this.watchers.push(watcher);
      } catch {
        // The directory does not exist yet; the next turn tries again.
      }
    }
  }
}
