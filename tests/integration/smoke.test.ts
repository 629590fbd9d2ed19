import request from 'supertest';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';

describe('the exporter serves its endpoints without waiting for probes', () => {
  let exporter: TestExporter;
  beforeAll(async () => {
    exporter = await startTestExporter(`
probes:
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 1s
    timeout: 500ms
`);
  });
  afterAll(() => exporter.close());

  it('reports a real Redis as up on /metrics once its first run ends', async () => {
    await waitFor(() => exporter.exporter.store.get('redis')?.latest !== undefined);
    const response = await request(exporter.url).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.text).toContain('amas_probe_success{probe="redis"} 1');
  });
});
