import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** True when the path's last part holds a wildcard (* or ?); directories are always literal. */
export function isGlob(pattern: string): boolean {
  return /[*?]/.test(path.basename(pattern));
}

function basenameRegExp(pattern: string): RegExp {
  const source = [...pattern].map((char) => (char === '*' ? '[^/]*' : char === '?' ? '[^/]' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`);
}

/**
 * The files a source path names now: the path itself, or the matches of a wildcard in its last
 * part (hidden files only when the pattern starts with a dot), sorted. A missing directory gives
 * none: the source waits for it.
 */
export async function expandPattern(pattern: string): Promise<string[]> {
  if (!isGlob(pattern)) return [pattern];
  const directory = path.dirname(pattern);
  const base = path.basename(pattern);
  const matcher = basenameRegExp(base);
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  return names
    .filter((name) => matcher.test(name) && (base.startsWith('.') || !name.startsWith('.')))
    .sort()
    .map((name) => path.join(directory, name));
}
