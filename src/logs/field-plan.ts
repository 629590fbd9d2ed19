/**
 * Which fields of a JSON log line the mappings read. Every distinct dot path gets a slot; the
 * scanner fills `values[slot]` for a line, and so does the reference extraction, from a full parse.
 */

/** One key the scanner looks for inside an object. */
export interface PlanChild {
  /** The key as written in JSON. */
  readonly name: string;
  /** The key's UTF-8 bytes as a latin1 string, so it compares with a latin1-decoded line char by char. */
  readonly bytes: string;
  /** Slot receiving the whole value, or -1 when only fields below this key are read. */
  slot: number;
  /** Keys read inside this key's object value, if any. */
  node: PlanNode | undefined;
  /** Scanner bookkeeping: the last line in which this key was met (duplicates are noted). */
  visitedLine: number;
}

/** The keys the scanner looks for in one object. */
export interface PlanNode {
  /** Candidates by key length in bytes: most keys of a line are rejected by their length alone. */
  readonly byLength: (PlanChild[] | undefined)[];
  readonly byName: Map<string, PlanChild>;
  /** Every slot at or below this node, cleared when a duplicate key replaces the object. */
  readonly slots: number[];
}

/** The compiled set of fields, shared by the fast scanner and the reference extraction. */
export interface FieldPlan {
  readonly paths: readonly (readonly string[])[];
  readonly root: PlanNode;
}

const newNode = (): PlanNode => ({ byLength: [], byName: new Map(), slots: [] });

/** Splits a dot path ("details.status_code") into its keys. */
export function splitPath(path: string): string[] {
  return path.split('.');
}

/** Collects distinct dot paths and hands out their slots. */
export class FieldTable {
  private readonly slots = new Map<string, number>();
  private readonly list: string[][] = [];

  slot(path: string): number {
    let slot = this.slots.get(path);
    if (slot === undefined) {
      slot = this.list.length;
      this.slots.set(path, slot);
      this.list.push(splitPath(path));
    }
    return slot;
  }

  get size(): number {
    return this.list.length;
  }

  plan(): FieldPlan {
    const root = newNode();
    this.list.forEach((segments, slot) => {
      let node = root;
      segments.forEach((name, depth) => {
        let child = node.byName.get(name);
        if (!child) {
          const bytes = Buffer.from(name, 'utf8').toString('latin1');
          child = { name, bytes, slot: -1, node: undefined, visitedLine: 0 };
          node.byName.set(name, child);
          (node.byLength[bytes.length] ??= []).push(child);
        }
        node.slots.push(slot);
        if (depth === segments.length - 1) {
          child.slot = slot;
        } else {
          child.node ??= newNode();
          node = child.node;
        }
      });
    });
    return { paths: this.list, root };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The reference extraction: reads the plan's fields from a fully parsed value. The scanner must
 * give exactly these values for every line (tests/logs/scanner-equals-full-parse.test.ts).
 */
export function extractFromParsed(parsed: unknown, plan: FieldPlan, out: unknown[]): void {
  plan.paths.forEach((segments, slot) => {
    let value: unknown = parsed;
    for (const key of segments) {
      value = isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
      if (value === undefined) break;
    }
    out[slot] = value;
  });
}
