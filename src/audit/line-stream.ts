import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** What reading one file's lines ran into besides lines. */
export interface LineCounts {
  /** Lines longer than the cap, skipped without being held in memory. */
  tooLong: number;
  /** Set when the file (or its compressed stream) could not be read to the end. */
  error: string | undefined;
  /** Bytes read from the file itself (compressed bytes for a .gz), for progress. */
  bytes: number;
}

/**
 * The lines of a file (without "\n"), gunzipped when `gzip`, in bounded memory: a line longer
 * than `maxLineBytes` is skipped as it streams past and counted, never buffered whole. A read
 * error ends the lines of this file and is recorded, never thrown.
 */
export async function* readLines(path: string, gzip: boolean, maxLineBytes: number, counts: LineCounts): AsyncGenerator<Buffer> {
  const raw = createReadStream(path, { highWaterMark: 64 * 1024 });
  let stream: Readable = raw;
  if (gzip) {
    const gunzip = createGunzip();
    raw.on('error', (error) => gunzip.destroy(error));
    raw.on('data', (chunk) => (counts.bytes += chunk.length));
    stream = raw.pipe(gunzip);
  }
  let parts: Buffer[] = [];
  let held = 0;
  let skipping = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!gzip) counts.bytes += chunk.length;
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(10, start);
        const piece = chunk.subarray(start, newline < 0 ? chunk.length : newline);
        if (!skipping && held + piece.length > maxLineBytes) {
          skipping = true;
          counts.tooLong += 1;
          parts = [];
          held = 0;
        }
        if (newline < 0) {
          if (!skipping && piece.length > 0) {
            parts.push(Buffer.from(piece));
            held += piece.length;
          }
          break;
        }
        if (!skipping) yield parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
        skipping = false;
        parts = [];
        held = 0;
        start = newline + 1;
      }
    }
    // A last line without "\n" (the live file mid-write, or a file cut short) is still a line.
    if (!skipping && held > 0) yield Buffer.concat(parts);
  } catch (error) {
    counts.error = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  } finally {
    stream.destroy();
    raw.destroy();
  }
}
