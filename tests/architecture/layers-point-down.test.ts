import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The lower layers (config, probes, scheduler, metrics, lib) never import from the upper ones; the
 * composition root (modules/, runtime/) assembles what they provide. Checked on every import of
 * every source file, so a shortcut shows up as a failing test, not in review.
 */
const SRC = path.join(__dirname, '..', '..', 'src');
const LOWER = ['config', 'probes', 'scheduler', 'metrics', 'lib'];
const UPPER = ['ai', 'logs', 'server', 'modules', 'runtime', 'cli', 'cluster', 'audit', 'report', 'simulator'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)|require\('([^']+)'\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3] ?? '').filter((target) => target.startsWith('.'));
}

const layerOf = (file: string): string => path.relative(SRC, file).split(path.sep)[0] ?? '';

describe('layers point down', () => {
  it('finds the source tree', () => {
    expect(sourceFiles(SRC).length).toBeGreaterThan(100);
  });

  it.each(LOWER)('src/%s imports nothing from the layers above it', (layer) => {
    const offences = sourceFiles(path.join(SRC, layer)).flatMap((file) =>
      importsOf(file)
        .map((target) => path.resolve(path.dirname(file), target))
        .filter((resolved) => UPPER.includes(layerOf(resolved)))
        .map((resolved) => `${path.relative(SRC, file)} -> ${path.relative(SRC, resolved)}`),
    );
    expect(offences).toEqual([]);
  });
});
