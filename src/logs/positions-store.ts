import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where reading of one file stopped: the end of the last line fully processed. */
export interface FilePosition {
  readonly source: string;
  /** Last path the file was seen under (for people reading the file; lookups use the identity). */
  readonly path: string;
  readonly offset: number;
  /** SHA-256 (hex) of the file's first `fingerprint_bytes` bytes, telling a reused inode apart. */
  readonly fingerprint: string;
  readonly fingerprint_bytes: number;
  /** Size and mtime when last looked at, and bytes read by then: an unchanged member read to that size is not reopened. */
  readonly size?: number;
  readonly mtime_ms?: number;
  readonly read?: number;
}

interface PositionsFileV2 {
  readonly version: 2;
  /** Per source, keyed by "<device>:<inode>". */
  readonly sources: Record<string, Record<string, FilePosition>>;
}

const keyOf = (source: string, identity: string): string => `${source}\u0000${identity}`;

/**
 * The position file: one entry per member of every followed family, keyed by source and by device
 * and inode (checked against a fingerprint of the first bytes), so a renamed file keeps its position
 * and a new file reusing an inode does not inherit it. Written atomically (a temporary file renamed
 * over the old one), so a crash leaves the old or the new content, never a mix.
 */
export class PositionStore {
  private files = new Map<string, FilePosition>();
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  /** Sources that had at least one entry when the file was loaded. */
  private knownSources = new Set<string>();

  constructor(readonly file: string) {}

  /** Reads the file (version 1 or 2); a missing or unreadable one starts empty (logged by the caller). */
  async load(): Promise<string | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as { version?: number; files?: Record<string, FilePosition>; sources?: Record<string, Record<string, FilePosition>> };
      const entries: [string, FilePosition][] = [];
      if (parsed.version === 2) {
        for (const [source, files] of Object.entries(parsed.sources ?? {})) for (const [identity, entry] of Object.entries(files ?? {})) entries.push([identity, { ...entry, source }]);
      } else {
        entries.push(...Object.entries(parsed.files ?? {}));
      }
      for (const [identity, entry] of entries) {
        if (typeof entry?.offset === 'number' && typeof entry.fingerprint === 'string' && typeof entry.source === 'string' && typeof entry.fingerprint_bytes === 'number') {
          this.files.set(keyOf(entry.source, identity), entry);
          this.knownSources.add(entry.source);
        }
      }
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? undefined : `cannot read the position file (${code ?? (error as Error).message})`;
    }
  }

  /** Whether this source had saved positions when the exporter started. */
  hadSource(source: string): boolean {
    return this.knownSources.has(source);
  }

  get(source: string, identity: string): FilePosition | undefined {
    return this.files.get(keyOf(source, identity));
  }

  /** The identities saved for one source. */
  identities(source: string): string[] {
    const prefix = keyOf(source, '');
    return [...this.files.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
  }

  set(identity: string, position: FilePosition): void {
    const key = keyOf(position.source, identity);
    const old = this.files.get(key);
    if (old && old.offset === position.offset && old.path === position.path && old.fingerprint === position.fingerprint && old.size === position.size && old.mtime_ms === position.mtime_ms && old.read === position.read) return;
    this.files.set(key, position);
    this.dirty = true;
  }

  delete(source: string, identity: string): void {
    if (this.files.delete(keyOf(source, identity))) this.dirty = true;
  }

  /** Writes the file when something changed; writes never overlap. A failed write stays due. */
  save(): Promise<void> {
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const sources: Record<string, Record<string, FilePosition>> = {};
    for (const [key, entry] of this.files) {
      const identity = key.slice(key.indexOf('\u0000') + 1);
      const { source, ...rest } = entry;
      (sources[source] ??= {})[identity] = rest as FilePosition;
    }
    const body: PositionsFileV2 = { version: 2, sources };
    const text = `${JSON.stringify(body, null, 1)}\n`;
    // After a failed write, the next one still runs (the volume may be writable again).
    this.writing = this.writing.catch(() => undefined).then(() => this.write(text)).catch((error: unknown) => {
      this.dirty = true;
      throw error;
    });
    return this.writing;
  }

  private async write(text: string): Promise<void> {
    const temporary = `${this.file}.tmp-${process.pid}`;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFile(temporary, text);
      await rename(temporary, this.file);
    } catch (error) {
      // A full volume may hold half a temporary file: remove it, the old position file stays whole.
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }
}
