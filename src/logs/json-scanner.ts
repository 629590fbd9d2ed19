import type { FieldPlan, PlanChild, PlanNode } from './field-plan';

/** The line is a JSON object; the plan's fields are in `values`. */
export const SCAN_OK = 0;
/** The line is not valid JSON (exactly when JSON.parse would throw). */
export const SCAN_INVALID = 1;
/** The line does not start with "{"; the caller decides with JSON.parse (rare). */
export const SCAN_NOT_OBJECT = 2;
export type ScanResult = typeof SCAN_OK | typeof SCAN_INVALID | typeof SCAN_NOT_OBJECT;

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const SPACE = 32;
const TAB = 9;
const CR = 13;
const IN_OBJECT = 1;
const IN_ARRAY = 2;

/** Bytes that need the careful path: a backslash or any control character except the newline. */
const SPECIAL_SOURCE = '[\\x00-\\x09\\x0b-\\x1f\\\\]';

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/**
 * A validating JSON scanner that reads only the fields a mapping set needs, without building the
 * whole object. It works on a latin1-decoded chunk (one char per byte, so string offsets are byte
 * offsets) and re-decodes a value as UTF-8 only when it holds non-ASCII bytes or escapes.
 *
 * Its verdict and values equal JSON.parse's for every line: it accepts exactly the JSON grammar,
 * lets a duplicate key replace the earlier value, and leaves non-object lines to JSON.parse.
 * Lines of a chunk without a backslash or control character (nearly all) skip strings with one
 * native indexOf; the others are checked char by char.
 */
export class JsonFieldScanner {
  private s = '';
  private bytes: Buffer = Buffer.alloc(0);
  private p = 0;
  private e = 0;
  private out: unknown[] = [];
  private careful = false;
  private nextSpecial = -1;
  private stack = new Uint8Array(64);
  private readonly special = new RegExp(SPECIAL_SOURCE, 'g');

  constructor(private readonly plan: FieldPlan) {}

  /** Starts a chunk: `text` is `bytes` decoded as latin1, lines are scanned in increasing order. */
  beginChunk(text: string, bytes: Buffer): void {
    this.s = text;
    this.bytes = bytes;
    this.special.lastIndex = 0;
    this.nextSpecial = this.special.test(text) ? this.special.lastIndex - 1 : Infinity;
  }

  /** Scans the line [start, end) of the current chunk into `out` (one entry per plan slot). */
  scan(start: number, end: number, out: unknown[]): ScanResult {
    if (this.nextSpecial < start) {
      this.special.lastIndex = start;
      this.nextSpecial = this.special.test(this.s) ? this.special.lastIndex - 1 : Infinity;
    }
    this.careful = this.nextSpecial < end;
    this.p = start;
    this.e = end;
    this.out = out;
    out.fill(undefined);
    this.ws();
    if (this.p >= end || this.s.charCodeAt(this.p) !== LBRACE) return SCAN_NOT_OBJECT;
    try {
      if (!this.object(this.plan.root)) return SCAN_INVALID;
    } catch (error) {
      // A nesting too deep for the stack: JSON.parse decides.
      if (error instanceof RangeError) return SCAN_NOT_OBJECT;
      throw error;
    }
    this.ws();
    return this.p === end ? SCAN_OK : SCAN_INVALID;
  }

