import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { METRIC_GROUPS, type MetricGroup } from '../metrics/definitions';
import { negotiateFormat } from '../metrics/exposition';
import type { Exporter } from '../runtime/exporter';
import { mountAdmin } from './admin';
import { debugPageOf } from './debug-probes';
import { concurrencyGate, DEFAULT_CONCURRENCY, type ConcurrencyLimits } from './concurrency';
import { allowQuery } from './query-params';
import { sendRendered, type Rendered } from './rendered';
import { DEFAULT_RENDER_TIMING, type RenderTiming } from './render-schedule';
import { Serving } from './serving';
import { mountStatusPage } from './status-page';

export interface AppOptions {
  /** The serving cache; one is made (with `timing`) when absent. Tests pass their own to count renders. */
  readonly serving?: Serving;
  readonly timing?: RenderTiming;
  readonly limits?: Partial<ConcurrencyLimits>;
}

const EXCLUDE_USAGE = `/metrics takes exclude=<group>[,<group>] (repeatable); groups are ${METRIC_GROUPS.join(', ')}`;
const NO_PARAMETERS = 'it takes no query parameters';

/** `?exclude=ai-providers,security` (or repeated) leaves groups out of /metrics; see docs/metrics.md. */
function groupsFor(request: Request): MetricGroup[] | string {
  const raw = request.query.exclude;
  if (raw !== undefined && typeof raw !== 'string' && !(Array.isArray(raw) && raw.every((v) => typeof v === 'string'))) return `exclude must be text; ${EXCLUDE_USAGE}`;
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => String(v).split(','));
  const unknown = values.filter((v) => v && !(METRIC_GROUPS as readonly string[]).includes(v));
  if (unknown.length > 0) return `unknown metric group ${JSON.stringify(unknown[0])}; groups are ${METRIC_GROUPS.join(', ')}`;
  return METRIC_GROUPS.filter((group) => !values.includes(group));
}

/** Express 5 handlers may return promises; a failed render reaches the error handler below. */
const serve = (read: (request: Request) => Promise<Rendered>) => async (request: Request, response: Response) => {
  await sendRendered(request, response, await read(request));
};

/**
 * The HTTP API on :8001. /livez and /readyz come first and never wait behind a render. Heavy reads
 * are served from bytes the serving cache rendered on change (serving.ts); their concurrency is
 * bounded and a request beyond the bound gets 503 with Retry-After instead of a queue.
 */
export function createApp(exporter: Exporter, options: AppOptions = {}): Express {
  const app = express();
  const serving = options.serving ?? new Serving(exporter, options.timing ?? DEFAULT_RENDER_TIMING);
  const limits = { ...DEFAULT_CONCURRENCY, ...options.limits };
  app.locals.serving = serving;
  // Every JSON reply passes through the secret store: a second line of defence behind the probes'.
  app.set('json replacer', (_key: string, value: unknown) => (typeof value === 'string' ? exporter.secrets.redact(value) : value));
  app.disable('x-powered-by');
  app.set('etag', false);

  // The exporter's own probes for Kubernetes: they never follow AMAS's or a provider's health.
  app.get('/livez', (_request, response) => {
    response.status(200).json({ status: 'alive' });
  });
  app.get('/readyz', (_request, response) => {
    const ready = exporter.selfReady();
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'starting' });
  });

  const metricsGate = concurrencyGate('/metrics', limits.metrics);
  const statusGate = concurrencyGate('status', limits.status);
  const debugGate = concurrencyGate('/debug/probes', limits.debug);
  app.locals.inFlight = { metrics: metricsGate.inFlight, status: statusGate.inFlight, debug: debugGate.inFlight };

  app.get('/metrics', metricsGate, allowQuery('/metrics', ['exclude'], EXCLUDE_USAGE), async (request, response) => {
    const groups = groupsFor(request);
    if (typeof groups === 'string') {
      response.status(400).json({ error: groups });
      return;
    }
    await sendRendered(request, response, await serving.metrics(groups, negotiateFormat(request.get('accept'))));
  });
  for (const group of ['ai-providers', 'security'] as const) {
    const path = `/metrics/${group}`;
    app.get(path, metricsGate, allowQuery(path, [], NO_PARAMETERS), serve((request) => serving.metrics([group], negotiateFormat(request.get('accept')))));
  }
  app.get('/health', allowQuery('/health', [], NO_PARAMETERS), serve(() => serving.health()));
  app.get('/ready', allowQuery('/ready', [], NO_PARAMETERS), serve(() => serving.ready()));
  // The status page's data, cached here at the route; status-page.ts serves the page itself.
  app.get('/api/status', statusGate, allowQuery('/api/status', [], NO_PARAMETERS), serve(() => serving.status()));
  app.get('/', statusGate);
  app.use('/debug/probes', debugGate, allowQuery('/debug/probes', ['offset', 'limit'], 'it takes offset=<n> and limit=<n>'), (request, response, next) => {
    const page = debugPageOf(request.query as Record<string, unknown>);
    if (typeof page === 'string') response.status(400).json({ error: `${page} (GET /debug/probes[/<name>]?offset=<n>&limit=<n>)` });
    else next();
  });

  // POST /-/reload, the admin API and GET /debug/probes (token rules in admin.ts), and the status page.
  mountAdmin(app, exporter);
  mountStatusPage(app, exporter);

  app.use((request, response) => {
    response.status(404).json({ error: 'not found', path: request.path });
  });
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    // The router marks what the client got wrong (a path that is not valid percent-encoding, say) with a 4xx status.
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      exporter.logger.debug('request refused', { component: 'server', status, error: error instanceof Error ? error.message : String(error) });
      response.status(status).json({ error: status === 400 ? `the request path is not valid: ${error instanceof Error ? error.message : 'bad request'}` : 'bad request' });
      return;
    }
    exporter.logger.error('request failed', { component: 'server', path: request.path, error: error instanceof Error ? error.message : String(error) });
    if (!response.headersSent) response.status(500).json({ error: 'internal error' });
  });
  return app;
}
