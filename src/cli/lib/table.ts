/** A column of a text table: its heading and how wide it may grow before values are cut. */
export interface Column {
  readonly heading: string;
  /** Longer values are cut with an ellipsis (do not set it on coloured columns). */
  readonly maxWidth?: number;
  /** Right-aligned (numbers). */
  readonly right?: boolean;
}

const ANSI = /\u001b\[[0-9;]*m/g;
const visible = (text: string): number => text.replace(ANSI, '').length;

function cut(text: string, width: number | undefined): string {
  const single = text.replace(/[\r\n\t]+/g, ' ').trim();
  if (width === undefined || single.length <= width) return single;
  return `${single.slice(0, Math.max(0, width - 1))}…`;
}

function pad(text: string, width: number, right: boolean | undefined): string {
  const fill = ' '.repeat(Math.max(0, width - visible(text)));
  return right ? fill + text : text + fill;
}

/**
 * Formats rows as aligned text columns separated by two spaces. The last column is not padded,
 * so long messages run to the end of the line instead of pushing the others apart.
 */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => columns.map((column, index) => cut(row[index] ?? '', column.maxWidth)));
  const widths = columns.map((column, index) => Math.max(column.heading.length, ...cells.map((row) => visible(row[index] as string))));
  const line = (values: readonly string[]): string =>
    values
      .map((value, index) => (index === values.length - 1 && !columns[index]?.right ? value : pad(value, widths[index] as number, columns[index]?.right)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.heading)), ...cells.map(line)].join('\n') + '\n';
}

/** Milliseconds with a unit, for tables: "12 ms", "1.53 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** US dollars with enough digits for fractions of a cent. */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '-';
  return usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(6)}` : `$${usd.toFixed(4)}`;
}
