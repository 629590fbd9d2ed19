import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging/logger';
import type { LogSourceConfig } from './config-schema';
import type { LinePipeline } from './line-pipeline';
import { LineSplitter } from './line-splitter';
import { memberCandidates } from './member-candidates';
import type { FilePosition, PositionStore } from './positions-store';
import { CHUNK_BYTES, FINGERPRINT_BYTES, fingerprintOf, identityOf, TrackedFile, type Fingerprint } from './tracked-file';

/** Bytes read from one file per poll turn, so that new members are looked for often and positions saved. */
const TURN_BYTES = 8 * 1024 * 1024;
/** Files looked at when searching a directory for a copy-truncate copy (`follow: file`). */
const MAX_DIRECTORY_ENTRIES = 1000;
/** Turns in a row a member must be missing before it is taken for deleted. */
const MISSING_TURNS = 2;

export interface TailerCounters {
  openFiles(source: string, count: number): void;
  /** A member waited for a free descriptor (max_open_files reached). */
  deferred(source: string): void;
}

export interface SourceTailerOptions {
  readonly source: LogSourceConfig;
  readonly pipeline: LinePipeline;
  readonly positions: PositionStore;
  readonly maxLineBytes: number;
  /** A member read to its end is closed after this long without growth. */
  readonly rotatedGraceMs: number;
  readonly maxOpenFiles: number;
  readonly counters: TailerCounters;
  readonly logger: Logger;
}

/** What the tailer of one source is doing, for /health. */
export type SourceState = 'waiting' | 'reading' | 'error';

interface Seen {
  readonly path: string;
  readonly live: boolean;
  readonly stats: Stats;
}

/** Where a truncated file had been read to: its copy (same first bytes) resumes there. */
interface CopyHint {
  readonly fingerprint: Fingerprint;
  readonly from: number;
  readonly at: number;
}

const sameFingerprint = (a: Fingerprint, b: { fingerprint: string; fingerprint_bytes: number } | Fingerprint): boolean =>
  'hash' in b ? a.hash === b.hash && a.bytes === b.bytes : a.hash === b.fingerprint && a.bytes === b.fingerprint_bytes;

/**
 * Follows the files of one source: its path (or glob) and, with `follow: family`, every rotated
 * sibling. A file is known by device, inode and a fingerprint of its first bytes, never by name:
 * a renamed member keeps its position, a member that still grows is read to its end whatever it is
 * called now, a deleted one is read through the descriptor still open, and one never seen (created
 * and rotated away while the exporter was down) is read from its start. Every member's position is
 * kept in the position file, open or not, so nothing is read twice.
 */
export class SourceTailer {
  readonly files = new Map<string, TrackedFile>();
  state: SourceState = 'waiting';
  lastError: string | undefined;
  private firstPoll = true;
  private hints: CopyHint[] = [];
  /** Copies found this turn: read them first, then move the original past what they held. */
  private copies = new Map<string, string>();
  /** Identities (open or saved) not found among the members, by consecutive turns. */
  private readonly missing = new Map<string, number>();

  constructor(private readonly options: SourceTailerOptions) {}

  get name(): string {
    return this.options.source.name;
  }

