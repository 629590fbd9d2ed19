import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { mappingSetSchema, type MappingConfig } from './config-schema';

/** The built-in mapping files, one per `format`, shipped in config/log-mappings/. */
export const MAPPING_SET_DIR = path.resolve(__dirname, '..', '..', 'config', 'log-mappings');

const loaded = new Map<string, readonly MappingConfig[]>();

/**
 * The mappings of a built-in format ("none" has none). The files are data like any mapping a user
 * writes, checked by the same schema; a broken one is a packaging bug and fails the load.
 */
export function builtInMappings(format: string, directory = MAPPING_SET_DIR): readonly MappingConfig[] {
  if (format === 'none') return [];
  const file = path.join(directory, `${format}.yaml`);
  const cached = loaded.get(file);
  if (cached) return cached;
  const parsed = mappingSetSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  loaded.set(file, parsed.data.mappings);
  return parsed.data.mappings;
}
