#!/usr/bin/env node
// Builds dist/ with `tsc -p tsconfig.build.json` unless it is fresh: dist/main.js exists and is newer
// than every file under src/ and both tsconfig files. `npm start`, `npm run demo` and `prepare`
// (which `npm ci` runs, so `npx amas-exporter` works from a clone) call it; `npm run build` always
// builds. Pass --quiet to print nothing when the build is fresh.
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const output = path.join(root, 'dist', 'main.js');

/** The newest modification time (ms) of `file`, or of any file below it when it is a folder. */
function newest(file) {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted or renamed source changes its folder's time
  for (const entry of readdirSync(file)) latest = Math.max(latest, newest(path.join(file, entry)));
  return latest;
}

const built = statSync(output, { throwIfNoEntry: false });
const inputs = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'tsconfig.json')), newest(path.join(root, 'tsconfig.build.json')));
if (built && built.mtimeMs >= inputs) {
  if (!process.argv.includes('--quiet')) process.stderr.write('build: dist/ is up to date with src/, not rebuilding\n');
  process.exit(0);
}
process.stderr.write(built ? 'build: src/ changed since the last build, building dist/\n' : 'build: no dist/main.js yet, building dist/\n');
const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
