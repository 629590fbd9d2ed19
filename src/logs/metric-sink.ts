import type { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '../metrics/definitions';
import { firstPresent, labelText, numericValue, type CompiledMapping } from './compile-mappings';
import type { HealthSignal, LogFamilyName } from './families';
import { LOG_FAMILIES } from './families';
import { addObservations, HistogramBatch } from './histogram-batch';
import type { LabelLimiter } from './label-limiter';
import type { SeriesCap } from './series-cap';
import type { SessionWindow } from './session-window';

interface CounterCell {
  readonly labels: Record<string, string>;
  n: number;
  /** Lines that added to n. */
  hits: number;
}

/** Cells of one family by label values, one map level per label: no key string per line. */
type CellTree<T> = Map<string, CellTree<T> | T>;

function findCell<T>(tree: CellTree<T>, values: readonly string[], create: () => T): T {
  let node: CellTree<T> = tree;
  const last = values.length - 1;
  for (let i = 0; i < last; i += 1) {
    const value = values[i] as string;
    let next = node.get(value) as CellTree<T> | undefined;
    if (next === undefined) node.set(value, (next = new Map()));
    node = next;
  }
  const leafKey = last < 0 ? '' : (values[last] as string);
  let cell = node.get(leafKey) as T | undefined;
  if (cell === undefined) node.set(leafKey, (cell = create()));
  return cell;
}

function* leaves<T>(tree: CellTree<T>, depth: number): Generator<T> {
  for (const child of tree.values()) {
    if (depth <= 1) yield child as T;
    else yield* leaves(child as CellTree<T>, depth - 1);
  }
}

/** When each health signal was last seen; authentication also keeps its last error. */
export class HealthSignals {
  readonly lastAt = new Map<HealthSignal, number>();
  lastAuthErrorAt = 0;
  lastAuthOkAt = 0;

  note(signal: HealthSignal, now: number, isError: boolean): void {
    this.lastAt.set(signal, now);
    if (signal !== 'authentication') return;
    if (isError) this.lastAuthErrorAt = now;
    else this.lastAuthOkAt = now;
  }
}

function labelsObject(names: readonly string[], values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  names.forEach((name, index) => {
    labels[name] = values[index] as string;
  });
  return labels;
}

/**
 * Applies matched mappings to the metric families. Counter increments and histogram observations
 * are summed per label set and written to prom-client once per chunk of lines (`flush`), because a
 * prom-client call per line costs more than reading the line.
 */
export class MetricSink {
  /** Time of the chunk being processed (ms), used for sessions without a line time and for signals. */
  now = Date.now();
  private readonly counters = new Map<LogFamilyName, CellTree<CounterCell>>();
  private readonly histograms = new Map<LogFamilyName, CellTree<HistogramBatch>>();

  constructor(
    private readonly metrics: Metrics,
    private readonly limiter: LabelLimiter,
    private readonly seriesCap: SeriesCap,
    private readonly sessions: SessionWindow,
    readonly signals: HealthSignals,
  ) {}

  /** Applies one mapping whose conditions hold; false when the line lacks a usable value. */
  apply(mapping: CompiledMapping, values: readonly unknown[]): boolean {
    let amount = 1;
    if (mapping.kind === 'distinct') return this.touchSession(mapping, values);
    if (mapping.valueSlots.length > 0) {
      const value = numericValue(firstPresent(values, mapping.valueSlots));
      if (value === undefined) return false;
      amount = value * mapping.scale;
      if (mapping.kind === 'counter' && amount < 0) return false;
    } else if (mapping.kind === 'histogram') {
      return false;
    }
    const scratch = mapping.scratch;
    for (let i = 0; i < mapping.labels.length; i += 1) scratch[i] = (mapping.labels[i] as (v: readonly unknown[]) => string)(values);
    if (mapping.kind === 'counter') this.addCounter(mapping, amount);
    else if (mapping.kind === 'histogram') this.observe(mapping, amount);
    else this.setGauge(mapping, amount);
    if (mapping.signal !== undefined) this.signals.note(mapping.signal, this.now, mapping.resultLabel >= 0 && scratch[mapping.resultLabel] === 'error');
    return true;
  }

  /** Writes the sums of the chunk to prom-client. */
  flush(): void {
    for (const [family, cells] of this.counters) {
      const counter = this.metrics[LOG_FAMILIES[family].metric] as unknown as Counter<string>;
      for (const cell of leaves(cells, Math.max(1, LOG_FAMILIES[family].labels.length))) counter.inc(this.seriesCap.labelsFor(family, cell.labels, cell.hits), cell.n);
      cells.clear();
    }
    for (const [family, batches] of this.histograms) {
      const histogram = this.metrics[LOG_FAMILIES[family].metric] as unknown as Histogram<string>;
      for (const batch of leaves(batches, Math.max(1, LOG_FAMILIES[family].labels.length))) {
        batch.labels = this.seriesCap.labelsFor(family, batch.labels, batch.count);
        addObservations(histogram, batch);
      }
      batches.clear();
    }
    for (const [label, count] of this.limiter.drainOverflow()) this.metrics.logLabelOverflow.inc({ label }, count);
    for (const [family, count] of this.seriesCap.drainOverflow()) this.metrics.logSeriesOverflow.inc({ family }, count);
  }

  private addCounter(mapping: CompiledMapping, amount: number): void {
    let cells = this.counters.get(mapping.family);
    if (!cells) this.counters.set(mapping.family, (cells = new Map()));
    const cell = findCell(cells, mapping.scratch, () => ({ labels: labelsObject(mapping.labelNames, mapping.scratch), n: 0, hits: 0 }));
    cell.n += amount;
    cell.hits += 1;
  }

  private observe(mapping: CompiledMapping, value: number): void {
    let batches = this.histograms.get(mapping.family);
    if (!batches) this.histograms.set(mapping.family, (batches = new Map()));
    const histogram = this.metrics[LOG_FAMILIES[mapping.family].metric] as unknown as { upperBounds: readonly number[] };
    findCell(batches, mapping.scratch, () => new HistogramBatch(labelsObject(mapping.labelNames, mapping.scratch), histogram.upperBounds)).observe(value);
  }

  private setGauge(mapping: CompiledMapping, value: number): void {
    const gauge = this.metrics[LOG_FAMILIES[mapping.family].metric] as unknown as Gauge<string>;
    if (mapping.op === 'set') gauge.set(value);
    else if (mapping.op === 'inc') gauge.inc(value);
    else gauge.dec(value);
  }

  private lastTimeKey = '';
  private lastTime = Number.NaN;

  /**
   * A line's ISO 8601 time, to the second (plenty for a session window). Consecutive lines mostly
   * share their second, so the parse of the previous one is reused.
   */
  private lineTime(text: string): number {
    const zone = text.length > 19 ? text.slice(19).replace(/^\.\d+/, '') : '';
    const key = text.length > 19 ? text.slice(0, 19) + zone : text;
    if (key !== this.lastTimeKey) {
      this.lastTimeKey = key;
      this.lastTime = Date.parse(key);
    }
    return this.lastTime;
  }

  private touchSession(mapping: CompiledMapping, values: readonly unknown[]): boolean {
    const key = labelText(firstPresent(values, mapping.valueSlots));
    if (key === undefined || key === '') return false;
    let at = this.now;
    if (mapping.timeSlot >= 0) {
      const time = values[mapping.timeSlot];
      const parsed = typeof time === 'string' ? this.lineTime(time) : Number.NaN;
      if (!Number.isNaN(parsed)) at = Math.min(parsed, this.now);
    }
    this.sessions.touch(key, at);
    return true;
  }
}
