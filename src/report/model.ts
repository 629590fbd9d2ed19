/** A report as data, so each output format is one renderer over the same content. */
export type Block =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'table'; readonly headers: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: 'bars'; readonly title: string; readonly unit: string; readonly items: readonly { readonly label: string; readonly value: number }[] };

export interface Section {
  readonly title: string;
  readonly blocks: readonly Block[];
}

export interface ReportModel {
  readonly title: string;
  readonly lines: readonly string[];
  readonly sections: readonly Section[];
}

/** A number as the report prints it: whole numbers with thousands separators, else 2 decimals. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export const formatPercent = (share: number): string => `${(share * 100).toFixed(2)} %`;
