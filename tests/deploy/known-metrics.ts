import { createMetrics } from '../../src/metrics/definitions';

/** Every sample name the exporter can expose: families plus histogram `_bucket`, `_sum`, `_count`. */
export function knownSampleNames(): Set<string> {
  const { registries } = createMetrics('0.0.0-test');
  const names = new Set<string>();
  for (const registry of Object.values(registries)) {
    for (const metric of registry.getMetricsAsArray()) {
      const { name, type } = metric as unknown as { name: string; type: string };
      names.add(name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    }
  }
  return names;
}

/** The amas_* metric names a PromQL expression mentions (label values in quotes left out). */
export const amasNamesIn = (expr: string): string[] => [...new Set(expr.replace(/"[^"]*"/g, '""').match(/\bamas_[a-z0-9_]+/g) ?? [])];
