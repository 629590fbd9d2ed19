#!/usr/bin/env node
// `npm run demo`: the provider simulator (one simulated twin per catalogue provider, a few of them
// fake or flaky) and the exporter with config/demo.yaml pointed at it, until Ctrl-C.
// Runs the built code: `npm run demo` builds first.
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const root = path.join(__dirname, '..');
const { CATALOGUE } = require(path.join(root, 'dist', 'ai', 'catalogue.js'));
const { demoKey } = require(path.join(root, 'dist', 'simulator', 'demo-set.js'));

const simPort = process.env.AMAS_DEMO_SIMULATOR_PORT || '18080';
/** Another config (a copy of config/demo.yaml on another port, say) can be given as AMAS_DEMO_CONFIG. */
const configPath = process.env.AMAS_DEMO_CONFIG || path.join(root, 'config', 'demo.yaml');
const children = [];

function stop(code) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));

const sim = spawn(process.execPath, [path.join(root, 'dist', 'simulator', 'main.js'), '--port', simPort, '--providers', 'demo'], { stdio: ['ignore', 'pipe', 'inherit'] });
children.push(sim);
sim.once('exit', (code) => {
  process.stderr.write(`demo: the simulator exited (${code})\n`);
  stop(1);
});

readline.createInterface({ input: sim.stdout }).once('line', (line) => {
  let ready;
  try {
    ready = JSON.parse(line);
  } catch {
    process.stderr.write(`demo: unexpected simulator output: ${line}\n`);
    return stop(1);
  }
  // Each catalogue provider's first key variable holds its demo key; nothing from the real environment leaks in.
  const keys = Object.fromEntries(CATALOGUE.filter((entry) => entry.key_env.length > 0).map((entry) => [entry.key_env[0], demoKey(entry.id)]));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...keys, AMAS_DEMO_SIMULATOR: ready.origin };
  const exporter = spawn(process.execPath, [path.join(root, 'dist', 'main.js'), 'serve', '--config', configPath], { stdio: 'inherit', env });
  children.push(exporter);
  exporter.once('exit', (code) => stop(code ?? 1));
  const base = 'http://127.0.0.1:8001';
  process.stderr.write(
    `demo: simulator at ${ready.origin} with ${ready.providers.length} providers; exporter at ${base}\n` +
      `demo: try  curl -s ${base}/metrics/ai-providers | grep amas_provider_health\n` +
      `demo:      curl -s ${base}/health | jq .ai_providers\n` +
      `demo: Ctrl-C stops both.\n`,
  );
});
