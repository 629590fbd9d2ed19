import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { appendRun, isProviderRecord, type HistoryEntry, type ProviderRecord, type ValidationStore } from './validation-store';

/** What the file holds: one record per provider id. */
interface StateFile {
  readonly version: 1;
  readonly providers: Record<string, unknown>;
}

/**
 * The validation store as one JSON file on the exporter's volume (`ai.state_path`). Writes go to a
 * temporary file renamed over the old one, so a crash never leaves half a file. Every write reads
 * the file first and replaces only its own provider's record, so the server and a CLI run on the
 * same file keep each other's providers. A missing file is an empty store; an unreadable one is
 * reported (path and why), counted, and treated as empty: judging goes on with in-memory history.
 */
export class FileValidationStore implements ValidationStore {
  /** Reads and writes that failed; behind `amas_ai_state_file_errors_total`. */
  errors = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string, private readonly report: (message: string) => void = () => undefined) {}

  private fail(what: string, error: unknown): void {
    this.errors += 1;
    const why = error instanceof Error ? error.message : String(error);
    this.report(`state file ${this.file}: ${what}: ${why.slice(0, 300)}`);
  }

  /** `quiet`: a write replaces a bad file anyway; the load before it has reported it. */
  private async read(quiet = false): Promise<StateFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !quiet) this.fail('cannot read', error);
      return { version: 1, providers: {} };
    }
    try {
      const parsed = JSON.parse(text) as Partial<StateFile>;
      if (parsed.version !== 1 || !parsed.providers || typeof parsed.providers !== 'object') throw new Error('not a version 1 state file ({"version":1,"providers":{...}})');
      return parsed as StateFile;
    } catch (error) {
      if (!quiet) this.fail('ignored, not valid', error);
      return { version: 1, providers: {} };
    }
  }

  /** Runs file operations of this process one at a time. */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  load(provider: string, fingerprint: string): Promise<ProviderRecord | undefined> {
    return this.serial(async () => {
      const record = (await this.read()).providers[provider];
      return isProviderRecord(record) && record.fingerprint === fingerprint ? record : undefined;
    });
  }

  save(record: ProviderRecord): Promise<void> {
    return this.serial(async () => {
      try {
        const current = await this.read(true);
        const next: StateFile = { version: 1, providers: { ...current.providers, [record.provider]: record } };
        await mkdir(path.dirname(this.file), { recursive: true });
        const temporary = `${this.file}.${process.pid}.tmp`;
        await writeFile(temporary, JSON.stringify(next));
        await rename(temporary, this.file);
      } catch (error) {
        this.fail('cannot write', error);
      }
    });
  }

  async append(record: ProviderRecord, entry: HistoryEntry): Promise<ProviderRecord> {
    const next = appendRun(record, entry);
    await this.save(next);
    return next;
  }
}
