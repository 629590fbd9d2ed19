import type { FieldPlan, PlanChild, PlanNode } from './field-plan';
import { hasHighBytes, jsonLiteralEnd, jsonNumberEnd, jsonStringEnd } from './json-lexical';
import type { TokenRecorder } from './line-templates';

/** The line is a JSON object; the plan's fields are in `out`. */
export const SCAN_OK = 0;
/** The line is not valid JSON (exactly when JSON.parse would throw). */
export const SCAN_INVALID = 1;
/** The line does not start with "{" or nests too deep; the caller decides with JSON.parse (rare). */
export const SCAN_NOT_OBJECT = 2;
export type ScanResult = typeof SCAN_OK | typeof SCAN_INVALID | typeof SCAN_NOT_OBJECT;

const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const SPACE = 32;
const TAB = 9;
const CR = 13;
const IN_OBJECT = 1;
const IN_ARRAY = 2;


/**
 * A validating JSON scanner that reads only the fields of a plan, without building the object.
 * It works on a latin1-decoded chunk (one char per byte, so string offsets are byte offsets) and
 * decodes a value as UTF-8 only when it holds bytes above 127 or escapes.
 *
 * Its verdict and values equal JSON.parse's for every line: it accepts exactly the JSON grammar and
 * lets a duplicate key replace the earlier value. A line is "careful" when it holds a backslash or
 * a control character; other lines skip a string with one native indexOf. With a recorder, it
 * notes the variable parts of the line (string contents, numbers) for the line templates.
 */
export class JsonFieldScanner {
  private s = '';
  private bytes: Buffer = Buffer.alloc(0);
  private e = 0;
  private out: unknown[] = [];
  private careful = false;
  private rec: TokenRecorder | undefined;
  private line = 0;
  private stack = new Uint8Array(64);

  constructor(private readonly plan: FieldPlan) {}

  /**
   * Scans [start, end) of latin1 `text` (the decoding of `bytes`) into `out`, one entry per slot.
   * `careful` must be true when the line holds a backslash or a control character other than "\n".
   */
  scan(text: string, bytes: Buffer, start: number, end: number, careful: boolean, out: unknown[], recorder?: TokenRecorder): ScanResult {
    this.s = text;
    this.bytes = bytes;
    this.e = end;
    this.out = out;
    this.careful = careful;
    this.rec = careful ? undefined : recorder;
    this.line += 1;
    out.fill(undefined);
    const p = this.ws(start);
    if (p >= end || text.charCodeAt(p) !== LBRACE) return SCAN_NOT_OBJECT;
    let after: number;
    try {
      after = this.object(this.plan.root, p);
    } catch (error) {
      if (error instanceof RangeError) return SCAN_NOT_OBJECT;
      throw error;
    }
    return after >= 0 && this.ws(after) === end ? SCAN_OK : SCAN_INVALID;
  }

  /** First index at or after `p` that is not JSON whitespace (the line's end at most). */
  private ws(p: number): number {
    const s = this.s;
    let c = s.charCodeAt(p);
    while (c === SPACE || c === TAB || c === CR) c = s.charCodeAt(++p);
    return p < this.e ? p : this.e;
  }

  private code(p: number): number {
    return p < this.e ? this.s.charCodeAt(p) : -1;
  }

  private stringEnd(p: number): number {
    return jsonStringEnd(this.s, p, this.e, this.careful);
  }

  private literalEnd(p: number): number {
    return jsonLiteralEnd(this.s, p, this.e);
  }

  private findChild(node: PlanNode, start: number, end: number): PlanChild | undefined {
    // Escaped keys are compared decoded, as JSON.parse sees them; others as UTF-8 bytes.
    if (this.careful) return node.byName.get(this.decodeString(start - 1, end + 1));
    const candidates = node.byLength[end - start];
    if (candidates === undefined) return undefined;
    for (const child of candidates) if (this.s.startsWith(child.bytes, start)) return child;
    return undefined;
  }

  /** The string between the quotes at `open` and `close - 1`, as JSON.parse would return it. */
  private decodeString(open: number, close: number): string {
    const start = open + 1;
    const end = close - 1;
    if (this.careful && this.s.lastIndexOf('\\', end - 1) >= start) return JSON.parse(this.bytes.toString('utf8', open, close)) as string;
    return hasHighBytes(this.s, start, end) ? this.bytes.toString('utf8', start, end) : this.s.slice(start, end);
  }

