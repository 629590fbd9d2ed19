import { z } from 'zod';

/**
 * The JSON Schema editors use for config/exporter.yaml, generated from the zod schema (the single
 * source of truth) in its input form: what may be written, with defaults shown.
 */
export function configJsonSchema(configSchema: z.ZodType): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://amas-exporter.local/config/exporter.schema.json',
    title: 'amas-exporter configuration',
    description: 'config/exporter.yaml; ${ENV_VAR} and ${ENV_VAR:-default} are expanded and every <key>_file is read into <key> before validation.',
  };
}

export const renderConfigJsonSchema = (configSchema: z.ZodType): string => `${JSON.stringify(configJsonSchema(configSchema), null, 2)}\n`;
