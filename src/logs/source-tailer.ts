import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logging/logger';
import type { LogSourceConfig } from './config-schema';
import { expandPattern } from './glob';
import type { LinePipeline } from './line-pipeline';
import { LineSplitter } from './line-splitter';
import type { PositionStore } from './positions-store';
import { CHUNK_BYTES, FINGERPRINT_BYTES, fingerprintOf, identityOf, TrackedFile, type Fingerprint } from './tracked-file';

/** Bytes read from one source per poll turn, so that sources take turns and positions are saved. */
const TURN_BYTES = 32 * 1024 * 1024;
/** Files looked at when searching a directory for a rotated file. */
const MAX_DIRECTORY_ENTRIES = 1000;

export interface SourceTailerOptions {
  readonly source: LogSourceConfig;
  readonly pipeline: LinePipeline;
  readonly positions: PositionStore;
  readonly maxLineBytes: number;
  readonly rotatedGraceMs: number;
  readonly logger: Logger;
}

/** What the tailer of one source is doing, for /health. */
export type SourceState = 'waiting' | 'reading' | 'error';

/**
 * Follows the files of one source. Files are tracked by identity (device and inode), not by name:
 * a renamed file keeps being read to its end (its handle stays open for `rotated_grace` after its
 * last growth, for writers that still hold it), and a new file under the old name is read from
 * its start. A truncated file (copy-truncate) is first read on from the copy that holds the same
 * first bytes, then from its own start. Positions are kept per identity in the position file.
 */
export class SourceTailer {
  readonly files = new Map<string, TrackedFile>();
  state: SourceState = 'waiting';
  lastError: string | undefined;
  private firstPoll = true;

  constructor(private readonly options: SourceTailerOptions) {}

  get name(): string {
    return this.options.source.name;
  }

  /** One turn: find files, handle rotation, read new lines. True when a file has more to read. */
  async poll(now = Date.now()): Promise<boolean> {
    const { pipeline, positions, source } = this.options;
    try {
      for (const file of [...this.files.values()]) {
        if (await file.truncated()) await this.recoverTruncation(file);
      }
      const seen = await this.discover();
      if (this.firstPoll) await this.resumeRotated(seen);
      this.firstPoll = false;
      let more = false;
      for (const file of [...this.files.values()]) {
        file.goneSince = seen.has(file.identity) ? undefined : (file.goneSince ?? now);
        more = (await file.read(pipeline, TURN_BYTES)) || more;
        positions.set(file.identity, file.position(source.name));
        if (file.goneSince !== undefined && now - Math.max(file.goneSince, file.lastGrowthAt) > this.options.rotatedGraceMs) {
          file.finish(pipeline);
          positions.delete(file.identity);
          this.files.delete(file.identity);
          await file.close();
        }
      }
      this.state = this.files.size > 0 ? 'reading' : 'waiting';
      this.lastError = undefined;
      return more;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      if (this.lastError !== code) this.options.logger.warn('log source unreadable', { component: 'logs', source: source.name, error: code });
      this.state = 'error';
      this.lastError = code;
      return false;
    }
  }

  /** Saves positions of every open file and closes them; partial lines stay for the next start. */
  async close(): Promise<void> {
    for (const file of this.files.values()) {
      this.options.positions.set(file.identity, file.position(this.options.source.name));
      await file.close();
    }
    this.files.clear();
  }

  private async discover(): Promise<Set<string>> {
    const seen = new Set<string>();
    for (const filePath of await expandPattern(this.options.source.path)) {
      const stats = await stat(filePath).catch(() => undefined);
      if (!stats?.isFile()) continue;
      const identity = identityOf(stats);
      seen.add(identity);
      const known = this.files.get(identity);
      if (known) {
        known.path = filePath;
        continue;
      }
      const file = await this.openFile(filePath, identity);
      if (file) {
        this.files.set(file.identity, file);
        seen.add(file.identity);
      }
    }
    return seen;
  }

  private async openFile(filePath: string, expected: string): Promise<TrackedFile | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(filePath, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const stats = await handle.stat();
    const identity = identityOf(stats);
    if (identity !== expected && this.files.has(identity)) {
      await handle.close();
      return undefined;
    }
    const fingerprint = await fingerprintOf(handle, FINGERPRINT_BYTES);
    const offset = await this.startOffset(handle, identity, stats.size, fingerprint);
    return new TrackedFile(identity, filePath, handle, offset, fingerprint, this.newSplitter());
  }

