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

const NEEDS_HELP_ESCAPE = /[\\\n]/;
const NEEDS_LABEL_ESCAPE = /[\\\n"]/;
const escapeHelp = (text: string): string => (NEEDS_HELP_ESCAPE.test(text) ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : text);
const escapeLabel = (text: string): string => (NEEDS_LABEL_ESCAPE.test(text) ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : text);

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Record<string, string | number | undefined>): string {
  let text = '';
  for (const key in labels) {
    const value = labels[key];
    if (value === undefined) continue;
    // prom-client writes the last bucket as le: '+Inf', which Number() reads as NaN.
    const shown = key === 'le' ? formatValue(value === '+Inf' ? Infinity : Number(value)) : escapeLabel(String(value));
    text += `${text ? ',' : ''}${key}="${shown}"`;
  }
  return text ? `{${text}}` : '';
}

type Family = MetricObject & { values: MetricValue<string>[] };

function familyText(metric: Family, format: ExpositionFormat): string {
  const isOpenMetricsCounter = format === 'openmetrics' && String(metric.type) === 'counter';
  const family = isOpenMetricsCounter ? metric.name.replace(/_total$/, '') : metric.name;
  const sampleName = isOpenMetricsCounter ? `${family}_total` : metric.name;
  let text = `# HELP ${family} ${escapeHelp(metric.help)}\n# TYPE ${family} ${metric.type}\n`;
  for (const sample of metric.values) {
    text += `${(sample as { metricName?: string }).metricName ?? sampleName}${formatLabels(sample.labels)} ${formatValue(sample.value)}\n`;
  }
  return text;
}

/** The end of an exposition: OpenMetrics requires `# EOF`, the Prometheus text format has none. */
export const expositionEnd = (format: ExpositionFormat): string => (format === 'openmetrics' ? '# EOF\n' : '');

/**
 * One registry's families in each of the given formats, from one collection: the values are read
 * once and formatted as many times as there are formats. Families keep their registration order.
 */
export async function registryTexts(registry: Registry, formats: readonly ExpositionFormat[]): Promise<Record<ExpositionFormat, string>> {
  const families = (await registry.getMetricsAsJSON()) as Family[];
  const texts = { prometheus: '', openmetrics: '' };
  for (const format of formats) {
    let text = '';
    for (const metric of families) text += familyText(metric, format);
    texts[format] = text;
  }
  return texts;
}

/** Serialises the registries in the given format; families keep their registration order. */
export async function exposition(registries: readonly Registry[], format: ExpositionFormat): Promise<string> {
  let text = '';
  for (const registry of registries) text += (await registryTexts(registry, [format]))[format];
  return text + expositionEnd(format);
}
