import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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
}

interface PositionsFile {
  readonly version: 1;
  /** Keyed by "<device>:<inode>". */
  readonly files: Record<string, FilePosition>;
}

/**
 * The position file: one entry per followed file, keyed by device and inode, so a renamed file
 * keeps its position and a new file under an old name does not inherit it. Written atomically
 * (a temporary file renamed over the old one), so a crash leaves the old or the new content.
 */
export class PositionStore {
  private files = new Map<string, FilePosition>();
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  /** Sources that had at least one entry when the file was loaded. */
  private knownSources = new Set<string>();

  constructor(readonly file: string) {}

  /** Reads the file; a missing or unreadable one starts empty (logged by the caller). */
  async load(): Promise<string | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as Partial<PositionsFile>;
      for (const [key, entry] of Object.entries(parsed.files ?? {})) {
        if (typeof entry?.offset === 'number' && typeof entry.fingerprint === 'string' && typeof entry.source === 'string') {
          this.files.set(key, entry);
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

  get(identity: string): FilePosition | undefined {
    return this.files.get(identity);
  }

  entries(): IterableIterator<[string, FilePosition]> {
    return this.files.entries();
  }

  set(identity: string, position: FilePosition): void {
    const old = this.files.get(identity);
    if (old && old.offset === position.offset && old.path === position.path && old.fingerprint === position.fingerprint) return;
    this.files.set(identity, position);
    this.dirty = true;
  }

  delete(identity: string): void {
    if (this.files.delete(identity)) this.dirty = true;
  }

  /** Writes the file when something changed; writes never overlap. */
  save(): Promise<void> {
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const body: PositionsFile = { version: 1, files: Object.fromEntries(this.files) };
    const text = `${JSON.stringify(body, null, 1)}\n`;
    this.writing = this.writing.then(() => this.write(text)).catch((error: unknown) => {
      this.dirty = true;
      throw error;
    });
    return this.writing;
  }

  private async write(text: string): Promise<void> {
    const temporary = `${this.file}.tmp-${process.pid}`;
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(temporary, text);
    await rename(temporary, this.file);
  }
}