  private ws(): void {
    const s = this.s;
    let p = this.p;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c !== SPACE && c !== TAB && c !== CR) break;
      p += 1;
    }
    this.p = p < this.e ? p : this.e;
  }

  private code(): number {
    return this.p < this.e ? this.s.charCodeAt(this.p) : -1;
  }

  /** Index after the closing quote of the string starting at `p`, or -1. */
  private stringEnd(p: number): number {
    const s = this.s;
    const e = this.e;
    if (!this.careful) {
      const q = s.indexOf('"', p + 1);
      return q < 0 || q >= e ? -1 : q + 1;
    }
    let i = p + 1;
    while (i < e) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) return i + 1;
      if (c === BACKSLASH) {
        const n = i + 1 < e ? s.charCodeAt(i + 1) : -1;
        if (n === 117) {
          if (i + 5 >= e || !isHex(s.charCodeAt(i + 2)) || !isHex(s.charCodeAt(i + 3)) || !isHex(s.charCodeAt(i + 4)) || !isHex(s.charCodeAt(i + 5))) return -1;
          i += 6;
        } else if (n === QUOTE || n === BACKSLASH || n === 47 || n === 98 || n === 102 || n === 110 || n === 114 || n === 116) {
          i += 2;
        } else {
          return -1;
        }
      } else if (c < 32) {
        return -1;
      } else {
        i += 1;
      }
    }
    return -1;
  }

  /** Index after the number starting at `p`, or -1 when it breaks the JSON number grammar. */
  private numberEnd(p: number): number {
    const s = this.s;
    const e = this.e;
    let c = s.charCodeAt(p);
    if (c === MINUS) c = ++p < e ? s.charCodeAt(p) : -1;
    if (c === ZERO) {
      p += 1;
    } else if (c > ZERO && c <= NINE) {
      do p += 1;
      while (p < e && (c = s.charCodeAt(p)) >= ZERO && c <= NINE);
    } else {
      return -1;
    }
    if (p < e && s.charCodeAt(p) === DOT) {
      const first = ++p;
      while (p < e && (c = s.charCodeAt(p)) >= ZERO && c <= NINE) p += 1;
      if (p === first) return -1;
    }
    if (p < e && ((c = s.charCodeAt(p)) === 101 || c === 69)) {
      p += 1;
      if (p < e && ((c = s.charCodeAt(p)) === PLUS || c === MINUS)) p += 1;
      const first = p;
      while (p < e && (c = s.charCodeAt(p)) >= ZERO && c <= NINE) p += 1;
      if (p === first) return -1;
    }
    return p;
  }

  private literalEnd(p: number): number {
    const s = this.s;
    const c = s.charCodeAt(p);
    const word = c === 116 ? 'true' : c === 102 ? 'false' : c === 110 ? 'null' : '';
    return word !== '' && p + word.length <= this.e && s.startsWith(word, p) ? p + word.length : -1;
  }

  private findChild(node: PlanNode, start: number, end: number): PlanChild | undefined {
    const s = this.s;
    if (this.careful || this.hasNonAscii(start, end)) {
      // Escaped or non-ASCII keys are compared after decoding, as JSON.parse would see them.
      return node.byName.get(this.decodeString(start - 1, end + 1));
    }
    const candidates = node.byLength[end - start];
    if (candidates === undefined) return undefined;
    for (const child of candidates) if (s.startsWith(child.bytes, start)) return child;
    return undefined;
  }

  private hasNonAscii(start: number, end: number): boolean {
    const s = this.s;
    for (let i = start; i < end; i += 1) if (s.charCodeAt(i) > 127) return true;
    return false;
  }

  /** The string value between the quotes at [open, close): as JSON.parse would return it. */
  private decodeString(open: number, close: number): string {
    const start = open + 1;
    const end = close - 1;
    if (this.careful && this.s.lastIndexOf('\\', end - 1) >= start) return JSON.parse(this.bytes.toString('utf8', open, close)) as string;
    if (this.hasNonAscii(start, end)) return this.bytes.toString('utf8', start, end);
    return this.s.slice(start, end);
  }

  private object(node: PlanNode | undefined): boolean {
    this.p += 1;
    this.ws();
    if (this.code() === RBRACE) {
      this.p += 1;
      return true;
    }
    for (;;) {
      if (this.code() !== QUOTE) return false;
      const keyStart = this.p;
      const keyEnd = this.stringEnd(keyStart);
      if (keyEnd < 0) return false;
      const child = node === undefined ? undefined : this.findChild(node, keyStart + 1, keyEnd - 1);
      this.p = keyEnd;
      this.ws();
      if (this.code() !== COLON) return false;
      this.p += 1;
      this.ws();
      if (!(child === undefined ? this.skip() : this.value(child))) return false;
      this.ws();
      const c = this.code();
      if (c === COMMA) {
        this.p += 1;
        this.ws();
      } else if (c === RBRACE) {
        this.p += 1;
        return true;
      } else {
        return false;
      }
      if (this.code() !== QUOTE) return false;
    }
  }

  private value(child: PlanChild): boolean {
    const out = this.out;
    if (child.node !== undefined) for (const slot of child.node.slots) out[slot] = undefined;
    const start = this.p;
    const c = this.code();
    if (c === LBRACE && child.node !== undefined) {
      if (!this.object(child.node)) return false;
      if (child.slot >= 0) out[child.slot] = JSON.parse(this.bytes.toString('utf8', start, this.p));
      return true;
    }
    if (child.slot < 0) return this.skip();
    let end: number;
    if (c === QUOTE) {
      end = this.stringEnd(start);
      if (end < 0) return false;
      out[child.slot] = this.decodeString(start, end);
    } else if (c === LBRACE || c === LBRACKET) {
      if (!this.skip()) return false;
      out[child.slot] = JSON.parse(this.bytes.toString('utf8', start, this.p));
      return true;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      end = this.numberEnd(start);
      if (end < 0) return false;
      out[child.slot] = Number(this.s.slice(start, end));
    } else {
      end = this.literalEnd(start);
      if (end < 0) return false;
      out[child.slot] = c === 116 ? true : c === 102 ? false : null;
    }
    this.p = end;
    return true;
  }

  /** Checks and steps over one value of any depth without recursion. */
  private skip(): boolean {
    let depth = 0;
    for (;;) {
      let c = this.code();
      if (c === LBRACE || c === LBRACKET) {
        this.p += 1;
        this.ws();
        const close = c === LBRACE ? RBRACE : RBRACKET;
        if (this.code() === close) {
          this.p += 1;
        } else {
          if (depth === this.stack.length) {
            const grown = new Uint8Array(depth * 2);
            grown.set(this.stack);
            this.stack = grown;
          }
          this.stack[depth++] = c === LBRACE ? IN_OBJECT : IN_ARRAY;
          if (c === LBRACE && !this.key()) return false;
          continue;
        }
      } else {
        const end = c === QUOTE ? this.stringEnd(this.p) : c === MINUS || (c >= ZERO && c <= NINE) ? this.numberEnd(this.p) : c >= 0 ? this.literalEnd(this.p) : -1;
        if (end < 0) return false;
        this.p = end;
      }
      for (;;) {
        if (depth === 0) return true;
        this.ws();
        c = this.code();
        const top = this.stack[depth - 1];
        if (c === COMMA) {
          this.p += 1;
          this.ws();
          if (top === IN_OBJECT && !this.key()) return false;
          break;
        }
        if ((c === RBRACE && top === IN_OBJECT) || (c === RBRACKET && top === IN_ARRAY)) {
          this.p += 1;
          depth -= 1;
          continue;
        }
        return false;
      }
    }
  }

  /** A key, the colon and the whitespace before the value. */
  private key(): boolean {
    if (this.code() !== QUOTE) return false;
    const end = this.stringEnd(this.p);
    if (end < 0) return false;
    this.p = end;
    this.ws();
    if (this.code() !== COLON) return false;
    this.p += 1;
    this.ws();
    return true;
  }
}
