/**
 * Whether the model a provider says answered is the model that was asked for. Providers answer
 * with a dated or versioned name of the same model (gpt-4o → gpt-4o-2024-08-06,
 * claude-3-5-sonnet-latest → claude-3-5-sonnet-20241022, models/gemini-2.0-flash →
 * gemini-2.0-flash-001, command-a → command-a-03-2025), so both names are reduced to their base
 * before comparing. Only version-like suffixes are dropped: gpt-4o and gpt-4o-mini stay different.
 */

/** Trailing parts that name a version or snapshot of the same model, never a different model. */
const VERSION_SUFFIXES: readonly RegExp[] = [
  /[-@](\d{4}-\d{2}-\d{2})$/, // -2024-08-06
  /[-@](\d{8})$/, // -20241022, @20241022
  /-(\d{2}-\d{4})$/, // -08-2024 (Cohere)
  /-(\d{3,4})$/, // -001, -0613, -2507
  /-(latest|preview|exp|experimental|stable)$/,
  /:(latest|free|beta|extended|nitro|floor)$/, // Ollama tags, OpenRouter variants
];

/** Lower case, no `models/` prefix, no version suffixes. */
export function baseModelName(name: string): string {
  let base = name.trim().toLowerCase().replace(/^models\//, '');
  for (let guard = 0; guard < 8; guard += 1) {
    const next = VERSION_SUFFIXES.reduce((text, suffix) => text.replace(suffix, ''), base);
    if (next === base) break;
    base = next;
  }
  return base;
}

const lastSegment = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

/** True when `answered` names the same model as `asked`, allowing versions, snapshots and an org prefix. */
export function sameModel(asked: string, answered: string): boolean {
  const a = baseModelName(asked);
  const b = baseModelName(answered);
  if (!a || !b) return false;
  if (a === b) return true;
  // One side may carry an organisation prefix the other leaves out (meta/llama-3.1-70b-instruct).
  return (a.includes('/') || b.includes('/')) && lastSegment(a) === lastSegment(b);
}

/** True when the model list holds the model (or a versioned name of it). */
export function modelListed(models: readonly string[], model: string): boolean {
  return models.some((listed) => sameModel(model, listed));
}
