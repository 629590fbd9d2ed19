import { ladderSettings, ProviderState } from '../ai/ladder-state';
import { resolveProviders } from '../ai/resolve-providers';
import { parseDurationMs } from '../lib/duration';
import { percentile, startBenchmark, worstCaseUsd, type BenchmarkPlan, type ProviderBenchmark } from './lib/benchmark';
import { ProgressBar } from './lib/progress';
import { EXIT_NO_PROVIDER, interruptSignal } from './lib/providers';
import { EXIT_USAGE, withRuntime } from './lib/runtime';
import { formatMs, formatTable, formatUsd } from './lib/table';
import { confirm, detectTerminal } from './lib/terminal';
import type { Command, CommandArgs } from './types';

/** Exit code when the worst-case cost is above the threshold and nobody confirmed it. */
export const EXIT_NOT_CONFIRMED = 3;
const DEFAULTS = { durationMs: 30_000, concurrent: 2, maxRequests: 100, confirmAboveUsd: 0.05 };

interface Options extends BenchmarkPlan {
  readonly confirmAboveUsd: number;
  readonly providers: ReadonlySet<string> | undefined;
}

/** `--duration 300` is seconds, as in the seed guide; `--duration 5m` works too. */
function parseOptions(flags: CommandArgs['flags']): Options | string {
  const text = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : flags[name] === true ? '' : undefined);
  const duration = text('duration');
  const durationMs = duration === undefined ? DEFAULTS.durationMs : /^\d+(\.\d+)?$/.test(duration) ? Number(duration) * 1000 : parseDurationMs(duration);
  const integer = (name: string, fallback: number, max: number): number | undefined => {
    const value = text(name);
    if (value === undefined) return fallback;
    const number = Number(value);
    return Number.isInteger(number) && number >= 1 && number <= max ? number : undefined;
  };
  const concurrent = integer('concurrent', DEFAULTS.concurrent, 64);
  const maxRequests = integer('max-requests', DEFAULTS.maxRequests, 100_000);
  const threshold = text('confirm-above');
  const confirmAboveUsd = threshold === undefined ? DEFAULTS.confirmAboveUsd : Number(threshold);
  if (durationMs === undefined || durationMs <= 0 || durationMs > 3_600_000) return '--duration must be seconds (e.g. 300) or a duration such as 5m, at most 1h';
  if (concurrent === undefined) return '--concurrent must be a whole number from 1 to 64';
  if (maxRequests === undefined) return '--max-requests must be a whole number of at least 1';
  if (!Number.isFinite(confirmAboveUsd) || confirmAboveUsd < 0 || threshold === '') return '--confirm-above must be an amount of USD such as 0.05';
  const only = text('provider');
  return { durationMs, concurrent, maxRequests, confirmAboveUsd, providers: only ? new Set(only.split(',').map((id) => id.trim())) : undefined };
}

function summarise(result: ProviderBenchmark) {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const failed = Object.values(result.errors).reduce((sum, count) => sum + count, 0);
  return {
    provider: result.provider,
    model: result.model,
    calls: result.calls,
    answered: result.answered,
    validated: result.validated,
    fake_ai: Object.values(result.fakes).reduce((sum, count) => sum + count, 0),
    fake_ai_by_reason: result.fakes,
    errors: failed,
    error_rate_percent: result.calls === 0 ? 0 : Math.round((failed / result.calls) * 1000) / 10,
    errors_by_reason: result.errors,
    latency_ms: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? null },
    tokens: result.tokens,
    cost_usd: Math.round(result.costUsd * 1e8) / 1e8,
    stopped_by: result.stoppedBy,
  };
}

