import type { Block, ReportModel } from './model';

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function bars(item: Extract<Block, { kind: 'bars' }>): string {
  const max = Math.max(0, ...item.items.map((bar) => bar.value));
  const row = 18;
  const labelWidth = 160;
  const chartWidth = 420;
  const rects = item.items.map((bar, index) => {
    const width = max === 0 ? 0 : (bar.value / max) * chartWidth;
    const y = index * row;
    return `<text x="0" y="${y + 13}" font-size="11">${escape(bar.label)}</text><rect x="${labelWidth}" y="${y + 3}" width="${width.toFixed(1)}" height="12" fill="#3b7dd8"/><text x="${labelWidth + width + 4}" y="${y + 13}" font-size="11">${bar.value}</text>`;
  });
  return `<figure><figcaption>${escape(item.title)} (${escape(item.unit)})</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" width="${labelWidth + chartWidth + 60}" height="${item.items.length * row + 4}">${rects.join('')}</svg></figure>`;
}

function block(item: Block): string {
  switch (item.kind) {
    case 'text':
      return `<p>${escape(item.text)}</p>`;
    case 'table':
      if (item.rows.length === 0) return '<p><em>(none)</em></p>';
      return `<table><thead><tr>${item.headers.map((header) => `<th>${escape(header)}</th>`).join('')}</tr></thead><tbody>${item.rows.map((row) => `<tr>${row.map((value, index) => `<td${index > 0 ? ' class="n"' : ''}>${escape(value)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
    case 'bars':
      return bars(item);
  }
}

/** The report as one self-contained HTML page; charts are inline SVG (no script, no external file). */
export function renderHtml(model: ReportModel): string {
  const style = 'body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left}td.n{text-align:right}figure{margin:1em 0}figcaption{font-weight:bold;margin-bottom:.3em}';
  const body = model.sections.map((section) => `<section><h2>${escape(section.title)}</h2>${section.blocks.map(block).join('\n')}</section>`).join('\n');
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escape(model.title)}</title><style>${style}</style></head><body><h1>${escape(model.title)}</h1><ul>${model.lines.map((line) => `<li>${escape(line)}</li>`).join('')}</ul>\n${body}\n</body></html>\n`;
}
