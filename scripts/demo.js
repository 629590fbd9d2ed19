#!/usr/bin/env node
// `npm run demo`: the provider simulator (one simulated twin per catalogue provider, a few of them
// fake or flaky), a stand-in AMAS (its /health and an audit log with logins, errors, rate limits
// and security violations) and the exporter with config/demo.yaml pointed at both, until Ctrl-C.
// Runs the built code: `npm run demo` builds first.
//
//   node scripts/demo.js [--port 8001] [--simulator-port 18080] [--amas-port 18000]
//
// A port of 0 picks a free one; the banner prints the ports actually in use.
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const net = require('node:net');
const readline = require('node:readline');
const YAML = require('yaml');

const root = path.join(__dirname, '..');
const { CATALOGUE } = require(path.join(root, 'dist', 'ai', 'catalogue.js'));
const { demoKey } = require(path.join(root, 'dist', 'simulator', 'demo-set.js'));
const { startAmasStandin } = require(path.join(root, 'dist', 'simulator', 'amas-standin.js'));

const USAGE = 'usage: node scripts/demo.js [--port 8001] [--simulator-port 18080] [--amas-port 18000]';

/** The three ports from the command line (or the environment), each a number 0-65535. */
function parsePorts(args) {
  const ports = { port: process.env.AMAS_DEMO_PORT || '8001', 'simulator-port': process.env.AMAS_DEMO_SIMULATOR_PORT || '18080', 'amas-port': process.env.AMAS_DEMO_AMAS_PORT || '18000' };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const [flag, inline] = arg.startsWith('--') ? arg.slice(2).split('=', 2) : [];
    if (!flag || !(flag in ports)) {
      process.stderr.write(`demo: unknown argument ${arg}\n${USAGE}\n`);
      process.exit(64);
    }
    const value = inline ?? args[(index += 1)];
    if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) {
      process.stderr.write(`demo: --${flag} needs a port number (0 picks a free one)\n${USAGE}\n`);
      process.exit(64);
    }
    ports[flag] = value;
  }
  return { exporter: Number(ports.port), simulator: Number(ports['simulator-port']), amas: Number(ports['amas-port']) };
}

const ports = parsePorts(process.argv.slice(2));
/** Another config (a copy of config/demo.yaml, say) can be given as AMAS_DEMO_CONFIG. */
const configPath = process.env.AMAS_DEMO_CONFIG || path.join(root, 'config', 'demo.yaml');
const logDir = mkdtempSync(path.join(tmpdir(), 'amas-demo-'));
const children = [];
let amas;

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.resolve(amas && amas.close())
    .catch(() => undefined)
    .then(() => {
      rmSync(logDir, { recursive: true, force: true });
      setTimeout(() => process.exit(code), 300).unref();
    });
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));

/** Echoes `stream` line by line and resolves the value of the first line `pick` accepts (bounded wait). */
function firstLine(stream, pick, what, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: stream });
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
    lines.on('line', (text) => {
      process.stdout.write(`${text}\n`);
      let value;
      try {
        value = pick(JSON.parse(text));
      } catch {
        value = undefined;
      }
      if (value !== undefined) {
        clearTimeout(timer);
        resolve(value);
      }
    });
  });
}

/** A port nothing listens on now (the kernel's pick for port 0 on 127.0.0.1). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `url` answers 200; rejects after `timeoutMs` (the exporter failed to start). */
async function answering(url, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (!stopping) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((response) => response.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms (${url})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`stopped before ${what}`);
}

async function main() {
  const sim = spawn(process.execPath, [path.join(root, 'dist', 'simulator', 'main.js'), '--port', String(ports.simulator), '--providers', 'demo'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(sim);
  sim.once('exit', (code) => {
    if (!stopping) process.stderr.write(`demo: the simulator exited (${code})\n`);
    stop(1);
  });
  const ready = await firstLine(sim.stdout, (event) => (event.event === 'simulator_ready' ? event : undefined), 'simulator start');
  amas = await startAmasStandin({ port: ports.amas, logFile: path.join(logDir, 'audit.log') });

  // Each catalogue provider's first key variable holds its demo key; nothing from the real environment leaks in.
  const keys = Object.fromEntries(CATALOGUE.filter((entry) => entry.key_env.length > 0).map((entry) => [entry.key_env[0], demoKey(entry.id)]));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...keys, AMAS_DEMO_SIMULATOR: ready.origin, AMAS_DEMO_AMAS: amas.url, AMAS_DEMO_LOG_DIR: logDir };
  if (process.env.AMAS_EXPORTER_LOG_LEVEL) env.AMAS_EXPORTER_LOG_LEVEL = process.env.AMAS_EXPORTER_LOG_LEVEL;
  // The exporter runs a copy of the config with listen.port from --port (a number: a value taken
  // from the environment would stay a string); comments and ${...} references are kept.
  const config = YAML.parseDocument(readFileSync(configPath, 'utf8'));
  // Port 0: pick a free one here, so the banner does not depend on the exporter's log level.
  const port = ports.exporter || (await freePort());
  config.setIn(['listen', 'port'], port);
  const runConfig = path.join(logDir, 'exporter.yaml');
  writeFileSync(runConfig, String(config));
  const exporter = spawn(process.execPath, [path.join(root, 'dist', 'main.js'), 'serve', '--config', runConfig], { stdio: ['ignore', 'inherit', 'inherit'], env });
  children.push(exporter);
  exporter.once('exit', (code) => {
    if (!stopping) process.stderr.write(`demo: the exporter exited (${code})\n`);
    stop(code || 1);
  });
  const address = String(config.getIn(['listen', 'address']) ?? '0.0.0.0');
  const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
  const base = `http://${host}:${port}`;
  await answering(`${base}/livez`, 'exporter start');
  process.stderr.write(
    `demo: exporter at ${base} (status page ${base}/), simulator at ${ready.origin} with ${ready.providers.length} providers, stand-in AMAS at ${amas.url} writing ${amas.logFile}\n` +
      `demo: ready ${JSON.stringify({ exporter: base, exporter_port: port, simulator: ready.origin, amas: amas.url, audit_log: amas.logFile })}\n` +
      `demo: try  curl -s ${base}/metrics/ai-providers | grep amas_provider_health\n` +
      `demo:      curl -s ${base}/health | jq .security\n` +
      `demo: Ctrl-C stops everything.\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`demo: ${error && error.message ? error.message : String(error)}\n`);
  stop(1);
});
