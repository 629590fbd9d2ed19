import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { Block, ReportModel } from './model';

/** A font with wide Unicode coverage when the system has one; PDF's built-in Helvetica otherwise. */
const UNICODE_FONTS = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/dejavu/DejaVuSans.ttf'];

const MARGIN = 50;

/** The report as a PDF (pdfkit: pure JavaScript, no browser). Charts are drawn as vector bars. */
export function renderPdf(model: ReportModel): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: model.title, Producer: 'amas-exporter' } });
  const font = UNICODE_FONTS.find((file) => existsSync(file));
  if (font) doc.font(font);
  // Helvetica covers Latin-1 only: other characters would be drawn as garbage, so they become "?".
  const safe = (text: string): string => (font ? text : text.replace(/[^\x20-\xff]/g, '?'));
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const room = (height: number): void => {
    if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
  };

  const table = (item: Extract<Block, { kind: 'table' }>): void => {
    if (item.rows.length === 0) {
      doc.fontSize(10).text('(none)').moveDown(0.5);
      return;
    }
    const first = width * 0.6;
    const rest = (width - first) / Math.max(1, item.headers.length - 1);
    const columnX = item.headers.map((_, index) => MARGIN + (index === 0 ? 0 : first + (index - 1) * rest));
    const line = (values: readonly string[], bold: boolean): void => {
      room(16);
      const y = doc.y;
      doc.fontSize(10).fillColor(bold ? '#000000' : '#222222');
      values.forEach((value, index) => doc.text(safe(value), columnX[index] as number, y, { width: (index === 0 ? first : rest) - 6, align: index === 0 ? 'left' : 'right', lineBreak: false }));
      doc.x = MARGIN;
      doc.y = y + 14;
    };
    line(item.headers, true);
    doc.moveTo(MARGIN, doc.y - 2).lineTo(MARGIN + width, doc.y - 2).strokeColor('#999999').stroke();
    for (const row of item.rows) line(row, false);
    doc.moveDown(0.6);
  };

  const bars = (item: Extract<Block, { kind: 'bars' }>): void => {
    const row = 11;
    room(20 + item.items.length * row);
    doc.fontSize(10).fillColor('#000000').text(safe(`${item.title} (${item.unit})`), MARGIN, doc.y);
    const top = doc.y + 4;
    const labelWidth = 110;
    const chart = width - labelWidth - 50;
    const max = Math.max(0, ...item.items.map((bar) => bar.value));
    item.items.forEach((bar, index) => {
      const y = top + index * row;
      doc.fontSize(7).fillColor('#222222').text(safe(bar.label), MARGIN, y, { width: labelWidth - 4, lineBreak: false });
      const length = max === 0 ? 0 : (bar.value / max) * chart;
      if (length > 0) doc.rect(MARGIN + labelWidth, y + 1, length, row - 3).fill('#3b7dd8');
      doc.fillColor('#222222').text(String(bar.value), MARGIN + labelWidth + length + 3, y, { lineBreak: false });
    });
    doc.x = MARGIN;
    doc.y = top + item.items.length * row + 8;
  };

  doc.fontSize(18).fillColor('#000000').text(safe(model.title)).moveDown(0.3);
  for (const line of model.lines) doc.fontSize(9).text(safe(line));
  for (const section of model.sections) {
    room(60);
    doc.moveDown(0.8).fontSize(14).fillColor('#000000').text(safe(section.title), MARGIN, doc.y).moveDown(0.3);
    for (const item of section.blocks) {
      if (item.kind === 'text') doc.fontSize(9).fillColor('#333333').text(safe(item.text), MARGIN, doc.y, { width }).moveDown(0.4);
      else if (item.kind === 'table') table(item);
      else bars(item);
    }
  }
  doc.end();
  return done;
}
