import { describeError } from '../probes/classify-error';

/** OpenSSL's `8036...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/...` → `wrong version number`. */
const OPENSSL_NOISE = /\b[0-9A-F]{8,}:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):\S*/g;

function firstCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A network error as one short readable line, with its code (`ERR_SSL_WRONG_VERSION_NUMBER`, `ECONNREFUSED`). */
export function networkDetail(error: unknown): string {
  const text = describeError(error).replace(OPENSSL_NOISE, '$1');
  const code = firstCode(error);
  return code !== undefined && !text.includes(code) ? `${text} (${code})` : text;
}