  /** One turn: find members, handle rotation and truncation, read new lines. True when a file has more to read. */
  async poll(now = Date.now()): Promise<boolean> {
    const { source } = this.options;
    try {
      for (const file of this.files.values()) {
        if (await file.truncated()) await this.truncatedFile(file, now);
      }
      const seen = await this.discover();
      await this.openChanged(seen, now);
      const more = await this.readAll();
      await this.closeIdle(now);
      for (const identity of this.options.positions.identities(source.name)) {
        // Not under the family's names and not open: deleted (its inode may come back as another file).
        if ((this.missing.get(identity) ?? 0) >= MISSING_TURNS && !this.files.has(identity)) {
          this.options.logger.debug('log file forgotten', { component: 'logs', source: source.name, identity, offset: this.options.positions.get(source.name, identity)?.offset });
          this.options.positions.delete(source.name, identity);
          this.missing.delete(identity);
        }
      }
      this.hints = this.hints.filter((hint) => now - hint.at <= this.options.rotatedGraceMs);
      this.firstPoll = false;
      this.options.counters.openFiles(source.name, this.files.size);
      this.state = seen.size > 0 || this.files.size > 0 ? 'reading' : 'waiting';
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
    this.options.counters.openFiles(this.options.source.name, 0);
  }

  private async discover(): Promise<Map<string, Seen>> {
    const seen = new Map<string, Seen>();
    for (const candidate of await memberCandidates(this.options.source.path, this.options.source.follow)) {
      const stats = await stat(candidate.path).catch(() => undefined);
      if (!stats?.isFile()) continue;
      const identity = identityOf(stats);
      if (seen.has(identity)) continue;
      seen.set(identity, { ...candidate, stats });
      const open = this.files.get(identity);
      if (open) {
        open.path = candidate.path;
        open.live = candidate.live;
      }
    }
    // A rename between the directory listing and the stats can hide a member for one turn: it is
    // taken for gone (its saved position dropped, or its partial line flushed) only when it was
    // missing from consecutive turns.
    const known = new Set([...this.files.keys(), ...this.options.positions.identities(this.options.source.name)]);
    for (const identity of [...this.missing.keys()]) if (!known.has(identity)) this.missing.delete(identity);
    for (const identity of known) {
      if (seen.has(identity)) this.missing.delete(identity);
      else this.missing.set(identity, (this.missing.get(identity) ?? 0) + 1);
    }
    for (const file of this.files.values()) file.gone = (this.missing.get(file.identity) ?? 0) >= MISSING_TURNS;
    return seen;
  }

  /** Opens members that are new or changed since last read; known ones first, so copies find their original. */
  private async openChanged(seen: Map<string, Seen>, now: number): Promise<void> {
    const { positions, source } = this.options;
    const waiting: [string, Seen, FilePosition | undefined][] = [];
    for (const [identity, member] of seen) {
      if (this.files.has(identity)) continue;
      const saved = positions.get(source.name, identity);
      // Unchanged since it was read to its size: nothing new. A file that grew between the last read
      // and the stat that followed (size past what was read) is opened again, or its tail would
      // never be read once its writer moved on.
      if (saved && saved.size === member.stats.size && saved.mtime_ms === member.stats.mtimeMs && saved.offset <= member.stats.size && (saved.read ?? saved.offset) >= member.stats.size) continue;
      waiting.push([identity, member, saved]);
    }
    waiting.sort((a, b) => Number(b[2] !== undefined) - Number(a[2] !== undefined));
    for (const [identity, member, saved] of waiting) {
      if (!(await this.makeRoom())) {
        this.options.counters.deferred(source.name);
        continue;
      }
      await this.openMember(identity, member, saved, now);
    }
  }

  /** Frees a descriptor when max_open_files are in use: closes a member read to its end, idle longest. */
  private async makeRoom(): Promise<boolean> {
    if (this.files.size < this.options.maxOpenFiles) return true;
    // The one written to longest ago (by its mtime): the least likely to be held by a writer still.
    let oldest: TrackedFile | undefined;
    for (const file of this.files.values()) {
      if (file.atEnd && (!oldest || file.modifiedAt < oldest.modifiedAt)) oldest = file;
    }
    if (!oldest) return false;
    await this.closeFile(oldest, oldest.gone);
    return true;
  }

  private async openMember(identity: string, member: Seen, saved: FilePosition | undefined, now: number): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(member.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const stats = await handle.stat();
    if (identityOf(stats) !== identity) {
      // The name was taken by another file between stat and open: the next turn sees it.
      await handle.close();
      return;
    }
    const fingerprint = await fingerprintOf(handle, FINGERPRINT_BYTES);
    const start = await this.startOffset(handle, stats.size, fingerprint, saved, member.live, now);
    if (start === 'partial_copy') {
      await handle.close();
      return;
    }
    const { offset, copyOf, copy } = start;
    const file = new TrackedFile(identity, member.path, handle, offset, fingerprint, this.newSplitter());
    this.options.logger.debug('log file opened', { component: 'logs', source: this.options.source.name, identity, path: member.path, offset, size: stats.size, saved: saved?.offset, copy });
    file.live = member.live;
    file.noFlush = copy;
    if (copyOf) this.copies.set(identity, copyOf);
    this.files.set(identity, file);
  }

  /**
   * A saved position when it belongs to this very file (same first bytes); for a new file that
   * starts with the bytes of a followed or truncated file, the offset reached in that file (it is a
   * copy); else the start, or on the very first start with `start_at: end` the end of the last line.
   */
  private async startOffset(handle: FileHandle, size: number, fingerprint: Fingerprint, saved: FilePosition | undefined, live: boolean, now: number): Promise<{ offset: number; copyOf?: string; copy: boolean } | 'partial_copy'> {
    const prefixOf = (bytes: number): Promise<Fingerprint> => (bytes === fingerprint.bytes ? Promise.resolve(fingerprint) : fingerprintOf(handle, bytes));
    if (!saved && !live && (await this.isPartialCopy(size, prefixOf))) return 'partial_copy';
    if (saved) {
      if (sameFingerprint(await prefixOf(saved.fingerprint_bytes), saved) && saved.offset <= size) return { offset: saved.offset, copy: false };
      // The inode now holds another file, or this one was truncated while closed: read it whole.
      if (saved.fingerprint_bytes > 0) this.hints.push({ fingerprint: { hash: saved.fingerprint, bytes: saved.fingerprint_bytes }, from: saved.offset, at: now });
      return { offset: 0, copy: false };
    }
    if (fingerprint.bytes > 0) {
      for (const original of this.files.values()) {
        if (original.fingerprint.bytes === 0 || !sameFingerprint(await prefixOf(original.fingerprint.bytes), original.fingerprint)) continue;
        return { offset: Math.min(original.committed, size), copyOf: original.identity, copy: true };
      }
      for (const hint of this.hints) {
        if (!sameFingerprint(await prefixOf(hint.fingerprint.bytes), hint.fingerprint)) continue;
        this.hints = this.hints.filter((other) => other !== hint);
        return { offset: Math.min(hint.from, size), copy: true };
      }
    }
    const { positions, source } = this.options;
    if (!this.firstPoll || positions.hadSource(source.name) || source.start_at === 'beginning') return { offset: 0, copy: false };
    return { offset: await lastLineEnd(handle, size, this.options.maxLineBytes), copy: false };
  }

  /**
   * A new rotated file holding nothing but the first bytes of an open file, fewer than were read of
   * it: copytruncate's copy while it is still being written (it is made in chunks). Read now, it
   * would be taken for a new file and counted from its start; once it is whole (or the original is
   * truncated, which logrotate does only after the copy) it is matched by its first bytes instead.
   */
  private async isPartialCopy(size: number, prefixOf: (bytes: number) => Promise<Fingerprint>): Promise<boolean> {
    const bytes = Math.min(size, FINGERPRINT_BYTES);
    for (const original of this.files.values()) {
      if (original.committed <= size || original.fingerprint.bytes < bytes) continue;
      if (sameFingerprint(await prefixOf(bytes), await original.prefix(bytes))) return true;
    }
    return false;
  }

  private async readAll(): Promise<boolean> {
    const { pipeline, positions, source } = this.options;
    let more = false;
    const ordered = [...this.files.values()].sort((a, b) => Number(this.copies.has(b.identity)) - Number(this.copies.has(a.identity)));
    const waitingForCopy = new Set(this.copies.values());
    for (const file of ordered) {
      // An original is read on only once its copy, which holds the same bytes, is read to its end.
      if (waitingForCopy.has(file.identity) && [...this.copies].some(([copy, original]) => original === file.identity && this.files.has(copy))) continue;
      more = (await file.read(pipeline, TURN_BYTES)) || more;
      const originalId = this.copies.get(file.identity);
      const original = originalId === undefined ? undefined : this.files.get(originalId);
      if (originalId !== undefined && file.atEnd) {
        // The copy held the original's bytes up to its last line end: the original goes on from there.
        if (original && original.committed < file.committed) original.skipTo(file.committed);
        this.copies.delete(file.identity);
      }
      await file.refreshStats();
      positions.set(file.identity, file.position(source.name));
    }
    return more;
  }

  /** Closes members read to their end that nobody wrote to for rotated_grace (by their mtime). */
  private async closeIdle(now: number): Promise<void> {
    for (const file of [...this.files.values()]) {
      if (!file.atEnd || now - file.modifiedAt <= this.options.rotatedGraceMs) continue;
      await this.closeFile(file, file.gone || !file.live);
    }
  }

  /** Closes one member; `final`: no more bytes are expected, so a partial last line is counted. */
  private async closeFile(file: TrackedFile, final: boolean): Promise<void> {
    const { pipeline, positions, source } = this.options;
    if (final) file.finish(pipeline);
    this.options.logger.debug('log file closed', { component: 'logs', source: source.name, identity: file.identity, path: file.path, offset: file.committed, gone: file.gone, final });
    if (file.gone) positions.delete(source.name, file.identity);
    else positions.set(file.identity, file.position(source.name));
    this.files.delete(file.identity);
    this.copies.delete(file.identity);
    await file.close();
  }

  /**
   * Copy-truncate: the file starts over. Its copy holds what was written after the last read: with
   * `follow: family` the copy is a member found by its first bytes; otherwise the directory is searched.
   */
  private async truncatedFile(file: TrackedFile, now: number): Promise<void> {
    const hint: CopyHint = { fingerprint: file.fingerprint, from: file.committed, at: now };
    await file.restart();
    if (this.options.source.follow === 'family') {
      if (hint.fingerprint.bytes > 0) this.hints.push(hint);
      return;
    }
    await this.readCopyFromDirectory(file, hint);
  }

  private async readCopyFromDirectory(file: TrackedFile, hint: CopyHint): Promise<void> {
    if (hint.fingerprint.bytes === 0) return;
    const directory = path.dirname(file.path);
    const names = await readdir(directory).catch(() => [] as string[]);
    for (const name of names.slice(0, MAX_DIRECTORY_ENTRIES)) {
      const filePath = path.join(directory, name);
      const stats = await stat(filePath).catch(() => undefined);
      const identity = stats?.isFile() ? identityOf(stats) : undefined;
      if (identity === undefined || identity === file.identity || this.files.has(identity)) continue;
      const handle = await open(filePath, 'r').catch(() => undefined);
      if (!handle) continue;
      const prefix = await fingerprintOf(handle, hint.fingerprint.bytes);
      if (!sameFingerprint(prefix, hint.fingerprint) || (stats as Stats).size < hint.from) {
        await handle.close();
        continue;
      }
      const copy = new TrackedFile(identity, filePath, handle, hint.from, prefix, this.newSplitter());
      copy.noFlush = true;
      while (await copy.read(this.options.pipeline, TURN_BYTES));
      await copy.close();
      return;
    }
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
