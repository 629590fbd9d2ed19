import type { MetricObject, MetricValue, Registry } from 'prom-client';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

/**
 * Picks the format from the Accept header. prom-client has no negotiation of its own, and
 * switching a registry's content type mutates counter names, so formatting is done here.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (!accept) return 'prometheus';
  let best: { format: ExpositionFormat; q: number } = { format: 'prometheus', q: -1 };
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().split(';').map((s) => s.trim());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    const format = type === 'application/openmetrics-text' ? 'openmetrics' : type === 'text/plain' || type === '*/*' ? 'prometheus' : undefined;
    if (format && q > best.q) best = { format, q };
  }
  return best.format;
}

const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Record<string, string | number | undefined>): string {
  const parts = Object.entries(labels)
    .filter(([, value]) => value !== undefined)
    // prom-client writes the last bucket as le: '+Inf', which Number() reads as NaN.
    .map(([key, value]) => `${key}="${escapeLabel(key === 'le' ? formatValue(value === '+Inf' ? Infinity : Number(value)) : String(value))}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

function familyLines(metric: MetricObject & { values: MetricValue<string>[] }, format: ExpositionFormat): string[] {
  const isOpenMetricsCounter = format === 'openmetrics' && String(metric.type) === 'counter';
  const family = isOpenMetricsCounter ? metric.name.replace(/_total$/, '') : metric.name;
  const lines = [`# HELP ${family} ${escapeHelp(metric.help)}`, `# TYPE ${family} ${metric.type}`];
  for (const sample of metric.values) {
    const name = (sample as { metricName?: string }).metricName ?? (isOpenMetricsCounter ? `${family}_total` : metric.name);
    lines.push(`${name}${formatLabels(sample.labels)} ${formatValue(sample.value)}`);
  }
  return lines;
}

/** Serialises the registries in the given format; families keep their registration order. */
export async function exposition(registries: readonly Registry[], format: ExpositionFormat): Promise<string> {
  const lines: string[] = [];
  for (const registry of registries) {
    for (const metric of await registry.getMetricsAsJSON()) {
      lines.push(...familyLines(metric as MetricObject & { values: MetricValue<string>[] }, format));
    }
  }
  return format === 'openmetrics' ? `${lines.join('\n')}\n# EOF\n` : `${lines.join('\n')}\n`;
}
