import { z } from 'zod';
import { duration } from '../config/fields';

/** Tokens shorter than this are refused at load: a short bearer token can be guessed. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/**
 * The `admin:` section. With an empty token (the default) the admin API does not exist: its routes
 * answer 404 and `POST /-/reload` stays open, as before. With a token, every admin route and
 * `POST /-/reload` need `Authorization: Bearer <token>`.
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
    max_auth_failures: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(5)
      .describe('Failed authentications one client may make within auth_failure_window before it is refused with 429.'),
    auth_failure_window: duration('5m').describe('Window over which failed authentications are counted; a refused client may try again when it ends.'),
  })
  .strict();

export type AdminConfig = z.output<typeof adminConfigSchema>;
