import { percentile } from './lib/benchmark';
import { ProgressBar } from './lib/progress';
import { interruptSignal } from './lib/providers';
import { EXIT_USAGE } from './lib/runtime';
import { formatMs, formatTable } from './lib/table';
import { detectTerminal, verdict } from './lib/terminal';
import { awaitCounters, expectedCounters, readCounters, type Comparison } from './lib/test-load-compare';
import { DEFAULT_PATHS, LIMITS, LOGIN_PATH, parsePlan, type LoadPlan } from './lib/test-load-plan';
import { startLoad, type LoadResult } from './lib/test-load-run';
import { EXIT } from './exit-codes';
import type { Command } from './types';

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
const sum = (values: Iterable<number>): number => [...values].reduce((total, value) => total + value, 0);

function summary(plan: LoadPlan, result: LoadResult, comparison: Comparison | undefined, waitedMs: number, problem: string | undefined) {
  const logins = sum([...result.answered].filter(([key]) => key.startsWith(`POST ${LOGIN_PATH} `)).map(([, count]) => count));
  const answered = sum(result.answered.values());
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const round = (ms: number | null): number | null => (ms === null ? null : Math.round(ms * 10) / 10);
  const rows = comparison?.rows ?? [];
  return {
    target: plan.target,
    exporter_url: plan.exporterUrl,
    duration_seconds: Math.round((result.endedAt - result.startedAt) / 100) / 10,
    rate: plan.rate,
    planned: result.planned,
    sent: result.sent,
    skipped: result.skipped,
    answered,
    logins_answered: logins,
    answers: Object.fromEntries([...result.answered].sort(([a], [b]) => a.localeCompare(b))),
    not_answered: Object.fromEntries(result.notAnswered),
    latency_ms: { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted[sorted.length - 1] ?? null) },
    stopped_by: result.stoppedBy,
    comparison: rows,
    counted: sum(rows.filter((row) => row.metric === 'amas_http_requests_total').map((row) => Math.min(row.counted, row.sent))),
    waited_seconds: Math.round(waitedMs / 100) / 10,
    kept_up: problem === undefined && comparison?.keptUp === true,
    problem: problem ?? null,
  };
}

type Summary = ReturnType<typeof summary>;

function verdictLine(report: Summary, settleMs: number): string {
  if (report.problem) return `Cannot tell whether the pipeline kept up: ${report.problem}.`;
  if (report.kept_up) {
    const when = report.waited_seconds < 1 ? 'by the time the load ended' : `${report.waited_seconds} s after the load ended`;
    const other = report.comparison.some((row) => row.counted > row.sent) ? '\nSeries counted above what was sent had other traffic too.' : '';
    return `The pipeline kept up: the exporter had counted every answered request ${when}.${other}`;
  }
  const short = report.comparison.filter((row) => row.counted < row.sent).length;
  return [
    `The pipeline fell behind: ${settleMs / 1000} s after the load ended the exporter had counted ${report.counted} of ${report.answered} answered requests (${short} series short).`,
    'Check that the exporter tails the file AMAS writes (logs.sources; amas_exporter_log_lines_total should grow),',
    "that AMAS flushed its audit buffer (AUDIT_BUFFER_SIZE, a 30 s flush: raise --settle), and the exporter's log for read errors.",
  ].join('\n');
}

function printText(report: Summary, settleMs: number, io: Parameters<Command['run']>[1]): void {
  const terminal = detectTerminal();
  const notAnswered = Object.entries(report.not_answered).map(([reason, count]) => `${reason} ${count}`).join(', ');
  io.stdout(
    `Sent ${report.sent} of ${report.planned} requests to ${report.target} in ${report.duration_seconds} s: ${plural(report.answered - report.logins_answered, 'GET')} answered, ${plural(report.logins_answered, 'login')} answered` +
      `${report.skipped > 0 ? `, ${report.skipped} skipped (${LIMITS.maxInFlight} requests were already waiting)` : ''}${notAnswered ? `, not answered: ${notAnswered}` : ''}${report.stopped_by ? ' (interrupted)' : ''}\n`,
  );
  io.stdout(`Latency p50 ${formatMs(report.latency_ms.p50)}, p95 ${formatMs(report.latency_ms.p95)}, max ${formatMs(report.latency_ms.max)}\n`);
  if (report.comparison.length > 0) {
    io.stdout(`\nCounted by the exporter at ${report.exporter_url}:\n`);
    io.stdout(
      formatTable(
        [{ heading: 'METRIC' }, { heading: 'SERIES' }, { heading: 'SENT', right: true }, { heading: 'COUNTED', right: true }, { heading: 'RESULT' }],
        report.comparison.map((row) => [row.metric, row.series, String(row.sent), String(row.counted), verdict(terminal, row.counted >= row.sent, { pass: 'ok', fail: 'SHORT' })]),
      ),
    );
  }
  io.stdout(`\n${verdictLine(report, settleMs)}\n`);
}

