import type { LadderReport } from '../../ai/ladder';
import type { SecretStore } from '../../logging/redact';
import { redactDeep } from '../../server/admin-redact';
import { formatMs, formatTable, formatUsd } from './table';
import { verdict, type Terminal } from './terminal';

/** Whether the run validated the provider: a call was made and every validator passed. */
export const isValidated = (report: LadderReport): boolean => report.validation?.result.result === 'validated';

/** `--json` form of a ladder report, redacted; the transcript only when it was asked for. */
export function reportJson(report: LadderReport, secrets: SecretStore): Record<string, unknown> {
  return redactDeep(secrets, { validated: isValidated(report), ...report });
}

/** "45 + 5 = 50" or "-". */
export function formatTokens(usage: { promptTokens: number; completionTokens: number; totalTokens: number } | null | undefined): string {
  return usage ? `${usage.promptTokens} + ${usage.completionTokens} = ${usage.totalTokens}` : '-';
}

function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/**
 * The text form of `test-provider`: each rung, each validator with its finding, the call's latency,
 * tokens and cost, and with `debug` the request and reply (already without keys; redacted again).
 */
export function renderReport(report: LadderReport, terminal: Terminal, secrets: SecretStore): string {
  const out: string[] = [];
  const ok = isValidated(report);
  out.push(`Provider ${report.provider} (${report.style} API, model ${report.model}): ${verdict(terminal, ok, { pass: 'VALIDATED', fail: 'NOT VALIDATED' })}`);
  out.push(`State: ${report.status.status} (${report.status.reason}): ${report.status.message}`);
  const fake = report.fakeAi;
  if (fake.window_runs > 0) {
    out.push(`Fake AI: ${fake.runs_in_window} of the last ${fake.window_runs} validations${fake.flagged ? `; flagged since ${fake.since} (${fake.reason}), ${fake.clean_streak} of ${fake.clear_after} clean runs to clear` : ''}`);
  }
  if (!report.configured) {
    out.push('', 'No call was made: the provider is not configured.');
    return secrets.redact(`${out.join('\n')}\n`);
  }
  out.push('', formatTable(
    [{ heading: 'RUNG' }, { heading: 'RESULT' }, { heading: 'REASON' }, { heading: 'TIME', right: true }, { heading: 'DETAIL' }],
    Object.entries(report.rungs).map(([rung, outcome]) => {
      if (!outcome) return [rung, 'not run', '', '-', ''];
      const result = outcome.skipped ? 'skipped' : verdict(terminal, outcome.ok);
      return [rung, result, outcome.reason ?? '', formatMs(outcome.elapsedMs), outcome.message];
    }),
  ).trimEnd());
  if (report.modelListed === false) out.push(`Warning: ${report.model} is not in the provider's models list.`);
  const run = report.validation;
  if (run) {
    const verdicts = Object.entries(run.verdicts);
    out.push('', `Validation: ${run.result.result}${'reason' in run.result ? ` (${run.result.reason})` : ''}. ${run.result.detail}`);
    if (verdicts.length > 0) {
      out.push('', formatTable(
        [{ heading: 'VALIDATOR' }, { heading: 'RESULT' }, { heading: 'WHY' }],
        verdicts.map(([name, finding]) => [name, finding ? verdict(terminal, finding.ok, { pass: 'pass', fail: `FAIL (${finding.ok ? '' : finding.reason})` }) : '-', finding?.detail ?? '']),
      ).trimEnd());
    }
    out.push('', `Call: latency ${formatMs(run.latencyMs)}, tokens ${formatTokens(run.usage)}, cost ${formatUsd(run.costUsd)}`);
    if (run.challenge) out.push(`Challenge: code ${run.challenge.code}, ${run.challenge.a} + ${run.challenge.b}, count to ${run.challenge.items}`);
    if (run.transcript) {
      const { request, response } = run.transcript;
      out.push('', 'Request:', indent(`${request.method} ${request.url}`), ...Object.entries(request.headers).map(([name, value]) => indent(`${name}: ${value}`)), indent(prettyBody(request.body)));
      out.push('', response ? `Reply: HTTP ${response.status}${response.truncated ? ' (body cut)' : ''}` : 'Reply: none arrived');
      if (response) out.push(...Object.entries(response.headers).map(([name, value]) => indent(`${name}: ${value}`)), indent(prettyBody(response.body)));
    }
  } else {
    out.push('', 'Validation: not run (a rung below failed or the provider has no key).');
  }
  out.push('', `Took ${formatMs(report.durationMs)} in all.`);
  return secrets.redact(`${out.join('\n')}\n`);
}
