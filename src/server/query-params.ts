import type { NextFunction, Request, Response } from 'express';

/**
 * Refuses a query string the route does not take: an unknown parameter, or a known one in a shape
 * the route never reads (`exclude[]=x`, `exclude[a]=x`, an empty name). Silently ignoring them
 * would serve something other than what was asked for.
 */
export function allowQuery(route: string, allowed: readonly string[], usage: string) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const raw = request.originalUrl.indexOf('?') >= 0 ? request.originalUrl.slice(request.originalUrl.indexOf('?') + 1) : '';
    if (raw === '') {
      next();
      return;
    }
    for (const pair of raw.split('&')) {
      if (pair === '') continue;
      const name = safeDecode(pair.split('=')[0] ?? '');
      if (name === undefined) {
        response.status(400).json({ error: `the query string of ${route} is not valid percent-encoding; ${usage}` });
        return;
      }
      if (!allowed.includes(name)) {
        response.status(400).json({ error: `unknown query parameter ${JSON.stringify(name)} on ${route}; ${usage}` });
        return;
      }
    }
    next();
  };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
