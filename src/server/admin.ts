import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Exporter } from '../runtime/exporter';
import { AdminGuard } from './admin-auth';
import { redactDeep } from './admin-redact';
import { refreshProviders } from './admin-providers';
import { debugProbeHandlers } from './debug-probes';

/** Provider ids as the config names them; anything else in the request is refused before any lookup. */
const PROVIDER_ID = /^[A-Za-z0-9_.:-]{1,63}$/;

function providerParam(request: Request): string | undefined | { invalid: true } {
  const fromBody = typeof request.body === 'object' && request.body !== null ? (request.body as { provider?: unknown }).provider : undefined;
  const raw = fromBody ?? request.query.provider;
  if (raw === undefined || raw === '') return undefined;
  return typeof raw === 'string' && PROVIDER_ID.test(raw) ? raw : { invalid: true };
}

/**
 * The admin API: POST /admin/refresh-provider-health, GET /debug/probes[/<name>] and the token on
 * POST /-/reload. Without a configured token the admin routes fall through to the 404 handler, as if
 * they did not exist, and /-/reload answers 403 unless `admin.http_reload` turns it on (Prometheus'
 * lifecycle convention). With a token, all of them need it. The token is read per request, so a reload that sets,
 * changes or clears it takes effect at once. No route takes an address to call: a refresh names a
 * configured provider, never a URL.
 */
export function mountAdmin(app: Express, exporter: Exporter): AdminGuard {
  const token = (): string => exporter.config.admin.token;
  const guard = new AdminGuard({
    token,
    limits: () => ({ maxFailures: exporter.config.admin.max_auth_failures, windowMs: exporter.config.admin.auth_failure_window }),
    onRefused: (reason, client) => {
      exporter.bundle.metrics.adminAuthFailures.inc({ reason });
      exporter.logger.warn('admin request refused', { component: 'admin', reason, client });
    },
  });
  // Literal tokens in the file are not secrets to the loader (only ${...} and *_file values are):
  // the token is added at start and again per request, which covers a reload that changed it.
  exporter.secrets.add(token());
  const remember = (_request: Request, _response: Response, next: NextFunction): void => {
    exporter.secrets.add(token());
    next();
  };
  const adminOnly = (request: Request, response: Response, next: NextFunction): void => {
    if (!guard.enabled) {
      next('route');
      return;
    }
    remember(request, response, () => guard.middleware(request, response, next));
  };
  const reloadAllowed = (request: Request, response: Response, next: NextFunction): void => {
    if (guard.enabled) adminOnly(request, response, next);
    else if (exporter.config.admin.http_reload) next();
    else response.status(403).json({ error: 'the reload endpoint is off: set admin.http_reload: true or an admin token (SIGHUP and file changes reload anyway)' });
  };
  const parseJson = express.json({ limit: '4kb', strict: true });
  // A malformed body is the client's mistake (400), not the server's (the app's error handler says 500).
  const body = (request: Request, response: Response, next: NextFunction): void => {
    parseJson(request, response, (error?: unknown) => {
      if (error) response.status(400).json({ error: 'the body must be JSON such as {"provider": "<id>"}, at most 4 kB' });
      else next();
    });
  };

  // Reloads are coalesced and rate-limited by the exporter, so a storm of requests is one reload a second.
  app.post('/-/reload', reloadAllowed, async (_request, response) => {
    const result = await exporter.reload();
    if (result.ok) response.json({ status: 'reloaded' });
    else response.status(400).json({ status: 'refused', problems: redactDeep(exporter.secrets, result.problems) });
  });

  app.post('/admin/refresh-provider-health', adminOnly, body, async (request, response) => {
    const provider = providerParam(request);
    if (typeof provider === 'object') {
      response.status(400).json({ error: 'provider must be the id of a configured provider' });
      return;
    }
    exporter.logger.info('provider health refresh requested', { component: 'admin', provider: provider ?? 'all' });
    const answer = await refreshProviders(exporter, provider);
    response.status(answer.status).json(answer.body);
  });

  // Paged views with bounded bodies (src/server/debug-probes.ts).
  const debug = debugProbeHandlers(exporter);
  app.get('/debug/probes', adminOnly, debug.list);
  app.get('/debug/probes/:name', adminOnly, debug.one);
  return guard;
}
