import { skippedLines, type ReadStats } from '../../audit/reader';

/** The read counts as JSON: what was read, what was skipped and why. */
export function statsJson(stats: ReadStats) {
  return {
    files: stats.files,
    compressed_files: stats.compressed,
    lines: stats.lines,
    skipped: { total: skippedLines(stats), invalid_json: stats.invalidJson, too_long: stats.tooLong, no_timestamp: stats.noTimestamp, empty: stats.empty },
    unreadable_files: stats.unreadable,
    unsupported_files: stats.unsupported,
  };
}

/** The read counts as text lines for stderr. */
export function statsText(stats: ReadStats): string {
  const lines = [
    `files: ${stats.files} (${stats.compressed} compressed); lines read: ${stats.lines}`,
    `skipped lines: ${skippedLines(stats)} (invalid JSON ${stats.invalidJson}, too long ${stats.tooLong}, no timestamp ${stats.noTimestamp})`,
  ];
  for (const problem of stats.unreadable) lines.push(`not read to the end: ${problem.path}: ${problem.error}`);
  for (const file of stats.unsupported) lines.push(`not read (only gzip is decompressed): ${file}`);
  return `${lines.join('\n')}\n`;
}
