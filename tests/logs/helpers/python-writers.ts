import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const WRITER = path.join(__dirname, 'amas_audit_writer.py');

/** What writers say they wrote (the truth the exporter is compared with). */
export interface WriterCounts {
  /** Lines the logging module dropped (a rollover raced another worker's): not on disk, not in `lines`. */
  dropped: number;
  lines: number;
  json: number;
  plain: number;
  requests: number;
  login_success: number;
  login_failure: number;
  security_http_error: number;
  security_system_error: number;
  rotations: number;
}

const ZERO: WriterCounts = { dropped: 0, lines: 0, json: 0, plain: 0, requests: 0, login_success: 0, login_failure: 0, security_http_error: 0, security_system_error: 0, rotations: 0 };

export function addCounts(list: readonly WriterCounts[]): WriterCounts {
  const total = { ...ZERO };
  for (const counts of list) for (const key of Object.keys(ZERO) as (keyof WriterCounts)[]) total[key] += counts[key];
  return total;
}

/** One Python process per AMAS worker, each with its own RotatingFileHandler on `file`. */
export class PythonWriters {
  readonly children: ChildProcess[] = [];
  rotations = 0;
  private progress: WriterCounts[] = [];
  private done: WriterCounts[] = [];
  private readonly exits: Promise<number | null>[] = [];

  /** With `control` (a file path outside the log directory), `limitRotations` can hold rollovers back. */
  constructor(file: string, workers: number, linesEach: number, rateEach: number, maxBytes: number, backupCount: number, private readonly control?: string) {
    for (let worker = 1; worker <= workers; worker += 1) {
      const args = [WRITER, file, String(worker), String(linesEach), String(rateEach), String(maxBytes), String(backupCount), ...(control ? [control] : [])];
      const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let pending = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (line === 'rotated') this.rotations += 1;
          else if (line.startsWith('progress ')) this.progress.push(JSON.parse(line.slice(9)) as WriterCounts);
          else if (line.startsWith('done ')) this.done.push(JSON.parse(line.slice(5)) as WriterCounts);
        }
      });
      this.exits.push(new Promise((resolve) => child.once('exit', (code) => resolve(code))));
      this.children.push(child);
    }
  }

  /** Stops every writer between two lines and returns what they wrote so far. */
  async pause(timeoutMs = 20_000): Promise<WriterCounts> {
    this.progress = [];
    for (const child of this.children) child.kill('SIGUSR1');
    const deadline = Date.now() + timeoutMs;
    while (this.progress.length < this.children.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.progress.length < this.children.length) throw new Error('writers did not pause');
    return addCounts(this.progress);
  }

  /** Rollovers of all writers together stop once `total` were made (undefined: no limit); the writers go on writing. */
  limitRotations(total: number | undefined): void {
    if (!this.control) throw new Error('writers were started without a control file');
    writeFileSync(this.control, total === undefined ? '' : String(total));
  }

  resume(): void {
    for (const child of this.children) child.kill('SIGCONT');
  }

  /** Waits for every writer to finish; returns the sum of what they wrote. */
  async finished(): Promise<WriterCounts> {
    const codes = await Promise.all(this.exits);
    if (codes.some((code) => code !== 0) || this.done.length !== this.children.length) throw new Error(`writers failed: exit codes ${codes.join(', ')}`);
    return addCounts(this.done);
  }

  kill(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}
