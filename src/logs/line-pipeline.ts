import type { Metrics } from '../metrics/definitions';
import type { CompiledMapping, CompiledMappingSet } from './compile-mappings';
import { FieldReader, LINE_EMPTY, LINE_INVALID } from './field-reader';
import type { MetricSink } from './metric-sink';

/** The `result` label values of amas_exporter_log_lines_total. */
export const LINE_RESULTS = ['matched', 'unmatched', 'invalid_json', 'too_long', 'empty'] as const;
export type LineResult = (typeof LINE_RESULTS)[number];

const MATCHED = 0;
const UNMATCHED = 1;
const INVALID = 2;
const TOO_LONG = 3;
const EMPTY = 4;

/**
 * Turns chunks of complete lines of one source into metrics: each line is classified (empty, too
 * long, invalid JSON, matched or unmatched), its fields read once, and every mapping whose
 * conditions hold applied. Line counts go to amas_exporter_log_lines_total once per chunk.
 */
export class LinePipeline {
  private readonly reader: FieldReader;
  private readonly mappings: readonly CompiledMapping[];
  private readonly counts = [0, 0, 0, 0, 0];
  /** When a line was last read (ms), if ever. */
  lastLineAt: number | undefined;

  constructor(
    readonly source: string,
    set: CompiledMappingSet,
    private readonly sink: MetricSink,
    private readonly metrics: Metrics,
    private readonly maxLineBytes: number,
  ) {
    this.reader = new FieldReader(set.plan);
    this.mappings = set.mappings;
  }

  /** Processes bytes [start, end) of `bytes`: whole lines, the last one ending with "\n". */
  processChunk(bytes: Buffer, start: number, end: number): void {
    if (end <= start) return;
    const text = bytes.toString('latin1', start, end);
    this.reader.beginChunk(text, bytes.subarray(start, end));
    this.sink.now = Date.now();
    let from = 0;
    for (;;) {
      const newline = text.indexOf('\n', from);
      if (newline < 0) break;
      this.line(from, newline);
      from = newline + 1;
    }
    this.flush();
  }

  /** Counts lines that were skipped whole because they outgrew the read buffer. */
  countTooLong(count: number): void {
    this.counts[TOO_LONG] = (this.counts[TOO_LONG] as number) + count;
    this.flush();
  }

  private line(start: number, end: number): void {
    const counts = this.counts;
    if (end - start > this.maxLineBytes) {
      counts[TOO_LONG] = (counts[TOO_LONG] as number) + 1;
      return;
    }
    const kind = this.reader.read(start, end);
    if (kind === LINE_EMPTY) {
      counts[EMPTY] = (counts[EMPTY] as number) + 1;
      return;
    }
    if (kind === LINE_INVALID) {
      counts[INVALID] = (counts[INVALID] as number) + 1;
      return;
    }
    const values = this.reader.values;
    let matched = false;
    for (const mapping of this.mappings) {
      if (mapping.test(values) && this.sink.apply(mapping, values)) matched = true;
    }
    const slot = matched ? MATCHED : UNMATCHED;
    counts[slot] = (counts[slot] as number) + 1;
  }

  private flush(): void {
    let total = 0;
    this.counts.forEach((count, index) => {
      if (count === 0) return;
      this.metrics.logLines.inc({ source: this.source, result: LINE_RESULTS[index] as LineResult }, count);
      total += count;
      this.counts[index] = 0;
    });
    if (total > 0) {
      this.lastLineAt = Date.now();
      this.metrics.logLastLine.set({ source: this.source }, this.lastLineAt / 1000);
    }
    this.sink.flush();
  }
}
