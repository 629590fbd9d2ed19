import type { ConditionInput } from './config-schema';
import type { FieldTable } from './field-plan';

/** A compiled condition: reads the line's field values by slot. */
export type Predicate = (values: readonly unknown[]) => boolean;

const isPresent = (value: unknown): boolean => value !== undefined && value !== null;

function fieldTest(slot: number, condition: ConditionInput): Predicate {
  const tests: Predicate[] = [];
  const { equals, not_equals: notEquals, one_of: oneOf, regex, exists, contains, gt, gte, lt, lte } = condition;
  if (equals !== undefined) tests.push((v) => v[slot] === equals);
  if (notEquals !== undefined) tests.push((v) => v[slot] !== undefined && v[slot] !== notEquals);
  if (oneOf !== undefined) {
    const allowed = new Set<unknown>(oneOf);
    tests.push((v) => v[slot] !== undefined && allowed.has(v[slot]));
  }
  if (regex !== undefined) {
    const pattern = new RegExp(regex);
    tests.push((v) => {
      const value = v[slot];
      return typeof value === 'string' && pattern.test(value);
    });
  }
  if (exists !== undefined) tests.push(exists ? (v) => isPresent(v[slot]) : (v) => !isPresent(v[slot]));
  if (contains !== undefined) {
    tests.push((v) => {
      const value = v[slot];
      return Array.isArray(value) && value.includes(contains);
    });
  }
  const numeric: [number | undefined, (a: number, b: number) => boolean][] = [
    [gt, (a, b) => a > b],
    [gte, (a, b) => a >= b],
    [lt, (a, b) => a < b],
    [lte, (a, b) => a <= b],
  ];
  for (const [bound, compare] of numeric) {
    if (bound === undefined) continue;
    tests.push((v) => {
      const value = v[slot];
      return typeof value === 'number' && compare(value, bound);
    });
  }
  return tests.length === 1 ? (tests[0] as Predicate) : (v) => tests.every((test) => test(v));
}

/** Compiles one condition (a field test, or `any` of conditions) against the field table. */
export function compileCondition(condition: ConditionInput, fields: FieldTable): Predicate {
  if (condition.any !== undefined) {
    const options = condition.any.map((inner) => compileCondition(inner, fields));
    return (v) => options.some((option) => option(v));
  }
  return fieldTest(fields.slot(condition.field as string), condition);
}

/** All conditions must hold; no condition means every JSON line. */
export function compileConditions(conditions: readonly ConditionInput[], fields: FieldTable): Predicate {
  const compiled = conditions.map((condition) => compileCondition(condition, fields));
  if (compiled.length === 0) return () => true;
  if (compiled.length === 1) return compiled[0] as Predicate;
  return (v) => {
    for (const test of compiled) if (!test(v)) return false;
    return true;
  };
}
