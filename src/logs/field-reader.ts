import { extractFromParsed, type FieldPlan } from './field-plan';
import { JsonFieldScanner, SCAN_INVALID, SCAN_OK } from './json-scanner';
import { LineTemplates, TokenRecorder } from './line-templates';

/** What a line turned out to be. */
export const LINE_EMPTY = 0;
export const LINE_INVALID = 1;
export const LINE_OK = 2;
export type LineKind = typeof LINE_EMPTY | typeof LINE_INVALID | typeof LINE_OK;

/** A backslash or a control character: lines holding one take the scanner's careful path. */
const SPECIAL = /[\x00-\x1f\\]/;

/** Strict JSON whitespace only: a line of spaces, tabs or "\r" is empty; anything else is parsed. */
function isBlank(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * Reads the fields of a field plan from the lines of a chunk, the fastest way that gives exactly
 * what JSON.parse would: a known line shape first (line templates), else the validating scanner,
 * else (a line that is not an object, or nests too deep for the scanner) JSON.parse itself.
 * One reader serves one source; `values` holds the fields of the latest line.
 */
export class FieldReader {
  readonly values: unknown[];
  private readonly scanner: JsonFieldScanner;
  private readonly templates: LineTemplates | undefined;
  private readonly recorder = new TokenRecorder();
  private text = '';
  private bytes: Buffer = Buffer.alloc(0);

  constructor(
    private readonly plan: FieldPlan,
    options: { readonly templates?: boolean } = {},
  ) {
    this.values = new Array<unknown>(plan.paths.length).fill(undefined);
    this.scanner = new JsonFieldScanner(plan);
    this.templates = options.templates === false ? undefined : new LineTemplates();
  }

  /** Starts a chunk: `text` is `bytes` decoded as latin1; its lines are then read in order. */
  beginChunk(text: string, bytes: Buffer): void {
    this.text = text;
    this.bytes = bytes;
  }

  /** Classifies the line [start, end) of the chunk (without its "\n") and fills `values`. */
  read(start: number, end: number): LineKind {
    const { text, bytes, values } = this;
    const line = text.slice(start, end);
    if (this.templates !== undefined) {
      values.fill(undefined);
      if (this.templates.match(line, values)) return LINE_OK;
    }
    if (isBlank(text, start, end)) return LINE_EMPTY;
    const careful = SPECIAL.test(line);
    this.recorder.reset();
    const result = this.scanner.scan(text, bytes, start, end, careful, values, this.recorder);
    if (result === SCAN_OK) {
      if (!careful && this.templates !== undefined) this.templates.insert(text, start, end, this.recorder);
      return LINE_OK;
    }
    if (result === SCAN_INVALID) return LINE_INVALID;
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8', start, end));
    } catch {
      return LINE_INVALID;
    }
    extractFromParsed(parsed, this.plan, values);
    return LINE_OK;
  }

  /** Number of line shapes learnt so far. */
  get shapes(): number {
    return this.templates?.size ?? 0;
  }
}