  /** A saved position when it belongs to this very file; else the start, or `start_at` on a first start. */
  private async startOffset(handle: FileHandle, identity: string, size: number, fingerprint: Fingerprint): Promise<number> {
    const { positions, source } = this.options;
    const saved = positions.get(identity);
    if (saved && saved.source === source.name) {
      const prefix = saved.fingerprint_bytes === fingerprint.bytes ? fingerprint : await fingerprintOf(handle, saved.fingerprint_bytes);
      if (prefix.hash === saved.fingerprint && prefix.bytes === saved.fingerprint_bytes && saved.offset <= size) return saved.offset;
      return 0;
    }
    // Files that appear later, or that appeared while the exporter was down, are new: read them whole.
    if (!this.firstPoll || positions.hadSource(source.name) || source.start_at === 'beginning') return 0;
    return lastLineEnd(handle, size, this.options.maxLineBytes);
  }

  /** On start, saved files of this source no longer under its path were rotated while the exporter was down. */
  private async resumeRotated(seen: Set<string>): Promise<void> {
    const { positions, source } = this.options;
    const wanted = [...positions.entries()].filter(([identity, entry]) => entry.source === source.name && !seen.has(identity));
    if (wanted.length === 0) return;
    const found = await this.searchDirectory((identity) => wanted.some(([key]) => key === identity));
    for (const [identity, entry] of wanted) {
      const filePath = found.get(identity);
      const handle = filePath === undefined ? undefined : await open(filePath, 'r').catch(() => undefined);
      const prefix = handle === undefined ? undefined : await fingerprintOf(handle, entry.fingerprint_bytes);
      if (handle === undefined || filePath === undefined || prefix?.hash !== entry.fingerprint || prefix.bytes !== entry.fingerprint_bytes) {
        // Gone, or the inode now holds another file: what was written after the last save is lost.
        await handle?.close();
        positions.delete(identity);
        continue;
      }
      const file = new TrackedFile(identity, filePath, handle, entry.offset, await fingerprintOf(handle, FINGERPRINT_BYTES), this.newSplitter());
      file.goneSince = Date.now();
      this.files.set(identity, file);
    }
  }

  /**
   * Copy-truncate: lines written after the last read may sit in the copy made just before the
   * truncation. The copy is found by its first bytes, read from where this file was, and then
   * remembered as read, so that a glob matching copies does not read it again.
   */
  private async recoverTruncation(file: TrackedFile): Promise<void> {
    const { pipeline, positions, source } = this.options;
    const from = file.committed;
    const fingerprint = file.fingerprint;
    const candidates = await this.searchDirectory((identity) => identity !== file.identity && !this.files.has(identity));
    for (const [identity, filePath] of candidates) {
      const handle = await open(filePath, 'r').catch(() => undefined);
      if (!handle) continue;
      const prefix = await fingerprintOf(handle, fingerprint.bytes);
      const { size } = await handle.stat();
      if (fingerprint.bytes === 0 || prefix.hash !== fingerprint.hash || prefix.bytes !== fingerprint.bytes || size < from) {
        await handle.close();
        continue;
      }
      const copy = new TrackedFile(identity, filePath, handle, from, await fingerprintOf(handle, FINGERPRINT_BYTES), this.newSplitter());
      while (await copy.read(pipeline, TURN_BYTES));
      copy.finish(pipeline);
      copy.goneSince = Date.now();
      this.files.set(identity, copy);
      positions.set(identity, copy.position(source.name));
      break;
    }
    await file.restart();
  }

  /** Regular files in the source's directory whose identity passes `want`, by identity. */
  private async searchDirectory(want: (identity: string) => boolean): Promise<Map<string, string>> {
    const directory = path.dirname(this.options.source.path);
    const found = new Map<string, string>();
    const names = await readdir(directory).catch(() => [] as string[]);
    for (const name of names.slice(0, MAX_DIRECTORY_ENTRIES)) {
      const filePath = path.join(directory, name);
      const stats = await stat(filePath).catch(() => undefined);
      if (stats?.isFile() && want(identityOf(stats))) found.set(identityOf(stats), filePath);
    }
    return found;
  }

  private newSplitter(): LineSplitter {
    return new LineSplitter(this.options.maxLineBytes, CHUNK_BYTES);
  }
}

/** Offset just after the last newline of the file, so that a line being written is read whole. */
async function lastLineEnd(handle: FileHandle, size: number, window: number): Promise<number> {
  const length = Math.min(size, window);
  if (length === 0) return 0;
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, size - length);
  const newline = buffer.subarray(0, bytesRead).lastIndexOf(10);
  return newline < 0 ? size : size - length + newline + 1;
}
