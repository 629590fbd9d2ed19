import { stat } from 'node:fs/promises';
import type { FieldTable } from '../logs/field-plan';
import { FieldReader, LINE_EMPTY, LINE_INVALID } from '../logs/field-reader';
import { memberEncoding, type AuditFile } from './files';
import { MinHeap } from './heap';
import { readLines, type LineCounts } from './line-stream';

/** One entry of an audit file: its time (ms), the planned fields and, if asked for, the raw line. */
export interface AuditRecord {
  readonly time: number;
  readonly values: readonly unknown[];
  readonly line: Buffer | undefined;
  readonly file: string;
  readonly seq: number;
}

/** Counts of one batch read; every skipped line is in exactly one of the skip counts. */
export interface ReadStats {
  files: number;
  compressed: number;
  lines: number;
  /** Entries within the time range that passed the filter. */
  entries: number;
  empty: number;
  invalidJson: number;
  tooLong: number;
  noTimestamp: number;
  /** Members that could not be read to the end (a truncated .gz, a permission error). */
  unreadable: { path: string; error: string }[];
  /** Members in a compression other than gzip, listed and not read. */
  unsupported: string[];
}

export const newStats = (): ReadStats => ({ files: 0, compressed: 0, lines: 0, entries: 0, empty: 0, invalidJson: 0, tooLong: 0, noTimestamp: 0, unreadable: [], unsupported: [] });

/** Lines skipped for what they hold (not for the time range or the filter). */
export const skippedLines = (stats: ReadStats): number => stats.invalidJson + stats.tooLong + stats.noTimestamp;

export interface ReadOptions {
  readonly files: readonly AuditFile[];
  /** The fields to read; must hold `timeField`. */
  readonly fields: FieldTable;
  readonly timeSlot: number;
  /** Entries with from <= time < to (ms); open ends when absent. */
  readonly from?: number;
  readonly to?: number;
  /** Applied before an entry is held for ordering, so held entries are only the wanted ones. */
  readonly keep?: (values: readonly unknown[]) => boolean;
  /** Keep the raw line (export); otherwise only the fields. */
  readonly keepLine?: boolean;
  readonly maxLineBytes: number;
  /**
   * Entries held to put slightly out-of-order lines back in order (AMAS's four workers buffer up
   * to 30 s each before they write). Memory is bounded by this many entries.
   */
  readonly window?: number;
  readonly stats: ReadStats;
}

/** An ISO 8601 string or Unix seconds/milliseconds as ms since the epoch; NaN otherwise. */
export function entryTime(value: unknown): number {
  if (typeof value === 'string') return Date.parse(value);
  if (typeof value === 'number' && Number.isFinite(value)) return value > 1e11 ? value : value * 1000;
  return Number.NaN;
}

/** Progress of a read: raw bytes read over the total size of the files. */
export interface ReadProgress {
  readonly total: number;
  done: number;
}

async function* fileRecords(file: AuditFile, options: ReadOptions, progress: ReadProgress, seq: { next: number }): AsyncGenerator<AuditRecord> {
  const { stats } = options;
  const encoding = memberEncoding(file);
  stats.files += 1;
  if (file.compressed) stats.compressed += 1;
  if (encoding === 'unsupported') {
    stats.unsupported.push(file.path);
    return;
  }
  const reader = new FieldReader(options.fields.plan());
  const counts: LineCounts = { tooLong: 0, error: undefined, bytes: 0 };
  const before = progress.done;
  try {
    for await (const line of readLines(file.path, encoding === 'gzip', options.maxLineBytes, counts)) {
      progress.done = before + counts.bytes;
      stats.lines += 1;
      reader.beginChunk(line.toString('latin1'), line);
      const kind = reader.read(0, line.length);
      if (kind === LINE_EMPTY) {
        stats.empty += 1;
        continue;
      }
      if (kind === LINE_INVALID) {
        stats.invalidJson += 1;
        continue;
      }
      const time = entryTime(reader.values[options.timeSlot]);
      if (Number.isNaN(time)) {
        stats.noTimestamp += 1;
        continue;
      }
      if ((options.from !== undefined && time < options.from) || (options.to !== undefined && time >= options.to)) continue;
      if (options.keep && !options.keep(reader.values)) continue;
      stats.entries += 1;
      yield { time, values: reader.values.slice(), line: options.keepLine ? Buffer.from(line) : undefined, file: file.path, seq: (seq.next += 1) };
    }
  } finally {
    stats.tooLong += counts.tooLong;
    stats.lines += counts.tooLong;
    if (counts.error !== undefined) stats.unreadable.push({ path: file.path, error: counts.error });
  }
}

/** Total size of the files on disk, for progress. */
export async function totalBytes(files: readonly AuditFile[]): Promise<number> {
  let total = 0;
  for (const file of files) total += await stat(file.path).then((info) => info.size, () => 0);
  return total;
}

const earlier = (a: AuditRecord, b: AuditRecord): boolean => a.time < b.time || (a.time === b.time && a.seq < b.seq);

/**
 * The entries of every file in time order, in bounded memory: one head per file merged by time,
 * through a reorder window of `window` entries for lines written slightly out of order.
 */
export async function* readAudit(options: ReadOptions, progress: ReadProgress = { total: 0, done: 0 }): AsyncGenerator<AuditRecord> {
  const window = options.window ?? 4096;
  const seq = { next: 0 };
  const fileProgress = options.files.map(() => ({ total: 0, done: 0 }));
  const streams = options.files.map((file, index) => fileRecords(file, options, fileProgress[index] as ReadProgress, seq));
  const heads: (AuditRecord | undefined)[] = [];
  const advance = async (index: number): Promise<void> => {
    const next = await (streams[index] as AsyncGenerator<AuditRecord>).next();
    heads[index] = next.done ? undefined : next.value;
    progress.done = fileProgress.reduce((sum, item) => sum + item.done, 0);
  };
  const held = new MinHeap<AuditRecord>(earlier);
  try {
    for (let index = 0; index < streams.length; index += 1) await advance(index);
    for (;;) {
      let pick = -1;
      heads.forEach((head, index) => {
        if (head !== undefined && (pick < 0 || earlier(head, heads[pick] as AuditRecord))) pick = index;
      });
      if (pick < 0) break;
      held.push(heads[pick] as AuditRecord);
      await advance(pick);
      if (held.size > window) yield held.pop() as AuditRecord;
    }
    while (held.size > 0) yield held.pop() as AuditRecord;
  } finally {
    await Promise.all(streams.map((stream) => stream.return(undefined)));
  }
}
