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
    const rungs = '  rungs:\n    metadata:\n      interval: 3s\n      timeout: 2500ms\n';
    exporter = await startTestExporter(
      `${aiSection(sim, ['cerebras', 'grok', 'cohere'], {}, rungs)}
probes:
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 5s
    timeout: 3s
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
    // Two runs of redis at least, so its strip and latency sparkline have something to draw.
    await waitFor(() => exporter.exporter.store.allRanOnce() && exporter.exporter.store.get('ai_grok_validation')?.latest !== undefined && (exporter.exporter.store.get('redis')?.runs ?? 0) >= 2 && exporter.exporter.store.get('ai_cerebras_validation')?.latest?.outcome.ok === true, 40_000);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30_000 });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await exporter?.close();
    await sim?.close();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  });

  async function open(viewport: (typeof VIEWPORTS)[number], javaScriptEnabled = true): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: viewport.viewport, isMobile: viewport.isMobile, hasTouch: viewport.isMobile, deviceScaleFactor: viewport.isMobile ? 2 : 1, javaScriptEnabled });
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
    if (javaScriptEnabled) await page.waitForSelector('body[data-rendered]', { timeout: 15_000 });
    return { page, problems };
  }

  it.each(VIEWPORTS)('renders the providers with their real states and the dependencies ($name)', async (viewport) => {
    const { page, problems } = await open(viewport);
    const state = (id: string) => page.locator(`tr[data-provider="${id}"] [data-state]`).getAttribute('data-state');
    expect(await state('cerebras')).toBe('healthy');
    expect(await state('grok')).toBe('fake_ai');
    expect(await state('cohere')).toBe('failed');
    await expect(page.locator('tr[data-provider="grok"]').innerText()).resolves.toMatch(/fake AI detected \(template\)/);
    await expect(page.locator('tr[data-provider="cerebras"] td.more').first().textContent()).resolves.toMatch(/%/);
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

  // With JavaScript off the server-rendered first paint must already carry all of it.
  const HISTORY_CASES = VIEWPORTS.flatMap((viewport) => [true, false].map((javaScript) => ({ ...viewport, javaScript, js: javaScript ? 'JavaScript on' : 'JavaScript off' })));
  it.each(HISTORY_CASES)('puts problems first and draws each row\'s recent runs, uptime and latency ($name, $js)', async (viewport) => {
    const { page, problems } = await open(viewport, viewport.javaScript);
    if (!viewport.javaScript) expect(await page.locator('body').getAttribute('data-rendered')).toBeNull();
    // Failing and fake providers above the healthy one, whatever the catalogue order.
    const order = await page.evaluate<string[]>('Array.from(document.querySelectorAll("tr[data-provider]")).map((row) => row.getAttribute("data-provider"))');
    expect(order.indexOf('cerebras')).toBeGreaterThan(Math.max(order.indexOf('grok'), order.indexOf('cohere')));
    const deps = await page.evaluate<string[]>('Array.from(document.querySelectorAll("tr[data-probe]")).map((row) => row.getAttribute("data-probe"))');
    expect(deps).toEqual(['markup', 'redis']);
    // A strip of runs from the exporter's history: grok's validations include fake verdicts.
    expect(await page.locator('tr[data-probe="redis"] .strip i.ok').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('tr[data-probe="markup"] .strip i.bad').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('tr[data-provider="grok"] .strip i.bad').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('tr[data-provider="cerebras"] .strip i.ok').count()).toBeGreaterThanOrEqual(1);
    // (A loaded machine may time one redis run out; the tcp probe to a closing server always fails.)
    await expect(page.locator('tr[data-probe="redis"] .strip').getAttribute('aria-label')).resolves.toMatch(/^last \d+ runs: \d+ passed, \d+ not$/);
    await expect(page.locator('tr[data-probe="redis"] .uptime').textContent()).resolves.toMatch(/^(100|\d\d?\.\d)% 1 h(100|\d\d?\.\d)% 24 h$/);
    await expect(page.locator('tr[data-probe="markup"] .uptime').textContent()).resolves.toMatch(/^0\.0% 1 h0\.0% 24 h$/);
    expect(await page.locator('tr[data-probe="redis"] svg.spark polyline').count()).toBe(1);
    // Relative times, the exact time on hover: no full ISO timestamp in the visible text.
    expect(await page.locator('body').innerText()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    await expect(page.locator('tr[data-probe="markup"] time').first().innerText()).resolves.toMatch(/^\d+ (s|min) ago$/);
    // On the phone healthy rows fold to a line (name, state, strip); the problems keep every detail.
    const moreVisible = (selector: string) => page.locator(`${selector} td.more`).first().isVisible();
    expect(await moreVisible('tr[data-probe="redis"]')).toBe(viewport.name === 'desktop');
    expect(await moreVisible('tr[data-provider="cerebras"]')).toBe(viewport.name === 'desktop');
    expect(await moreVisible('tr[data-provider="cohere"]')).toBe(true);
    if (viewport.name === 'phone') {
      const height = (selector: string) => page.evaluate<number>(`document.querySelector('${selector}').getBoundingClientRect().height`);
      expect(await height('tr[data-probe="redis"]')).toBeLessThan((await height('tr[data-probe="markup"]')) / 2);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it.each(VIEWPORTS)('reads with JavaScript off: the server paints the same content ($name)', async (viewport) => {
    const { page, problems } = await open(viewport, false);
    expect(await page.locator('body').getAttribute('data-rendered')).toBeNull();
    expect(await page.locator('tr[data-provider="grok"] [data-state]').getAttribute('data-state')).toBe('fake_ai');
    expect(await page.locator('tr[data-provider="cohere"] [data-state]').getAttribute('data-state')).toBe('failed');
    expect(await page.locator('tr[data-probe="redis"] .strip i.ok').count()).toBeGreaterThanOrEqual(2);
    await expect(page.locator('#overall').innerText()).resolves.toMatch(/degraded|unhealthy/);
    await expect(page.locator('#self').innerText()).resolves.toMatch(/Admin API\s+off/);
    await expect(page.locator('tr[data-probe="markup"] td.msg').innerText()).resolves.toContain('<script>window.__xss = 1</script>');
    await expect(page.locator('main').innerText()).resolves.toMatch(/JavaScript is off/);
    const widths = await page.evaluate<{ scroll: number; view: number }>('({ scroll: document.documentElement.scrollWidth, view: window.innerWidth })').catch(() => undefined);
    // evaluate runs even with page scripts off (it is the test's own script).
    expect(widths && widths.scroll <= widths.view).toBe(true);
    await page.screenshot({ path: path.join(OUTPUT, `status-page-${viewport.name}-no-js.png`), fullPage: true });
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
