import express, { type Express, type Request, type Response } from 'express';
import { METRIC_GROUPS, type MetricGroup } from '../metrics/definitions';
import { negotiateFormat, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from '../metrics/exposition';
import type { Exporter } from '../runtime/exporter';
import { mountAdmin } from './admin';
import { mountStatusPage } from './status-page';

/** `?exclude=ai-providers,security` (or repeated) leaves groups out of /metrics; see docs/metrics.md. */
function groupsFor(request: Request): MetricGroup[] | string {
  const raw = request.query.exclude;
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => String(v).split(','));
  const unknown = values.filter((v) => v && !(METRIC_GROUPS as readonly string[]).includes(v));
  if (unknown.length > 0) return `unknown metric group ${JSON.stringify(unknown[0])}; groups are ${METRIC_GROUPS.join(', ')}`;
  return METRIC_GROUPS.filter((group) => !values.includes(group));
}

async function sendMetrics(exporter: Exporter, groups: readonly MetricGroup[], request: Request, response: Response): Promise<void> {
  const format = negotiateFormat(request.get('accept'));
  const body = await exporter.scrape(groups, format);
  response.type(format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE).send(body);
}

/** The HTTP API on :8001. Every handler reads memory only; none waits for a probe. */
export function createApp(exporter: Exporter): Express {
  const app = express();
  // Every JSON reply passes through the secret store: a second line of defence behind the probes'.
  app.set('json replacer', (_key: string, value: unknown) => (typeof value === 'string' ? exporter.secrets.redact(value) : value));
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/metrics', async (request, response) => {
    const groups = groupsFor(request);
    if (typeof groups === 'string') {
      response.status(400).json({ error: groups });
      return;
    }
    await sendMetrics(exporter, groups, request, response);
  });
  app.get('/metrics/ai-providers', (request, response) => sendMetrics(exporter, ['ai-providers'], request, response));
  app.get('/metrics/security', (request, response) => sendMetrics(exporter, ['security'], request, response));

  app.get('/health', (_request, response) => {
    const body = exporter.health();
    response.status(body.status === 'unhealthy' ? 503 : 200).json(body);
  });
  app.get('/ready', (_request, response) => {
    const body = exporter.ready();
    response.status(body.status === 'ready' ? 200 : 503).json(body);
  });

  // The exporter's own probes for Kubernetes: they never follow AMAS's or a provider's health.
  app.get('/livez', (_request, response) => {
    response.status(200).json({ status: 'alive' });
  });
  app.get('/readyz', (_request, response) => {
    const ready = exporter.selfReady();
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'starting' });
  });

  // POST /-/reload, the admin API and GET /debug/probes (token rules in admin.ts), and the status page.
  mountAdmin(app, exporter);
  mountStatusPage(app, exporter);

  app.use((request, response) => {
    response.status(404).json({ error: 'not found', path: request.path });
  });
  app.use((error: unknown, _request: Request, response: Response, _next: unknown) => {
    exporter.logger.error('request failed', { component: 'server', error: error instanceof Error ? error.message : String(error) });
    response.status(500).json({ error: 'internal error' });
  });
  return app;
}
