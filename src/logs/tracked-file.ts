import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { LinePipeline } from './line-pipeline';
import { LineSplitter } from './line-splitter';
import type { FilePosition } from './positions-store';

/** Bytes at the start of a file that identify it across renames (with device and inode). */
export const FINGERPRINT_BYTES = 512;
/** Bytes read per call; a larger read would make each chunk of lines hold the event loop longer. */
export const CHUNK_BYTES = 512 * 1024;

export interface Fingerprint {
  readonly hash: string;
  readonly bytes: number;
}

export const identityOf = (stats: { dev: number; ino: number }): string => `${stats.dev}:${stats.ino}`;

/** Hash of the first `bytes` bytes of the file (fewer if the file is shorter). */
export async function fingerprintOf(handle: FileHandle, bytes: number): Promise<Fingerprint> {
  const buffer = Buffer.alloc(bytes);
  const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
  return { hash: createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex'), bytes: bytesRead };
}

/**
 * One open file of a source. It reads with explicit positions (pread), so it keeps reading the
 * same file after a rename or unlink, and it only ever advances its saved position to the end of
 * a line it has handed over.
 */
export class TrackedFile {
  /** Next byte to read. */
  private readOffset: number;
  /** File offset that `splitter.consumed` counts from. */
  private base: number;
  private size = -1;
  private mtimeMs = -1;
  /** The last read found no more bytes: the file was read to its end at that moment. */
  atEnd = false;
  /** A copy-truncate copy: its last partial line continues in the truncated file, so it is never flushed. */
  noFlush = false;
  /** At the source's path (not a rotated member): a partial last line may still be completed. */
  live = true;
  /** When the file last grew (ms); a rotated file is closed once it has been idle long enough. */
  lastGrowthAt = Date.now();
  /** No longer found among the source's files (deleted, or renamed out of the family): read through the open descriptor. */
  gone = false;

  constructor(
    readonly identity: string,
    public path: string,
    private readonly handle: FileHandle,
    offset: number,
    public fingerprint: Fingerprint,
    private readonly splitter: LineSplitter,
  ) {
    this.readOffset = offset;
    this.base = offset;
    splitter.reset();
  }

  /** End of the last line fully processed: where a restart resumes. */
  get committed(): number {
    return this.base + this.splitter.consumed;
  }

  position(source: string): FilePosition {
    const seen = this.size >= 0 ? { size: this.size, mtime_ms: this.mtimeMs, read: this.readOffset } : {};
    return { source, path: this.path, offset: this.committed, fingerprint: this.fingerprint.hash, fingerprint_bytes: this.fingerprint.bytes, ...seen };
  }

  /** When the file was last written (its mtime; when we last read bytes from it before the first stat). */
  get modifiedAt(): number {
    return this.mtimeMs >= 0 ? this.mtimeMs : this.lastGrowthAt;
  }

  /** Size and mtime now, remembered for the position file (an unchanged closed file is not reopened). */
  async refreshStats(): Promise<{ size: number; mtimeMs: number }> {
    const stats = await this.handle.stat();
    if (stats.size !== this.size || stats.mtimeMs !== this.mtimeMs) this.atEnd = false;
    this.size = stats.size;
    this.mtimeMs = stats.mtimeMs;
    return stats;
  }

  /** Fingerprint of the file's first `bytes` bytes as they are now. */
  prefix(bytes: number): Promise<Fingerprint> {
    return bytes === this.fingerprint.bytes ? Promise.resolve(this.fingerprint) : fingerprintOf(this.handle, bytes);
  }

  /** Moves on to `offset`, a line end (bytes before it were read from a copy of this file). */
  skipTo(offset: number): void {
    this.splitter.reset();
    this.readOffset = offset;
    this.base = offset;
  }

  /**
   * True when the file was truncated (copy-truncate rotation): it is shorter than what was read,
   * or its first bytes changed. Also extends a fingerprint taken while the file was short.
   */
  async truncated(): Promise<boolean> {
    const stats = await this.handle.stat();
    if (stats.size === this.size && stats.mtimeMs === this.mtimeMs) return false;
    this.size = stats.size;
    this.mtimeMs = stats.mtimeMs;
    if (stats.size < this.readOffset) return true;
    if (this.fingerprint.bytes > 0) {
      const current = await fingerprintOf(this.handle, this.fingerprint.bytes);
      if (current.hash !== this.fingerprint.hash || current.bytes !== this.fingerprint.bytes) return true;
    }
    if (this.fingerprint.bytes < FINGERPRINT_BYTES && stats.size > this.fingerprint.bytes) {
      this.fingerprint = await fingerprintOf(this.handle, FINGERPRINT_BYTES);
    }
    return false;
  }

  /** Starts over at the beginning (after a truncation); a held partial line is dropped. */
  async restart(): Promise<void> {
    this.splitter.reset();
    this.readOffset = 0;
    this.base = 0;
    this.size = -1;
    this.atEnd = false;
    this.fingerprint = await fingerprintOf(this.handle, FINGERPRINT_BYTES);
  }

  /**
   * Reads what is there, at most `budget` bytes, handing whole lines to the pipeline. Every read
   * awaits the file system, so other work (scrapes) runs between chunks. True when it stopped
   * because of the budget, with more to read.
   */
  async read(pipeline: LinePipeline, budget: number): Promise<boolean> {
    const splitter = this.splitter;
    const onLines = (buffer: Buffer, start: number, end: number): void => pipeline.processChunk(buffer, start, end);
    const onTooLong = (count: number): void => pipeline.countTooLong(count);
    let total = 0;
    while (total < budget) {
      const { bytesRead } = await this.handle.read(splitter.buffer, splitter.writeOffset, Math.min(splitter.writeLength, CHUNK_BYTES), this.readOffset);
      if (bytesRead === 0) {
        this.atEnd = true;
        return false;
      }
      this.atEnd = false;
      this.readOffset += bytesRead;
      total += bytesRead;
      this.lastGrowthAt = Date.now();
      splitter.commit(bytesRead, onLines, onTooLong);
    }
    return true;
  }

  /** Hands over a last line without newline: the file gets no more bytes (a copy's is dropped). */
  finish(pipeline: LinePipeline): void {
    if (this.noFlush) {
      this.splitter.reset();
      this.base = this.readOffset;
      return;
    }
    this.splitter.flushPartial(
      (buffer, start, end) => pipeline.processChunk(buffer, start, end),
      (count) => pipeline.countTooLong(count),
    );
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}
