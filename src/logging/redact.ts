export const REDACTED = '[REDACTED]';

/** Shorter values are not tracked: redacting "on" or "1" everywhere would garble every line. */
const MIN_SECRET_LENGTH = 4;

/**
 * `scheme://user:password@`: the password runs to the LAST `@` of the word, so a password holding
 * `@`, `/` or `:` (written unencoded) is removed whole; over-redacting a path is the safe mistake.
 */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s"'<>]*:)([^\s"'<>]*)@/gi;
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g;
const KEY_PARAM = /\b((?:api[_-]?key|key|token|access_token|password|secret)=)[^&\s"']+/gi;

/**
 * The set of secret values the exporter knows (from ${ENV} references with secret-looking names,
 * *_file contents and provider keys), and the function that scrubs them from any text.
 */
export class SecretStore {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  add(value: string | undefined): void {
    if (!value) return;
    for (const candidate of [value, value.trim()]) {
      if (candidate.length >= MIN_SECRET_LENGTH && !this.values.has(candidate)) {
        this.values.add(candidate);
        this.pattern = undefined;
      }
    }
  }

  replaceAll(values: Iterable<string>): void {
    this.values.clear();
    this.pattern = undefined;
    for (const value of values) this.add(value);
  }

  get size(): number {
    return this.values.size;
  }

  /** Removes every known secret, URL passwords, bearer/basic credentials and key=value parameters. */
  redact(text: string): string {
    let result = text;
    if (this.values.size > 0) {
      this.pattern ??= new RegExp(
        [...this.values].sort((a, b) => b.length - a.length).map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
        'g',
      );
      result = result.replace(this.pattern, REDACTED);
    }
    return result.replace(URL_PASSWORD, `$1${REDACTED}@`).replace(AUTH_HEADER, `$1 ${REDACTED}`).replace(KEY_PARAM, `$1${REDACTED}`);
  }

  /** Deep copy of a JSON-like value with every string redacted. */
  redactValue<T>(value: T, depth = 0): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, depth + 1)) as T;
    if (value instanceof Error) return this.redact(value.message) as T;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = /^(authorization|x-api-key|x-goog-api-key|api[_-]?key|password|token|secret)$/i.test(key) ? REDACTED : this.redactValue(item, depth + 1);
    }
    return copy as T;
  }
}
