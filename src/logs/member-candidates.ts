import path from 'node:path';
import { expandPattern } from './glob';
import { COMPRESSED_SUFFIX, listRotationFamily } from './rotation-family';

/** How a source's path names its files: the path (or glob) and its rotation families, or only the path. */
export type FollowMode = 'family' | 'file';

/**
 * The readable files a source follows now, live files first. In `family` mode each file the path
 * names brings its rotated siblings (name.N, name-YYYYMMDD); in both modes compressed files are left
 * out, because they hold bytes already read as text (or lost), never new lines.
 */
export async function memberCandidates(pattern: string, follow: FollowMode): Promise<{ path: string; live: boolean }[]> {
  const named = (await expandPattern(pattern)).filter((file) => !COMPRESSED_SUFFIX.test(path.basename(file)));
  if (follow === 'file') return named.map((file) => ({ path: file, live: true }));
  const rotated = new Set<string>();
  for (const file of named) {
    for (const member of await listRotationFamily(file)) if (!member.compressed && member.kind !== 'live') rotated.add(member.path);
  }
  // A glob such as audit.log* names rotated files too: they are members, not live files.
  const live = named.filter((file) => !rotated.has(file));
  return [...live.map((file) => ({ path: file, live: true })), ...[...rotated].filter((file) => !live.includes(file)).map((file) => ({ path: file, live: false }))];
}
