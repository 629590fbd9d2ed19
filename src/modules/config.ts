import { renderConfigJsonSchema as renderJsonSchemaOf } from '../config/json-schema';
import { loadConfigFileWith, parseConfigWith, type LoadedConfig as LoadedConfigOf, type LoadOptions } from '../config/load';
import { configSchema, type ExporterConfig } from './config-schema';

export { MAX_CONFIG_BYTES } from '../config/load';
export type { LoadOptions } from '../config/load';

/** A config file read, interpolated and checked against the root schema. */
export type LoadedConfig = LoadedConfigOf<ExporterConfig>;

/** Parses, interpolates and validates config text against the root schema; throws ConfigError listing every problem. */
export const parseConfig = (text: string, file: string, options: LoadOptions = {}): LoadedConfig => parseConfigWith(configSchema, text, file, options);

/** Reads and checks a config file; a file that cannot be read is a ConfigError of kind `unreadable`. */
export const loadConfigFile = (file: string, options: LoadOptions = {}): LoadedConfig => loadConfigFileWith(configSchema, file, options);

/** The JSON Schema of the root config, for editors (config/exporter.schema.json). */
export const renderConfigJsonSchema = (): string => renderJsonSchemaOf(configSchema);
