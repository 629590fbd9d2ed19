import winston from 'winston';
import type { SecretStore } from './redact';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type Logger = winston.Logger;

/**
 * JSON lines with `timestamp`, `level`, `message` and context fields (`component`, `probe`,
 * `correlation_id`). Every field passes through the secret store last, at every level, so no
 * code path can log a key by accident.
 */
export function createLogger(options: { level: LogLevel; secrets: SecretStore; stream?: NodeJS.WritableStream }): Logger {
  const redact = winston.format((info) => {
    for (const key of Object.keys(info)) {
      info[key] = options.secrets.redactValue(info[key]);
    }
    return info;
  });
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console({ stderrLevels: [] });
  return winston.createLogger({
    level: options.level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: false }), redact(), winston.format.json()),
    transports: [transport],
  });
}
