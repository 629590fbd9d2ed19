import type { ReportModel } from './model';
import { renderHtml } from './render-html';
import { renderMarkdown } from './render-md';
import { renderPdf } from './render-pdf';

/** Every output format of a report, by name: one renderer each. */
export const RENDERERS = {
  pdf: async (model: ReportModel): Promise<Buffer> => renderPdf(model),
  html: async (model: ReportModel): Promise<Buffer> => Buffer.from(renderHtml(model), 'utf8'),
  md: async (model: ReportModel): Promise<Buffer> => Buffer.from(renderMarkdown(model), 'utf8'),
} as const;

export type ReportFormat = keyof typeof RENDERERS;
export const REPORT_FORMATS = Object.keys(RENDERERS) as ReportFormat[];
