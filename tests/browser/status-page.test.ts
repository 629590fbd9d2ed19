import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Simulator } from '../../src/simulator/server';
import { aiSection, keyEnv, setMode, startProviders } from '../cli/sim-providers';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';

const OUTPUT = path.resolve(__dirname, '..', '..', 'test-output');
/** The machine has no internet: without the background-networking flags Chromium stalls on start. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const MARKUP = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';

const VIEWPORTS = [
  { name: 'desktop', viewport: { width: 1280, height: 900 }, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
] as const;

describe('the status page in a real browser', () => {
  let sim: Simulator;
  let closing: net.Server;
  let exporter: TestExporter;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    sim = await startProviders({ cohere: 'down' });
    // Closes every connection at once, so this tcp probe fails with a message that quotes `expect`.
    closing = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    const rungs = '  rungs:\n    metadata:\n      interval: 2s\n      timeout: 1s\n';
    exporter = await startTestExporter(
      `${aiSection(sim, ['cerebras', 'grok', 'cohere'], {}, rungs)}
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
`,
      { env: { ...process.env, ...keyEnv() } },
    );
    await waitFor(() => exporter.exporter.store.allRanOnce() && exporter.exporter.store.get('ai_grok_validation')?.latest !== undefined, 20_000);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30_000 });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await exporter?.close();
    await sim?.close();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  });

  async function open(viewport: (typeof VIEWPORTS)[number]): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: viewport.viewport, isMobile: viewport.isMobile, hasTouch: viewport.isMobile, deviceScaleFactor: viewport.isMobile ? 2 : 1 });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    // A blocked inline script or style (CSP) or a failed request shows up as a console error.
    // /health answers 503 while unhealthy, which the browser logs; the page reads that body as usual.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('status of 503')) problems.push(`console: ${message.text()}`);
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(exporter.url)) problems.push(`request to another origin: ${request.url()}`);
    });
    await page.goto(`${exporter.url}/`, { timeout: 15_000 });
    await page.waitForSelector('body[data-rendered]', { timeout: 15_000 });
    return { page, problems };
  }

  it.each(VIEWPORTS)('renders the providers with their real states and the dependencies ($name)', async (viewport) => {
    const { page, problems } = await open(viewport);
    const state = (id: string) => page.locator(`tr[data-provider="${id}"] [data-state]`).getAttribute('data-state');
    expect(await state('cerebras')).toBe('healthy');
    expect(await state('grok')).toBe('fake_ai');
    expect(await state('cohere')).toBe('failed');
    await expect(page.locator('tr[data-provider="grok"]').innerText()).resolves.toMatch(/fake AI detected \(template\)/);
    await expect(page.locator('tr[data-provider="cerebras"]').innerText()).resolves.toMatch(/validated/);
    await expect(page.locator('tr[data-probe="redis"]').innerText()).resolves.toMatch(/pass/);
    await expect(page.locator('#overall').innerText()).resolves.toMatch(/degraded|unhealthy/);
    await expect(page.locator('#self').innerText()).resolves.toMatch(/Admin API\s+off/);

    // The probe message with markup is shown as text and runs nothing.
    await expect(page.locator('tr[data-probe="markup"] td.msg').innerText()).resolves.toContain('<script>window.__xss = 1</script>');
    // Browser-side expressions are strings: the tests compile without the DOM library.
    expect(await page.evaluate<number | undefined>('window.__xss')).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);

    // Readable on its own width: nothing scrolls sideways; on the phone the tables become cards.
    const widths = await page.evaluate<{ scroll: number; view: number }>('({ scroll: document.documentElement.scrollWidth, view: window.innerWidth })');
    expect(widths.scroll).toBeLessThanOrEqual(widths.view);
    expect(await page.locator('thead').first().isVisible()).toBe(viewport.name === 'desktop');

    await page.screenshot({ path: path.join(OUTPUT, `status-page-${viewport.name}.png`), fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('refreshes itself: a provider that starts failing turns red without a reload', async () => {
    const { page, problems } = await open(VIEWPORTS[0]);
    const state = () => page.locator('tr[data-provider="cerebras"] [data-state]').getAttribute('data-state');
    expect(await state()).toBe('healthy');
    await setMode(sim, 'cerebras', 'server_error');
    // The metadata rung runs every 2 s and the page refreshes every 10 s.
    await page.locator('tr[data-provider="cerebras"] [data-state="failed"]').waitFor({ timeout: 30_000 });
    await expect(page.locator('tr[data-provider="cerebras"]').innerText()).resolves.toMatch(/metadata failing/);
    // No provider is usable any more: the exporter says unhealthy (503) and the page shows why.
    await expect(page.locator('#overall').innerText()).resolves.toBe('unhealthy');
    await expect(page.locator('#reasons').innerText()).resolves.toMatch(/Why unhealthy/);
    await page.screenshot({ path: path.join(OUTPUT, 'status-page-desktop-failing.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);
});
