import { METRIC_GROUPS, type MetricGroup } from '../metrics/definitions';
import { expositionEnd, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE, type ExpositionFormat } from '../metrics/exposition';
import type { Exporter } from '../runtime/exporter';
import { rendered, type RenderCounters, type Rendered } from './rendered';
import { DEFAULT_RENDER_TIMING, RenderSchedule, type RenderTiming } from './render-schedule';
import { buildStatusSnapshot } from './status-page-data';

const JSON_TYPE = 'application/json; charset=utf-8';

/** One metrics render: every group's text in every format asked for so far. */
interface MetricsRender {
  readonly generation: number;
  readonly formats: ReadonlySet<ExpositionFormat>;
  readonly texts: Record<MetricGroup, Record<ExpositionFormat, string>>;
}

export interface ServingStats {
  readonly renders: { readonly metrics: number; readonly health: number; readonly ready: number; readonly status: number };
  readonly gzips: number;
}

/**
 * The bytes of every heavy read, rendered on change and served to every reader: /metrics for each
 * group set and format, /health, /ready and /api/status. A render runs the modules' beforeScrape
 * hooks once for all groups and formats; a scrape only picks and concatenates cached texts. The
 * render schedule (render-schedule.ts) decides when bytes are rebuilt.
 */
export class Serving {
  private readonly counters: RenderCounters = { gzips: 0 };
  private readonly formats = new Set<ExpositionFormat>(['prometheus']);
  private generation = 0;
  private readonly metricsSchedule: RenderSchedule<MetricsRender>;
  private readonly healthSchedule: RenderSchedule<Rendered>;
  private readonly readySchedule: RenderSchedule<Rendered>;
  private readonly statusSchedule: RenderSchedule<Rendered>;
  /** Composed bodies of the current metrics render, by format and group list. */
  private composed = new Map<string, Rendered>();
  private composedGeneration = -1;

  constructor(private readonly exporter: Exporter, timing: RenderTiming = DEFAULT_RENDER_TIMING) {
    const onError = (what: string) => (error: unknown) =>
      exporter.logger.error('render failed', { component: 'server', what, error: error instanceof Error ? error.message : String(error) });
    // Every JSON body passes through the secret store: a second line of defence behind the probes'.
    const json = (body: unknown): string => JSON.stringify(body, (_key, value: unknown) => (typeof value === 'string' ? exporter.secrets.redact(value) : value));
    this.metricsSchedule = new RenderSchedule(() => this.renderMetrics(), timing, onError('metrics'));
    this.healthSchedule = new RenderSchedule(async () => {
      const body = exporter.health();
      return rendered(body.status === 'unhealthy' ? 503 : 200, JSON_TYPE, json(body), this.counters);
    }, timing, onError('health'));
    this.readySchedule = new RenderSchedule(async () => {
      const body = exporter.ready();
      return rendered(body.status === 'ready' ? 200 : 503, JSON_TYPE, json(body), this.counters);
    }, timing, onError('ready'));
    this.statusSchedule = new RenderSchedule(async () => rendered(200, JSON_TYPE, json(await buildStatusSnapshot(exporter)), this.counters, { 'Cache-Control': 'no-store' }), timing, onError('status'));
    // A reload changes which series exist: the next read waits for bytes rendered after it.
    exporter.onChange((change) => (change.config ? this.expire() : this.invalidate()));
  }

  /** The exposition of the given groups in the given format. */
  async metrics(groups: readonly MetricGroup[], format: ExpositionFormat): Promise<Rendered> {
    let render: MetricsRender;
    if (this.formats.has(format)) render = await this.metricsSchedule.get();
    else {
      // A format asked for the first time joins every later render.
      this.formats.add(format);
      render = await this.metricsSchedule.refresh();
    }
    if (!render.formats.has(format)) render = await this.metricsSchedule.refresh();
    if (render.generation !== this.composedGeneration) {
      this.composed = new Map();
      this.composedGeneration = render.generation;
    }
    const key = `${format}|${groups.join(',')}`;
    let page = this.composed.get(key);
    if (!page) {
      const text = groups.map((group) => render.texts[group][format]).join('') + expositionEnd(format);
      page = rendered(200, format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE, text, this.counters, { Vary: 'Accept, Accept-Encoding' });
      this.composed.set(key, page);
    }
    return page;
  }

  health(): Promise<Rendered> {
    return this.healthSchedule.get();
  }

  ready(): Promise<Rendered> {
    return this.readySchedule.get();
  }

  status(): Promise<Rendered> {
    return this.statusSchedule.get();
  }

  /** The config changed: every view is rendered anew before it is served again. */
  expire(): void {
    for (const schedule of this.schedules()) schedule.expire();
  }

  /** Something reads show changed: every view is rebuilt on its schedule. */
  invalidate(): void {
    for (const schedule of this.schedules()) schedule.invalidate();
  }

  stats(): ServingStats {
    return {
      renders: { metrics: this.metricsSchedule.renders, health: this.healthSchedule.renders, ready: this.readySchedule.renders, status: this.statusSchedule.renders },
      gzips: this.counters.gzips,
    };
  }

  close(): void {
    for (const schedule of this.schedules()) schedule.close();
  }

  private schedules(): RenderSchedule<unknown>[] {
    return [this.metricsSchedule, this.healthSchedule, this.readySchedule, this.statusSchedule];
  }

  private async renderMetrics(): Promise<MetricsRender> {
    const formats = new Set(this.formats);
    this.generation += 1;
    return { generation: this.generation, formats, texts: await this.exporter.renderMetrics(METRIC_GROUPS, [...formats]) };
  }
}
