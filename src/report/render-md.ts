import type { Block, ReportModel } from './model';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');

function block(item: Block): string {
  switch (item.kind) {
    case 'text':
      return `${item.text}\n`;
    case 'table':
      if (item.rows.length === 0) return `_(none)_\n`;
      return [`| ${item.headers.map(cell).join(' | ')} |`, `|${item.headers.map((_, index) => (index === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...item.rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n') + '\n';
    case 'bars': {
      const max = Math.max(0, ...item.items.map((bar) => bar.value));
      const width = Math.max(0, ...item.items.map((bar) => bar.label.length));
      const lines = item.items.map((bar) => `${bar.label.padEnd(width)}  ${'█'.repeat(max === 0 ? 0 : Math.round((bar.value / max) * 40))} ${bar.value}`);
      return `**${item.title}** (${item.unit})\n\n\`\`\`text\n${lines.join('\n')}\n\`\`\`\n`;
    }
  }
}

/** The report as Markdown; charts are text bar charts in code blocks. */
export function renderMarkdown(model: ReportModel): string {
  const parts = [`# ${model.title}\n`, `${model.lines.map((line) => `- ${line}`).join('\n')}\n`];
  for (const section of model.sections) parts.push(`## ${section.title}\n`, ...section.blocks.map(block));
  return parts.join('\n');
}