export const generateTestLoadCommand: Command = {
  name: 'generate-test-load',
  summary: "Send bounded load to AMAS's own API and check that the exporter counted it from the logs.",
  usage: 'amas-exporter generate-test-load [--duration 60s] [--rate 50] [--target http://127.0.0.1:8000] [--allow-remote] [--exporter-url http://127.0.0.1:8001] [--json]',
  flags: [
    { name: 'duration', takesValue: true, description: 'how long to send: a duration (60s) or seconds; default 60s, at most 10m' },
    { name: 'rate', takesValue: true, description: `requests per second, logins included (default 50, at most ${LIMITS.maxRate})` },
    { name: 'target', takesValue: true, description: 'AMAS base URL (default http://127.0.0.1:8000); loopback only unless --allow-remote' },
    { name: 'allow-remote', takesValue: false, description: 'allow a --target that is not a loopback address' },
    { name: 'exporter-url', takesValue: true, description: 'the exporter that tails this AMAS\'s audit log (default http://127.0.0.1:8001)' },
    { name: 'paths', takesValue: true, description: `GET paths, comma-separated, used in turn (default ${DEFAULT_PATHS.join(',')})` },
    { name: 'login-share', takesValue: true, description: `share of requests that are failed logins on POST ${LOGIN_PATH} (default 0.1)` },
    { name: 'timeout', takesValue: true, description: 'deadline of each request (default 10s)' },
    { name: 'settle', takesValue: true, description: 'how long to wait after the load for the exporter to count it (default 45s: AMAS writes audit lines up to 30 s late)' },
    { name: 'json', takesValue: false, description: 'print the run and the comparison as JSON' },
  ],
  help: [
    'Sends duration × rate requests at an even pace: GETs cycling through --paths and, spread among them,',
    `failed logins (POST ${LOGIN_PATH} as an unknown user with a random password). At most ${LIMITS.maxInFlight} requests`,
    'wait for AMAS at once; a request due beyond that is skipped and counted, so the rate is a ceiling.',
    '',
    "Before and after, it reads amas_http_requests_total and amas_auth_attempts_total from the exporter's",
    '/metrics and compares the increase with what AMAS answered: each answered request is one audit line.',
    'A series counted higher than sent had other traffic too; one counted lower means lines were lost or late.',
    '',
    'Exit codes: 0 the exporter counted everything, 1 it fell behind, AMAS answered nothing or the exporter',
    'could not be read (then nothing is sent), 64 wrong usage or a remote --target without --allow-remote.',
  ].join('\n'),
  async run(args, io) {
    const parsed = parsePlan(args.flags);
    if ('usage' in parsed) {
      io.stderr(`amas-exporter generate-test-load: ${parsed.usage}\n`);
      return EXIT_USAGE;
    }
    const { plan } = parsed;
    const json = args.flags.json === true;
    const before = await readCounters(plan.exporterUrl, plan.timeoutMs);
    if (typeof before === 'string') {
      io.stderr(`amas-exporter generate-test-load: cannot compare with the exporter: ${before}; nothing was sent (pass --exporter-url)\n`);
      return EXIT.checkFailed;
    }
    const intro = `Sending ${Math.round((plan.durationMs / 1000) * plan.rate)} requests to ${plan.target} over ${plan.durationMs / 1000} s (${plan.rate}/s, ${Math.round(plan.loginShare * 1000) / 10}% failed logins)\n`;
    if (json) io.stderr(intro);
    else io.stdout(intro);

    const terminal = detectTerminal();
    const interrupt = interruptSignal();
    const running = startLoad(plan, interrupt.signal);
    const bar = terminal.interactive && !json ? new ProgressBar((text) => io.stdout(text), terminal.columns) : undefined;
    bar?.start(() => ({ fraction: (running.result.sent + running.result.skipped) / running.result.planned, text: `sent ${running.result.sent}/${running.result.planned}  skipped ${running.result.skipped}` }));
    let result: LoadResult;
    try {
      result = await running.done;
    } finally {
      bar?.stop();
      interrupt.dispose();
    }

    const expected = expectedCounters(result);
    let comparison: Comparison | undefined;
    let waitedMs = 0;
    let problem: string | undefined;
    if (result.answered.size === 0) {
      problem = `AMAS at ${plan.target} answered none of the ${result.sent} requests`;
    } else {
      io.stderr(`Waiting up to ${plan.settleMs / 1000} s for the exporter to count the load...\n`);
      const awaited = await awaitCounters(plan.exporterUrl, before, expected, plan.settleMs, plan.timeoutMs);
      if (typeof awaited === 'string') problem = awaited;
      else {
        ({ comparison, waitedMs } = awaited);
        if (comparison.reset) problem = 'a counter went down: the exporter restarted during the run';
      }
    }
    const report = summary(plan, result, comparison, waitedMs, problem);
    if (json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else printText(report, plan.settleMs, io);
    return report.kept_up ? EXIT.ok : EXIT.checkFailed;
  },
};
