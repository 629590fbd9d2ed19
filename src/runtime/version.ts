import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The package version, read once from package.json next to src/ or dist/. */
export const VERSION: string = (() => {
  for (const candidate of [path.join(__dirname, '..', '..', 'package.json'), path.join(__dirname, '..', 'package.json')]) {
    try {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'amas-exporter' && parsed.version) return parsed.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
})();
