import { expandPattern } from '../logs/glob';
import { listRotationFamily, type RotationMember } from '../logs/rotation-family';

/** One file to read: a member of a source's rotation family. */
export interface AuditFile extends RotationMember {
  readonly source: string;
}

/** How a member is read: as text, gunzipped, or not at all (a compression we do not decode). */
export function memberEncoding(file: Pick<RotationMember, 'path' | 'compressed'>): 'text' | 'gzip' | 'unsupported' {
  if (!file.compressed) return 'text';
  return file.path.endsWith('.gz') ? 'gzip' : 'unsupported';
}

/**
 * Every file of every source, rotated and compressed members included: the source path (or each
 * match of its wildcard) with its rotation family, oldest member first. A path reached twice
 * (a wildcard that also matches rotated names) is read once.
 */
export async function auditFiles(sources: readonly { readonly name: string; readonly path: string }[]): Promise<AuditFile[]> {
  const seen = new Set<string>();
  const files: AuditFile[] = [];
  for (const source of sources) {
    for (const base of await expandPattern(source.path)) {
      for (const member of await listRotationFamily(base)) {
        if (seen.has(member.path)) continue;
        seen.add(member.path);
        files.push({ ...member, source: source.name });
      }
    }
  }
  return files;
}
