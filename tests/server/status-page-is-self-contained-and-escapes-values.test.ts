import net from 'node:net';
import request from 'supertest';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';

const MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>';

describe('GET / and GET /api/status', () => {
  let exporter: TestExporter;
  let closing: net.Server;
  beforeAll(async () => {
    // Closes every connection at once, so the tcp probe fails with a message that quotes `expect`.
    closing = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    exporter = await startTestExporter(`
probes:
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 5s
    timeout: 1s
  - name: markup
    type: tcp
    host: 127.0.0.1
    port: ${(closing.address() as net.AddressInfo).port}
    expect: '${MARKUP}'
    interval: 5s
    timeout: 1s
`);
    await waitFor(() => exporter.exporter.store.allRanOnce());
  });
  afterAll(async () => {
    await exporter.close();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  });

  it('serves one HTML document that loads nothing from elsewhere', async () => {
    const response = await request(exporter.url).get('/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    const csp = response.headers['content-security-policy'] as string;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/connect-src 'self'/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    // Every executable script carries the nonce; nothing is fetched from another origin.
    const scripts = [...response.text.matchAll(/<script\b([^>]*)>/g)].map((match) => match[1] as string);
    expect(scripts.filter((attributes) => !attributes.includes('application/json')).every((attributes) => attributes.includes(`nonce="${nonce}"`))).toBe(true);
    expect(response.text).not.toMatch(/\b(?:src|href)=["']?(?:https?:)?\/\//i);
    expect(response.text).not.toMatch(/@import|url\(\s*['"]?https?:/i);
  });

  it('embeds a probe message with markup as inert JSON text', async () => {
    const response = await request(exporter.url).get('/');
    const data = /<script type="application\/json" id="initial-data">([\s\S]*?)<\/script>/.exec(response.text)?.[1] as string;
    expect(data).not.toContain('<');
    const parsed = JSON.parse(data) as { status: { dependencies: { name: string; latest: { message: string } }[] } };
    expect(parsed.status.dependencies.find((dependency) => dependency.name === 'markup')?.latest.message).toContain('<img src=x onerror=alert(1)>');
    // The markup appears nowhere in the HTML as markup.
    expect(response.text).not.toContain('<img src=x');
    expect(response.text.match(/<script\b/g)).toHaveLength(2);
  });

  it('answers /api/status from memory with each probe, its schedule and the exporter state', async () => {
    const response = await request(exporter.url).get('/api/status');
    expect(response.status).toBe(200);
    expect(response.body.exporter).toMatchObject({ ready: true, config_reload_ok: true, admin_api: false });
    expect(response.body.probes).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'redis', module: 'dependencies', interval_seconds: 5, timeout_seconds: 1, latest: expect.objectContaining({ ok: true }) })]),
    );
    expect(response.body.dependencies.find((dependency: { name: string }) => dependency.name === 'markup')).toMatchObject({ type: 'tcp', latest: { ok: false } });
  });
});