export const benchmarkProvidersCommand: Command = {
  name: 'benchmark-providers',
  summary: 'Put bounded load on the configured AI providers and report latency percentiles, errors and cost.',
  usage: 'amas-exporter benchmark-providers [--duration S] [--concurrent N] [--provider ID[,ID]] [--max-requests N] [--confirm-above USD] [--yes] [--json] [--config PATH]',
  flags: [
    { name: 'duration', takesValue: true, description: 'how long to run: seconds (300) or a duration (5m); default 30, at most 1h' },
    { name: 'concurrent', takesValue: true, description: 'calls in flight per provider (default 2, at most 64)' },
    { name: 'provider', takesValue: true, description: 'only these providers (comma-separated ids); default every configured one' },
    { name: 'max-requests', takesValue: true, description: 'most calls per provider (default 100)' },
    { name: 'confirm-above', takesValue: true, description: 'ask before a run whose worst-case cost is above this many USD (default 0.05)' },
    { name: 'yes', takesValue: false, description: 'do not ask; without a terminal, needed to go above --confirm-above' },
    { name: 'json', takesValue: false, description: 'print the results as JSON (no progress bar)' },
    { name: 'verbose', takesValue: false, description: "write the exporter's debug log lines to stderr" },
  ],
  help: [
    'Each provider gets N concurrent workers sending the small validation prompt until the time is up,',
    'through the exporter\'s client, circuit breaker and daily budget (the config\'s limits; this run keeps',
    'its own count, separate from a running exporter\'s). A worker stops early when the next call could',
    'break the budget or the circuit opens.',
    '',
    'Every reply is judged by the fake-AI validators, as the exporter judges its validation calls.',
    'On a terminal a progress bar shows while it runs. Then, per provider: calls, replies validated,',
    'replies flagged as fake AI (by reason), error rate and errors by reason, latency p50/p95/p99,',
    'tokens and cost.',
    '',
    'Exit codes: 0 every call answered and validated, 1 some calls failed or replies were fake AI, 2 the config cannot be used, 3 the',
    'worst-case cost is above --confirm-above and was not confirmed, 64 wrong usage or no provider configured.',
  ].join('\n'),
  async run(args, io) {
    const options = parseOptions(args.flags);
    if (typeof options === 'string') {
      io.stderr(`amas-exporter benchmark-providers: ${options}\n`);
      return EXIT_USAGE;
    }
    return withRuntime(args, io, async (runtime) => {
      const resolved = resolveProviders(runtime.config.ai, process.env).filter((p) => p.configured && (!options.providers || options.providers.has(p.id)));
      const missing = [...(options.providers ?? [])].filter((id) => !resolved.some((p) => p.id === id));
      if (resolved.length === 0 || missing.length > 0) {
        io.stderr(`amas-exporter benchmark-providers: ${missing.length > 0 ? `not configured: ${missing.join(', ')}` : 'no AI provider is configured'}\n`);
        return EXIT_NO_PROVIDER;
      }
      for (const provider of resolved) runtime.secrets.add(provider.endpoint.apiKey ?? undefined);
      const states = resolved.map((provider) => new ProviderState(provider, ladderSettings(runtime.config.ai)));
      const worst = states.reduce((sum, state) => sum + worstCaseUsd(state, options), 0);
      const terminal = detectTerminal();
      const json = args.flags.json === true;
      const plan = `${states.length} provider${states.length === 1 ? '' : 's'} (${resolved.map((p) => p.id).join(', ')}) for ${options.durationMs / 1000} s, ${options.concurrent} concurrent calls each, at most ${options.maxRequests} calls each; worst-case cost ${formatUsd(worst)}`;
      const intro = `Benchmarking ${plan}\n`;
      if (json) io.stderr(intro);
      else io.stdout(intro);
      if (worst > options.confirmAboveUsd && args.flags.yes !== true) {
        const question = `This may spend up to ${formatUsd(worst)}, above --confirm-above ${formatUsd(options.confirmAboveUsd)}. Go on?`;
        if (!terminal.canAsk) {
          io.stderr(`amas-exporter benchmark-providers: refusing: the run may spend up to ${formatUsd(worst)}, above --confirm-above ${formatUsd(options.confirmAboveUsd)}; pass --yes to allow it\n`);
          return EXIT_NOT_CONFIRMED;
        }
        if (!(await confirm(question))) {
          io.stderr('Not confirmed; nothing was sent.\n');
          return EXIT_NOT_CONFIRMED;
        }
      }
      const interrupt = interruptSignal();
      const running = startBenchmark(states, options, interrupt.signal);
      const bar = terminal.interactive && !json ? new ProgressBar((text) => io.stdout(text), terminal.columns) : undefined;
      bar?.start(() => {
        const elapsed = Date.now() - running.startedAt;
        const calls = running.results.reduce((sum, r) => sum + r.calls, 0);
        const errors = running.results.reduce((sum, r) => sum + Object.values(r.errors).reduce((a, b) => a + b, 0), 0);
        const capped = running.results.every((r) => r.stoppedBy !== null || r.calls >= options.maxRequests);
        return { fraction: capped ? 1 : Math.min(1, elapsed / options.durationMs), text: `${Math.round(elapsed / 1000)}/${options.durationMs / 1000} s  calls ${calls}  errors ${errors}` };
      });
      try {
        await running.done;
      } finally {
        bar?.stop();
        interrupt.dispose();
      }
      const rows = running.results.map(summarise);
      const failed = rows.some((row) => row.errors > 0 || row.fake_ai > 0);
      if (json) {
        io.stdout(`${JSON.stringify(runtime.secrets.redactValue({ duration_seconds: options.durationMs / 1000, concurrent: options.concurrent, providers: rows }), null, 2)}\n`);
        return failed ? 1 : 0;
      }
      const table = formatTable(
        ['PROVIDER', 'CALLS', 'VALIDATED', 'FAKE', 'ERRORS', 'ERROR %', 'P50', 'P95', 'P99', 'TOKENS', 'COST'].map((heading) => ({ heading, right: heading !== 'PROVIDER' })),
        rows.map((row) => [row.provider, String(row.calls), String(row.validated), String(row.fake_ai), String(row.errors), `${row.error_rate_percent}%`, formatMs(row.latency_ms.p50), formatMs(row.latency_ms.p95), formatMs(row.latency_ms.p99), String(row.tokens), formatUsd(row.cost_usd)]),
      );
      const notes = rows.flatMap((row) => [
        ...(row.fake_ai > 0 ? [`${row.provider}: FAKE AI in ${row.fake_ai} of ${row.answered} replies: ${Object.entries(row.fake_ai_by_reason).map(([reason, count]) => `${reason} ${count}`).join(', ')}`] : []),
        ...(row.errors > 0 ? [`${row.provider}: errors ${Object.entries(row.errors_by_reason).map(([reason, count]) => `${reason} ${count}`).join(', ')}`] : []),
        ...(row.stopped_by ? [`${row.provider}: stopped early: ${row.stopped_by}`] : []),
      ]);
      const total = rows.reduce((sum, row) => sum + row.cost_usd, 0);
      io.stdout(runtime.secrets.redact(`\n${table}${notes.length > 0 ? `\n${notes.join('\n')}\n` : ''}\nTotal cost ${formatUsd(total)}\n`));
      return failed ? 1 : 0;
    });
  },
};
