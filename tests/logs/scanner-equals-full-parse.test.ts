import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { extractFromParsed, FieldTable, type FieldPlan } from '../../src/logs/field-plan';
import { FieldReader, LINE_EMPTY, LINE_INVALID, LINE_OK, type LineKind } from '../../src/logs/field-reader';
import { seededRandom as random } from '../helpers/seeded-random';

/**
 * The fast path (line templates, then the validating scanner) must give exactly what a full
 * JSON.parse gives: the same verdict (empty, invalid, valid) and the same field values, for valid
 * lines, broken lines and everything in between.
 */

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'logs');

function plan(paths: string[]): FieldPlan {
  const table = new FieldTable();
  for (const field of paths) table.slot(field);
  return table.plan();
}

const PLANS = {
  audit: plan(['event_type', 'status', 'details.method', 'details.path', 'details.status_code', 'details.violation_type', 'details.severity', 'details', 'ip_address', 'user_id', 'session_id', 'duration_ms', 'authentication_method', 'timestamp', 'user_roles', 'risk_score', 'pii_detected', 'é', 'a.b.c']),
  nested: plan(['action', 'level', 'security.jwt_valid', 'security.ip_address', 'security.event_type', 'metadata.analysis_type', 'metadata.issues_found', 'metadata.user_satisfaction_score', 'tags', 'session_id', 'timestamp', 'performance.duration_ms', 'bulletproof']),
};

/** The reference: JSON whitespace only is empty; JSON.parse decides the rest. */
function reference(bytes: Buffer, plan: FieldPlan): { kind: LineKind; values: unknown[] } {
  const values = new Array<unknown>(plan.paths.length).fill(undefined);
  if ([...bytes].every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d)) return { kind: LINE_EMPTY, values };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { kind: LINE_INVALID, values };
  }
  extractFromParsed(parsed, plan, values);
  return { kind: LINE_OK, values };
}


const TRICKY = ['"', '\\', '{', '}', '[', ']', ':', ',', ' ', '\t', '\r', '\u0001', '0', '-', '.', 'e', 'n', 't', 'f', '\\u00e9', '\\"', 'é', '\u2028', '\uFFFD'];

function mutate(line: string, next: () => number): Buffer {
  const bytes = Buffer.from(line, 'utf8');
  const kind = Math.floor(next() * 6);
  const at = Math.floor(next() * (bytes.length + 1));
  const piece = Buffer.from(TRICKY[Math.floor(next() * TRICKY.length)] as string, 'utf8');
  if (kind === 0) return Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
  if (kind === 1) return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + Math.floor(next() * 3)))]);
  if (kind === 2) return Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(Math.min(bytes.length, at + 1))]);
  if (kind === 3) return bytes.subarray(0, at);
  if (kind === 4) return Buffer.concat([bytes.subarray(0, at), Buffer.from([0x80 + Math.floor(next() * 0x80)]), bytes.subarray(at)]);
  // Same shape, other values: exercises the templates with fresh contents.
  return Buffer.from(line.replace(/"([a-z_]+)": "[^"]*"/g, (_m, key: string) => `"${key}": "${Math.floor(next() * 1e6).toString(36)}"`).replace(/: (\d+)([,}])/g, (_m, _n, end: string) => `: ${Math.floor(next() * 1000)}${end}`), 'utf8');
}

const HANDWRITTEN = [
  '{}',
  '  {"event_type": "x"}  \r',
  '\t{"event_type":"system_event","details":{"method":"GET","status_code":200}}',
  '{"event_type": "a", "event_type": "b"}',
  '{"details": {"method": "GET"}, "details": "replaced"}',
  '{"details": {"method": "GET"}, "details": {"path": "/x"}}',
  '{"\\u0065vent_type": "escaped key"}',
  '{"event_type": "tab\\tand \\"quote\\" and \\u00e9 and \\ud800"}',
  '{"event_type": "caf\u00e9", "é": 1}',
  '{"duration_ms": -0, "risk_score": 1e5, "status": 1E-2}',
  '{"duration_ms": 01}',
  '{"duration_ms": 1.}',
  '{"duration_ms": .5}',
  '{"duration_ms": 1e}',
  '{"pii_detected": tru}',
  '{"pii_detected": nulll}',
  '{"a": {"b": {"c": [1, {"d": null}]}}}',
  '{"user_roles": ["admin", "ops"], "details": null}',
  '{"event_type": "x",}',
  '{"event_type" "x"}',
  '{"event_type": "x"} {}',
  '[1, 2]',
  '"just a string"',
  '42',
  'null',
  '\uFEFF{"event_type": "bom"}',
  '{"event_type": "\u0001control"}',
  `{"deep": ${'['.repeat(5000)}${']'.repeat(5000)}, "event_type": "deep"}`,
  `${'['.repeat(3000)}${']'.repeat(3000)}`,
  '   ',
  '',
  '\r',
];

function corpus(): Buffer[] {
  const base = [...readFileSync(path.join(FIXTURES, 'audit.log'), 'utf8').split('\n'), ...readFileSync(path.join(FIXTURES, 'nested.log'), 'utf8').split('\n'), ...HANDWRITTEN];
  const next = random(20261127);
  const lines: Buffer[] = base.map((line) => Buffer.from(line, 'utf8'));
  lines.push(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), Buffer.from([0x00, 0x01, 0x02]));
  for (let round = 0; round < 200; round += 1) {
    for (const line of base) {
      lines.push(mutate(line, next));
      if (next() < 0.3) lines.push(Buffer.from(line, 'utf8'));
    }
  }
  return lines;
}

describe('the fast field reader gives exactly what a full JSON.parse gives', () => {
  const lines = corpus();

  it.each(Object.entries(PLANS))('for every line of a mutated corpus, with the %s field plan', (_name, fieldPlan) => {
    const reader = new FieldReader(fieldPlan);
    const chunkSize = 64;
    let checked = 0;
    let valid = 0;
    const mismatches: unknown[] = [];
    for (let start = 0; start < lines.length; start += chunkSize) {
      const chunkLines = lines.slice(start, start + chunkSize).filter((line) => !line.includes(0x0a));
      const chunk = Buffer.concat(chunkLines.flatMap((line) => [line, Buffer.from('\n')]));
      const text = chunk.toString('latin1');
      reader.beginChunk(text, chunk);
      let offset = 0;
      for (const line of chunkLines) {
        const kind = reader.read(offset, offset + line.length);
        const expected = reference(line, fieldPlan);
        // SameValue comparison: -0 and 0 differ, as they do after JSON.parse.
        if (kind !== expected.kind || (kind === LINE_OK && !isDeepStrictEqual(reader.values, expected.values))) {
          mismatches.push({ line: line.toString('utf8').slice(0, 200), kind, expected: expected.kind, values: [...reader.values], expectedValues: expected.values });
        }
        if (kind === LINE_OK) valid += 1;
        offset += line.length + 1;
        checked += 1;
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(10000);
    // Both paths were exercised: many valid lines (mostly through templates) and many broken ones.
    expect(valid).toBeGreaterThan(3000);
    expect(checked - valid).toBeGreaterThan(3000);
    expect(reader.shapes).toBeGreaterThan(0);
  });
});
