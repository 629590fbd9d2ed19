import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import type { Exporter } from '../runtime/exporter';
import { redactDeep } from './admin-redact';
import { buildStatusSnapshot, type StatusSnapshot } from './status-page-data';
import { renderStatusRegions } from './status-page-render';
import { statusHistoryOf } from './status-history';
import { STATUS_PAGE_JS } from './status-page-script';
import { STATUS_PAGE_CSS } from './status-page-style';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside a <script type="application/json"> block: `<`, `>` and `&` become
 * \u escapes, so no value can close the block or open a tag, and JSON.parse restores them.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function page(nonce: string, initial: { health: unknown; status: StatusSnapshot }, version: string): string {
  // The first paint is rendered here, so the page reads with JavaScript off; the script repaints it.
  const r = renderStatusRegions(initial);
  const section = (id: string, title: string, count: string, html: string): string =>
    `<section aria-labelledby="${id}-title"><h2 id="${id}-title">${title} <span class="count" id="${id}-count">${escapeHtml(count)}</span></h2><div id="${id}">${html}</div></section>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>AMAS exporter status</title>
<style nonce="${nonce}">${STATUS_PAGE_CSS}</style>
</head>
<body>
<header><div class="bar">
  <h1>AMAS exporter</h1>
  <span id="overall" class="pill big ${escapeHtml(r.overall_kind)}">${escapeHtml(r.overall)}</span>
  <span class="meta" id="updated">Version ${escapeHtml(version)} · as of <time datetime="${escapeHtml(initial.status.generated_at)}">${escapeHtml(initial.status.generated_at.slice(11, 19))} UTC</time></span>
</div></header>
<main>
  <noscript><p class="empty">JavaScript is off: this is the state when the page loaded; reload to update. The same data is at <a href="health">/health</a> and <a href="api/status">/api/status</a>.</p></noscript>
  <div id="banner" class="banner" role="alert"></div>
  <div id="reasons">${r.reasons}</div>
  <div id="summary">${r.summary}</div>
  ${section('providers', 'AI providers', r.providers_count, r.providers)}
  ${section('deps', 'Dependencies', r.deps_count, r.deps)}
  ${section('logs', 'Log sources', r.logs_count, r.logs)}
  <section aria-labelledby="self-title"><h2 id="self-title">Exporter</h2><div id="self">${r.self}</div></section>
</main>
<footer><a href="health">/health</a><a href="ready">/ready</a><a href="metrics">/metrics</a><a href="api/status">/api/status</a></footer>
<script type="application/json" id="initial-data">${jsonForScript(initial)}</script>
<script nonce="${nonce}">${STATUS_PAGE_JS}</script>
</body>
</html>
`;
}

/**
 * GET / (the status page) and GET /api/status (its data). Both read memory only; the page is one
 * self-contained document under a strict Content-Security-Policy: only its own nonce-tagged
 * style and script run, and it may fetch from its own origin only.
 */
export function mountStatusPage(app: Express, exporter: Exporter): void {
  // The strips and uptime start with the first run, not with the first page view.
  statusHistoryOf(exporter.store);
  app.get('/api/status', async (_request, response) => {
    response.set('Cache-Control', 'no-store').json(await buildStatusSnapshot(exporter));
  });
  app.get('/', async (_request, response) => {
    const nonce = randomBytes(16).toString('base64');
    const initial = { health: redactDeep(exporter.secrets, exporter.health()), status: await buildStatusSnapshot(exporter) };
    response
      .set({
        'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
      })
      .type('html')
      .send(page(nonce, initial, initial.status.exporter.version));
  });
}
