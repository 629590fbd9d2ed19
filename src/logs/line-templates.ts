import { hasHighByte } from './json-lexical';

/**
 * Line templates: the fast path for lines shaped like lines already checked.
 *
 * A writer such as AMAS's audit logger prints every line in one of a few shapes: the same keys in
 * the same order, the same nulls; only string contents and numbers vary. After the full scanner
 * has accepted a line with no backslash or control character, the line is cut into literal gaps
 * (keys, punctuation, whitespace, null/true/false) and variable parts (string contents, numbers),
 * and the shape becomes an anchored regular expression that captures the fields the mappings read.
 * A later line that a shape's expression matches (string contents without quote, backslash or
 * control character; numbers in the JSON grammar) has the JSON skeleton of a line the scanner
 * accepted, so it is valid and its fields are the captured ones. Any other line goes to the
 * scanner. One native regexp run per line replaces a full parse.
 */

const KIND_STRING = 0;
const KIND_NUMBER = 1;

/** String content without escapes or control characters. */
const STRING_CONTENT = '[^"\\\\\\x00-\\x1f]*';
/** The JSON number grammar. */
const NUMBER = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?';
/** Shapes tried per line before the scanner takes over. */
const MAX_TRIES = 8;

/** One line shape: its expression, what each capture group feeds, and the literal fields. */
interface Shape {
  readonly source: string;
  readonly pattern: RegExp;
  readonly kinds: readonly number[];
  readonly slots: readonly number[];
  /** Values of null/true/false fields, which are part of the shape: slot, value, slot, value... */
  readonly constants: readonly unknown[];
}

const escapeLiteral = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Records the variable parts of one line while the scanner checks it. */
export class TokenRecorder {
  kinds: number[] = [];
  starts: number[] = [];
  ends: number[] = [];
  slots: number[] = [];
  /** Constants seen since the previous variable part: slot, value, ... */
  pending: unknown[] = [];
  constants: unknown[][] = [];
  usable = true;

  reset(): void {
    this.kinds.length = 0;
    this.starts.length = 0;
    this.ends.length = 0;
    this.slots.length = 0;
    this.pending = [];
    this.constants.length = 0;
    this.usable = true;
  }

  string(contentStart: number, contentEnd: number, slot: number): void {
    this.push(KIND_STRING, contentStart, contentEnd, slot);
  }

  number(start: number, end: number, slot: number): void {
    this.push(KIND_NUMBER, start, end, slot);
  }

  literal(slot: number, value: unknown): void {
    this.pending.push(slot, value);
  }

  private push(kind: number, start: number, end: number, slot: number): void {
    this.kinds.push(kind);
    this.starts.push(start);
    this.ends.push(end);
    this.slots.push(slot);
    this.constants.push(this.pending);
    this.pending = [];
  }
}

/** The line shapes seen in one source, most recently matched first, bounded in number. */
export class LineTemplates {
  private readonly shapes: Shape[] = [];
  private readonly sources = new Set<string>();

  constructor(private readonly maxShapes = 64) {}

  /** Fills `out` from `line` (latin1) when it has a known shape; `out` must be all undefined. */
  match(line: string, out: unknown[]): boolean {
    const shapes = this.shapes;
    const tries = Math.min(shapes.length, MAX_TRIES);
    for (let index = 0; index < tries; index += 1) {
      const shape = shapes[index] as Shape;
      const match = shape.pattern.exec(line);
      if (match === null) continue;
      if (index > 0) {
        // Move to the front: the next line most likely has the same shape.
        shapes[index] = shapes[index - 1] as Shape;
        shapes[index - 1] = shape;
      }
      const { kinds, slots, constants } = shape;
      for (let group = 0; group < slots.length; group += 1) {
        const text = match[group + 1] as string;
        out[slots[group] as number] = kinds[group] === KIND_NUMBER ? Number(text) : hasHighByte(text) ? Buffer.from(text, 'latin1').toString('utf8') : text;
      }
      for (let c = 0; c < constants.length; c += 2) out[constants[c] as number] = constants[c + 1];
      return true;
    }
    return false;
  }

  /** Adds the shape of a line [start, end) of `s` that the scanner accepted, from its variable parts. */
  insert(s: string, start: number, end: number, tokens: TokenRecorder): void {
    if (!tokens.usable || this.shapes.length >= this.maxShapes) return;
    let source = '^';
    const kinds: number[] = [];
    const slots: number[] = [];
    const constants: unknown[] = [...tokens.pending];
    let from = start;
    for (let i = 0; i < tokens.kinds.length; i += 1) {
      const kind = tokens.kinds[i] as number;
      const slot = tokens.slots[i] as number;
      source += escapeLiteral(s.slice(from, tokens.starts[i]));
      constants.push(...(tokens.constants[i] as unknown[]));
      const variable = kind === KIND_STRING ? STRING_CONTENT : NUMBER;
      if (slot >= 0) {
        source += `(${variable})`;
        kinds.push(kind);
        slots.push(slot);
      } else {
        source += kind === KIND_STRING ? variable : `(?:${variable})`;
      }
      from = tokens.ends[i] as number;
    }
    source += `${escapeLiteral(s.slice(from, end))}$`;
    // The compiled expression's own copy of the source: the built one shares memory with the chunk.
    const pattern = new RegExp(source);
    if (this.sources.has(pattern.source)) return;
    this.sources.add(pattern.source);
    this.shapes.push({ source: pattern.source, pattern, kinds, slots, constants });
  }

  /** Number of shapes learnt. */
  get size(): number {
    return this.shapes.length;
  }
}
