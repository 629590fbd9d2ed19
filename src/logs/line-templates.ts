import { hasHighByte } from './json-lexical';

/**
 * Line templates: the fast path for lines shaped like lines already checked.
 *
 * A writer such as AMAS's audit logger prints every line in one of a few shapes: the same keys in
 * the same order, the same nulls; only string contents and numbers vary. After the full scanner
 * has accepted a line with no backslash or control character, the line is cut into literal gaps
 * (keys, punctuation, whitespace, null/true/false) and variable parts (string contents, numbers).
 * The shapes go into a trie, compiled into one anchored regular expression that captures the
 * fields the mappings read. A later line that the expression matches (string contents without
 * quote, backslash or control character; numbers in the JSON grammar) has the JSON skeleton of a
 * line the scanner accepted, so it is valid and its fields are the captured ones.
 * Any other line goes to the scanner. One native regexp run per line replaces a full parse.
 */

const KIND_STRING = 0;
const KIND_NUMBER = 1;
const KIND_END = 2;

/** String content without escapes or control characters. */
const STRING_CONTENT = '[^"\\\\\\x00-\\x1f]*';
/** The JSON number grammar. */
const NUMBER = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?';

interface TemplateNode {
  /** Literal text that must follow at this point. */
  readonly gap: string;
  /** What follows the gap: string content up to the next quote, a number, or the line's end. */
  readonly kind: number;
  /** Slot receiving the variable part, or -1. */
  readonly slot: number;
  /** Values of null/true/false fields written inside the gap: slot, value, slot, value... */
  readonly constants: readonly unknown[];
  readonly children: TemplateNode[];
}

/** What a capture group of the compiled expression stands for. */
interface Group {
  readonly kind: number;
  readonly slot: number;
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

/** The line shapes seen in one source, bounded in number and size. */
export class LineTemplates {
  private readonly root: TemplateNode = { gap: '', kind: KIND_END, slot: -1, constants: [], children: [] };
  private shapes = 0;
  private dirty = false;
  private pattern: RegExp | undefined;
  private groups: Group[] = [];

  constructor(
    private readonly maxShapes = 64,
    private readonly maxNodes = 4096,
  ) {}

  private nodes = 0;

  /** Recompiles the expression when shapes were added; called between chunks, not per line. */
  prepare(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const groups: Group[] = [];
    const source = this.branches(this.root, groups);
    this.groups = groups;
    this.pattern = source === '' ? undefined : new RegExp(`^${source}`);
  }

  /** Fills `out` from `line` (latin1) when it has a known shape; `out` must be all undefined. */
  match(line: string, out: unknown[]): boolean {
    const match = this.pattern?.exec(line);
    if (!match) return false;
    const groups = this.groups;
    for (let i = 0; i < groups.length; i += 1) {
      const text = match[i + 1];
      if (text === undefined) continue;
      const group = groups[i] as Group;
      if (group.kind === KIND_STRING) {
        out[group.slot] = hasHighByte(text) ? Buffer.from(text, 'latin1').toString('utf8') : text;
      } else if (group.kind === KIND_NUMBER) {
        out[group.slot] = Number(text);
      } else {
        const constants = group.constants;
        for (let c = 0; c < constants.length; c += 2) out[constants[c] as number] = constants[c + 1];
      }
    }
    return true;
  }

  /** Adds the shape of a line [start, end) of `s` that the scanner accepted, from its variable parts. */
  insert(s: string, start: number, end: number, tokens: TokenRecorder): void {
    if (!tokens.usable || this.shapes >= this.maxShapes || this.nodes >= this.maxNodes) return;
    let node = this.root;
    let from = start;
    let added = false;
    const count = tokens.kinds.length;
    for (let i = 0; i <= count; i += 1) {
      const last = i === count;
      // A fresh string, so the trie does not keep the whole chunk alive.
      const gap = Buffer.from(s.slice(from, last ? end : (tokens.starts[i] as number)), 'latin1').toString('latin1');
      const kind = last ? KIND_END : (tokens.kinds[i] as number);
      let child = node.children.find((candidate) => candidate.kind === kind && candidate.gap === gap);
      if (!child) {
        const constants = last ? tokens.pending : (tokens.constants[i] as unknown[]);
        child = { gap, kind, slot: last ? -1 : (tokens.slots[i] as number), constants: [...constants], children: [] };
        node.children.push(child);
        this.nodes += 1;
        added = true;
      }
      node = child;
      if (!last) from = tokens.ends[i] as number;
    }
    if (added) {
      this.shapes += 1;
      this.dirty = true;
    }
  }

  /** Number of shapes learnt. */
  get size(): number {
    return this.shapes;
  }

  private branches(node: TemplateNode, groups: Group[]): string {
    const parts = node.children.map((child) => this.source(child, groups));
    return parts.length === 1 ? (parts[0] as string) : parts.length === 0 ? '' : `(?:${parts.join('|')})`;
  }

  private source(node: TemplateNode, groups: Group[]): string {
    let text = escapeLiteral(node.gap);
    if (node.constants.length > 0) {
      groups.push({ kind: KIND_END, slot: -1, constants: node.constants });
      text += '()';
    }
    if (node.kind === KIND_END) return `${text}$`;
    // No backslash or control character in a string: such lines need the scanner.
    const variable = node.kind === KIND_STRING ? STRING_CONTENT : NUMBER;
    if (node.slot >= 0) {
      groups.push({ kind: node.kind, slot: node.slot, constants: [] });
      text += `(${variable})`;
    } else {
      text += node.kind === KIND_STRING ? variable : `(?:${variable})`;
    }
    return text + this.branches(node, groups);
  }
}
