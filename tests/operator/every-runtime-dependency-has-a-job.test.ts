import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A declared runtime dependency is installed in every image and audited on every release: each
 * one must be imported by the shipped code, and docs/architecture.md says what it is for.
 */
const ROOT = path.resolve(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('runtime dependencies', () => {
  const declared = Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  const code = sources(path.join(ROOT, 'src')).map((file) => ({ file: path.relative(ROOT, file), text: readFileSync(file, 'utf8') }));
  const importers = (name: string): string[] => {
    const imported = new RegExp(`(from|import|require\\()\\s*['"]${escape(name)}(/[^'"]*)?['"]`);
    return code.filter(({ text }) => imported.test(text)).map(({ file }) => file);
  };

  it('each one is imported by src/', () => {
    expect(declared.length).toBeGreaterThan(5);
    expect(declared.filter((name) => importers(name).length === 0)).toEqual([]);
  });

  it('node-cron fires the cron schedules of paid-rung slots, and no HTTP client library is declared', () => {
    expect(importers('node-cron')).toEqual(['src/cluster/slot-schedule.ts']);
    // Outbound HTTP goes through the exchange worker on Node's own http/https (docs/architecture.md).
    expect(declared.filter((name) => ['axios', 'got', 'node-fetch', 'undici', 'superagent'].includes(name))).toEqual([]);
  });

  it('docs/architecture.md names the job of each', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Dependencies'));
    expect(section.startsWith('## Dependencies')).toBe(true);
    expect(declared.filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
  });
});
