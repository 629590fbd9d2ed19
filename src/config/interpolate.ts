/** `${VAR}`, `${VAR:-default}`; `$$` is a literal dollar sign. */
const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Variable names whose values are secrets; anything substituted from them is redacted everywhere. */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)/i;

export interface Interpolation {
  readonly value: string;
  /** Variables that were referenced, had no default and are not set. */
  readonly missing: readonly string[];
  /** Substituted values that count as secrets. */
  readonly secrets: readonly string[];
}

export function interpolate(text: string, env: NodeJS.ProcessEnv): Interpolation {
  const missing: string[] = [];
  const secrets: string[] = [];
  const value = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$$') return '$';
    const found = env[name as string];
    if (found === undefined || (found === '' && fallback !== undefined)) {
      if (fallback === undefined) missing.push(name as string);
      return fallback ?? '';
    }
    if (SECRET_NAME.test(name as string)) secrets.push(found);
    return found;
  });
  return { value, missing, secrets };
}
