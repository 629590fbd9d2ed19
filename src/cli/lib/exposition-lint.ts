/**
 * The lint of `promtool check metrics` (client_golang's promlint, as in Prometheus 2.42), as data:
 * `test-monitoring` reports the same findings, worded the same way, without needing promtool.
 * tests/cli/exposition-lint-matches-promtool.test.ts compares both on the same text.
 */

/** One family as the text format declares it: name, TYPE (untyped without one), HELP, label names. */
export interface LintFamily {
  readonly name: string;
  readonly type: string;
  readonly help: boolean;
  readonly labelNames: ReadonlySet<string>;
}

/** A finding, printed by promtool as `<metric> <text>`. */
export interface LintProblem {
  readonly metric: string;
  readonly text: string;
}

/** Unit words and the base unit each should be (promlint's table). */
const UNITS: Readonly<Record<string, string>> = {
  amperes: 'amperes', bytes: 'bytes', celsius: 'celsius', grams: 'grams', joules: 'joules', kelvin: 'kelvin', meters: 'meters', metres: 'metres', seconds: 'seconds', volts: 'volts',
  minutes: 'seconds', hours: 'seconds', days: 'seconds', weeks: 'seconds',
  kelvins: 'kelvin', fahrenheit: 'celsius', rankine: 'celsius',
  inches: 'meters', yards: 'meters', miles: 'meters',
  bits: 'bytes', calories: 'joules', pounds: 'grams', ounces: 'grams',
};
const UNIT_PREFIXES = ['pico', 'nano', 'micro', 'milli', 'centi', 'deci', 'deca', 'hecto', 'kilo', 'kibi', 'mega', 'mibi', 'giga', 'gibi', 'tera', 'tebi', 'peta', 'pebi'];
const UNIT_ABBREVIATIONS = ['s', 'ms', 'us', 'ns', 'sec', 'b', 'kb', 'mb', 'gb', 'tb', 'pb', 'm', 'h', 'd'];
const TYPE_WORDS = ['counter', 'gauge', 'summary', 'histogram', 'gaugehistogram'];
const CAMEL = /[a-z][A-Z]/;

const hasWord = (name: string, word: string): boolean => name.includes(`_${word}_`) || name.endsWith(`_${word}`);

function unitOf(name: string): { unit: string; base: string } | undefined {
  for (const word of name.split('_')) {
    if (UNITS[word]) return { unit: word, base: UNITS[word] };
    for (const prefix of UNIT_PREFIXES) {
      const rest = word.startsWith(prefix) ? UNITS[word.slice(prefix.length)] : undefined;
      if (rest) return { unit: word, base: rest };
    }
  }
  return undefined;
}

/** Each rule: the problems it finds in one family. Order and wording follow promlint. */
const RULES: ReadonlyArray<(family: LintFamily) => string[]> = [
  (f) => (f.help ? [] : ['no help text']),
  (f) => {
    const unit = unitOf(f.name);
    return unit && unit.unit !== unit.base ? [`use base unit "${unit.base}" instead of "${unit.unit}"`] : [];
  },
  (f) => {
    const total = f.name.endsWith('_total');
    if (f.type === 'counter' && !total) return ['counter metrics should have "_total" suffix'];
    if (f.type !== 'untyped' && f.type !== 'counter' && total) return ['non-counter metrics should not have "_total" suffix'];
    return [];
  },
  (f) => {
    if (f.type === 'untyped') return [];
    const histogram = f.type === 'histogram';
    const summary = f.type === 'summary';
    const found: string[] = [];
    if (!histogram && f.name.endsWith('_bucket')) found.push('non-histogram metrics should not have "_bucket" suffix');
    if (!histogram && !summary && f.name.endsWith('_count')) found.push('non-histogram and non-summary metrics should not have "_count" suffix');
    if (!histogram && !summary && f.name.endsWith('_sum')) found.push('non-histogram and non-summary metrics should not have "_sum" suffix');
    if (!histogram && f.labelNames.has('le')) found.push('non-histogram metrics should not have "le" label');
    if (!summary && f.labelNames.has('quantile')) found.push('non-summary metrics should not have "quantile" label');
    return found;
  },
  (f) => (f.type === 'untyped' ? [] : TYPE_WORDS.filter((word) => hasWord(f.name.toLowerCase(), word)).map((word) => `metric name should not include type '${word}'`)),
  (f) => (f.name.includes(':') ? ["metric names should not contain ':'"] : []),
  (f) => [
    ...(CAMEL.test(f.name) ? ["metric names should be written in 'snake_case' not 'camelCase'"] : []),
    ...([...f.labelNames].some((label) => CAMEL.test(label)) ? ["label names should be written in 'snake_case' not 'camelCase'"] : []),
  ],
  (f) => (UNIT_ABBREVIATIONS.some((word) => hasWord(f.name.toLowerCase(), word)) ? ['metric names should not contain abbreviated units'] : []),
];

/** Every finding for the families, sorted by metric then text, as promtool prints them. */
export function lintFamilies(families: readonly LintFamily[]): LintProblem[] {
  const problems = families.flatMap((family) => RULES.flatMap((rule) => rule(family).map((text) => ({ metric: family.name, text }))));
  return problems.sort((a, b) => (a.metric === b.metric ? (a.text < b.text ? -1 : a.text > b.text ? 1 : 0) : a.metric < b.metric ? -1 : 1));
}

/** A finding as promtool prints it. */
export const formatProblem = (problem: LintProblem): string => `${problem.metric} ${problem.text}`;
