import { Histogram, Registry } from 'prom-client';
import { addObservations, canAddInBulk, HistogramBatch } from '../../src/logs/histogram-batch';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function histogram(): { registry: Registry; histogram: Histogram<'method' | 'endpoint'> } {
  const registry = new Registry();
  return { registry, histogram: new Histogram({ name: 'amas_http_request_duration_seconds', help: 'h', labelNames: ['method', 'endpoint'], buckets: BUCKETS, registers: [registry] }) };
}

describe('adding observations in bulk gives the same histogram as observing one by one', () => {
  it('has the internals it relies on in this prom-client', () => {
    expect(canAddInBulk(histogram().histogram)).toBe(true);
  });

  it('gives an identical exposition, over several batches and label sets', async () => {
    const one = histogram();
    const bulk = histogram();
    const values = Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 40000) / 1000);
    for (let round = 0; round < 3; round += 1) {
      const batches = new Map<string, HistogramBatch>();
      values.forEach((value, index) => {
        const labels = { method: index % 3 === 0 ? 'POST' : 'GET', endpoint: `/e/${index % 5}` };
        one.histogram.observe(labels, value);
        const key = `${labels.method} ${labels.endpoint}`;
        let batch = batches.get(key);
        if (!batch) batches.set(key, (batch = new HistogramBatch(labels, BUCKETS)));
        batch.observe(value);
      });
      for (const batch of batches.values()) addObservations(bulk.histogram, batch);
    }
    expect(await bulk.registry.metrics()).toBe(await one.registry.metrics());
  });
});
