import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * One file of a log's rotation family, as named in its directory now.
 * - live: the base path itself (index 0);
 * - numbered: `name.N` or `name.N.gz` (Python RotatingFileHandler, logrotate without dateext); index N;
 * - dated: `name-YYYYMMDD[HH[MM[SS]]]` (logrotate dateext) or `name.YYYY-MM-DD[_HH[-MM[-SS]]]`
 *   (Python TimedRotatingFileHandler), optionally compressed; index = the date digits as a number.
 * compressed: the name ends in a compression suffix; such a member is never read as text.
 */
export type RotationMember = {
  path: string;
  kind: 'live' | 'numbered' | 'dated';
  index: number;
  compressed: boolean;
};

/** Names of compressed files (gzip, bzip2, xz, zstd, lz4, compress, zip). */
export const COMPRESSED_SUFFIX = /\.(gz|bz2|xz|zst|lz4|Z|zip)$/;
const NUMBERED = /^\.([1-9][0-9]{0,5})$/;
const DATED_DASH = /^-([0-9]{8}(?:[0-9]{2}){0,3})$/;
const DATED_PYTHON = /^\.([0-9]{4})-([0-9]{2})-([0-9]{2})(?:_([0-9]{2})(?:-([0-9]{2})(?:-([0-9]{2}))?)?)?$/;

/** Classifies `name` against the family of `base`; undefined when it is not a member. */
export function classifyMember(base: string, name: string): Omit<RotationMember, 'path'> | undefined {
  if (name === base) return { kind: 'live', index: 0, compressed: false };
  if (!name.startsWith(base)) return undefined;
  const compressed = COMPRESSED_SUFFIX.test(name);
  const rest = name.slice(base.length).replace(COMPRESSED_SUFFIX, '');
  const numbered = NUMBERED.exec(rest);
  if (numbered) return { kind: 'numbered', index: Number(numbered[1]), compressed };
  const dashed = DATED_DASH.exec(rest);
  if (dashed) return { kind: 'dated', index: Number(dashed[1]), compressed };
  const python = DATED_PYTHON.exec(rest);
  if (python) return { kind: 'dated', index: Number(python.slice(1).filter((part) => part !== undefined).join('')), compressed };
  return undefined;
}

/** Sort key: dated (oldest first), then numbered (highest first), then live. */
function orderKey(member: RotationMember): [number, string] {
  if (member.kind === 'dated') return [0, String(member.index).padEnd(14, '0')];
  if (member.kind === 'numbered') return [1, String(1_000_000 - member.index).padStart(7, '0')];
  return [2, ''];
}

export function compareMembers(a: RotationMember, b: RotationMember): number {
  const [ka, sa] = orderKey(a);
  const [kb, sb] = orderKey(b);
  if (ka !== kb) return ka - kb;
  if (sa !== sb) return sa < sb ? -1 : 1;
  // Same slot: the plain member before its compressed twin (mid-compression both exist).
  return Number(b.compressed) - Number(a.compressed) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/**
 * The members of basePath's rotation family that exist now, oldest first (highest number / oldest
 * date first, live last). A missing directory gives []; a missing live file is simply absent.
 */
export async function listRotationFamily(basePath: string): Promise<RotationMember[]> {
  const directory = path.dirname(basePath);
  const base = path.basename(basePath);
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const members: RotationMember[] = [];
  for (const name of names) {
    const member = classifyMember(base, name);
    if (member) members.push({ path: path.join(directory, name), ...member });
  }
  return members.sort(compareMembers);
}
