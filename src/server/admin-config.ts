import { z } from 'zod';
import { DURATION_BOUNDS, duration } from '../config/fields';

/** Tokens shorter than this are refused at load: a short bearer token can be guessed. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/**
 * The `admin:` section. With an empty token (the default) the admin API does not exist: its routes
 * answer 404. `POST /-/reload` follows Prometheus' lifecycle convention: off (403) unless
 * `http_reload: true` or a token is set; with a token it needs `Authorization: Bearer <token>`.
 * SIGHUP and the file watch reload whatever this says.
 */
export const adminConfigSchema = z
  .object({
    token: z
      .string()
      .default('')
      .refine((token) => token === '' || token.trim().length >= MIN_ADMIN_TOKEN_LENGTH, {
        message: `the admin token must be empty (admin API off) or at least ${MIN_ADMIN_TOKEN_LENGTH} characters`,
      })
      .describe('Bearer token of the admin API; write ${AMAS_EXPORTER_ADMIN_TOKEN} or token_file: /path, never the value. Empty: admin API off.'),
    http_reload: z
      .boolean()
      .default(false)
      .describe('Turn on POST /-/reload without a token (Prometheus\' --web.enable-lifecycle). With a token it is on anyway and needs the token.'),
    max_auth_failures: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(5)
      .describe('Failed authentications one client may make within auth_failure_window before each further refusal is delayed (doubling up to 5 s). The right token is never refused.'),
    auth_failure_window: duration('5m', DURATION_BOUNDS.window).describe('Window over which failed authentications are counted (1s to 7d).'),
  })
  .strict();

export type AdminConfig = z.output<typeof adminConfigSchema>;