  /** Index after the object starting at `p` ("{"), or -1; fills the slots of `node`'s keys. */
  private object(node: PlanNode | undefined, p: number): number {
    const s = this.s;
    const e = this.e;
    p = this.ws(p + 1);
    if (s.charCodeAt(p) === RBRACE) return p + 1;
    for (;;) {
      if (p >= e || s.charCodeAt(p) !== QUOTE) return -1;
      const keyEnd = this.stringEnd(p);
      if (keyEnd < 0) return -1;
      const child = node === undefined ? undefined : this.findChild(node, p + 1, keyEnd - 1);
      // Whitespace checks are written out here: they run several times for every key of every line.
      p = keyEnd;
      if (s.charCodeAt(p) !== COLON) {
        p = this.ws(p);
        if (s.charCodeAt(p) !== COLON) return -1;
      }
      let c = s.charCodeAt(++p);
      if (c === SPACE || c === TAB || c === CR) c = s.charCodeAt((p = this.ws(p)));
      if (p >= e) return -1;
      if (child !== undefined) {
        if (this.rec !== undefined) this.noteVisit(child);
        p = this.value(child, p);
      } else if (c === QUOTE) {
        const open = p;
        p = this.stringEnd(p);
        if (p >= 0 && this.rec !== undefined) this.rec.string(open + 1, p - 1, -1);
      } else {
        p = this.skip(p);
      }
      if (p < 0) return -1;
      c = s.charCodeAt(p);
      if (c === SPACE || c === TAB || c === CR) c = this.code((p = this.ws(p)));
      if (c === RBRACE && p < e) return p + 1;
      if (c !== COMMA || p >= e) return -1;
      c = s.charCodeAt(++p);
      if (c === SPACE || c === TAB || c === CR) p = this.ws(p);
    }
  }

  /** A key met twice in one line: the later value wins, which the templates do not model. */
  private noteVisit(child: PlanChild): void {
    if (child.visitedLine === this.line && this.rec !== undefined) this.rec.usable = false;
    child.visitedLine = this.line;
  }

  /** Reads the value at `p` into the child's slot (or its object's slots); index after it or -1. */
  private value(child: PlanChild, p: number): number {
    const out = this.out;
    const rec = this.rec;
    if (child.node !== undefined) for (const slot of child.node.slots) out[slot] = undefined;
    const c = this.code(p);
    if (c === LBRACE && child.node !== undefined) {
      const end = this.object(child.node, p);
      if (end >= 0 && child.slot >= 0) {
        out[child.slot] = JSON.parse(this.bytes.toString('utf8', p, end));
        if (rec !== undefined) rec.usable = false;
      }
      return end;
    }
    if (child.slot < 0) return this.skip(p);
    let end: number;
    if (c === QUOTE) {
      end = this.stringEnd(p);
      if (end < 0) return -1;
      out[child.slot] = this.decodeString(p, end);
      if (rec !== undefined) rec.string(p + 1, end - 1, child.slot);
    } else if (c === LBRACE || c === LBRACKET) {
      end = this.skip(p);
      if (end < 0) return -1;
      out[child.slot] = JSON.parse(this.bytes.toString('utf8', p, end));
      if (rec !== undefined) rec.usable = false;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      end = jsonNumberEnd(this.s, p, this.e);
      if (end < 0) return -1;
      out[child.slot] = Number(this.s.slice(p, end));
      if (rec !== undefined) rec.number(p, end, child.slot);
    } else {
      end = this.literalEnd(p);
      if (end < 0) return -1;
      const literal = c === 116 ? true : c === 102 ? false : null;
      out[child.slot] = literal;
      if (rec !== undefined) rec.literal(child.slot, literal);
    }
    return end;
  }

  /** Checks and steps over one value of any depth without recursion; index after it or -1. */
  private skip(p: number): number {
    let depth = 0;
    let c = this.code(p);
    for (;;) {
      if (c === LBRACE || c === LBRACKET) {
        p = this.ws(p + 1);
        if (this.code(p) === (c === LBRACE ? RBRACE : RBRACKET)) {
          p += 1;
        } else {
          if (depth === this.stack.length) {
            const grown = new Uint8Array(depth * 2);
            grown.set(this.stack);
            this.stack = grown;
          }
          this.stack[depth++] = c === LBRACE ? IN_OBJECT : IN_ARRAY;
          if (c === LBRACE && (p = this.key(p)) < 0) return -1;
          c = this.code(p);
          continue;
        }
      } else if (c === QUOTE) {
        const open = p;
        p = this.stringEnd(p);
        if (p < 0) return -1;
        if (this.rec !== undefined) this.rec.string(open + 1, p - 1, -1);
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        const start = p;
        p = jsonNumberEnd(this.s, p, this.e);
        if (p < 0) return -1;
        if (this.rec !== undefined) this.rec.number(start, p, -1);
      } else {
        p = c < 0 ? -1 : this.literalEnd(p);
        if (p < 0) return -1;
      }
      for (;;) {
        if (depth === 0) return p;
        p = this.ws(p);
        c = this.code(p);
        const top = this.stack[depth - 1];
        if (c === COMMA) {
          p = this.ws(p + 1);
          if (top === IN_OBJECT && (p = this.key(p)) < 0) return -1;
          break;
        }
        if ((c === RBRACE && top === IN_OBJECT) || (c === RBRACKET && top === IN_ARRAY)) {
          p += 1;
          depth -= 1;
          continue;
        }
        return -1;
      }
      c = this.code(p);
    }
  }

  /** A key at `p`, its colon and the whitespace after it: the index of the value, or -1. */
  private key(p: number): number {
    if (this.code(p) !== QUOTE) return -1;
    const end = this.stringEnd(p);
    if (end < 0) return -1;
    p = this.ws(end);
    if (this.code(p) !== COLON) return -1;
    return this.ws(p + 1);
  }
}
