import path from 'node:path';
import { ConfigError } from '../../../src/config/errors';
import { loadConfigFile } from '../../../src/modules/config';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'config');

/**
 * Each broken file is refused with every problem listed as `file:line:column: key.path: message`,
 * saying what was expected and what was found. The messages are part of the interface: operators
 * read them in `check-config` output and in the reload failure log.
 */
const BROKEN: readonly [string, readonly string[]][] = [
  ['invalid-bad-name.yaml', [
    "invalid-bad-name.yaml:2:11: probes[0].name: expected a name of letters, digits, \"_\", \".\", \":\" or \"-\", starting with a letter or \"_\" (at most 63 characters), found \"my redis\"",
  ]],
  ['invalid-both-field-and-file.yaml', [
    "invalid-both-field-and-file.yaml:6:20: probes[0].password_file: \"password\" and \"password_file\" are both set; use one",
  ]],
  ['invalid-duplicate-key.yaml', [
    "invalid-duplicate-key.yaml:2:1: YAML syntax error: Map keys must be unique",
  ]],
  ['invalid-duplicate-probe-names.yaml', [
    "invalid-duplicate-probe-names.yaml:5:11: probes[1].name: probe name \"cache\" is used twice, found a list",
  ]],
  ['invalid-duration-format.yaml', [
    "invalid-duration-format.yaml:5:15: probes[0].interval: expected a duration such as \"500ms\", \"15s\", \"5m\" or \"1h\", found \"5 seconds\"",
  ]],
  ['invalid-duration-number.yaml', [
    "invalid-duration-number.yaml:5:15: probes[0].interval: expected a duration such as \"500ms\", \"15s\", \"5m\" or \"1h\", found number 30",
  ]],
  ['invalid-http-regex.yaml', [
    "invalid-http-regex.yaml:6:21: probes[0].expect.body_matches: expected a valid regular expression, found \"(unclosed\"",
  ]],
  ['invalid-http-status.yaml', [
    "invalid-http-status.yaml:6:16: probes[0].expect.status[0]: expected a number at most 599, found number 700",
  ]],
  ['invalid-http-url.yaml', [
    "invalid-http-url.yaml:4:10: probes[0].url: expected an http:// or https:// URL, found \"ftp://127.0.0.1/health\"",
  ]],
  ['invalid-log-level.yaml', [
    "invalid-log-level.yaml:1:12: log_level: expected \"error\" or \"warn\" or \"info\" or \"debug\", found \"verbose\"",
  ]],
  ['invalid-missing-env.yaml', [
    "invalid-missing-env.yaml:4:10: probes[0].url: environment variable AMAS_TEST_UNSET_DATABASE_URL is not set and has no default (write ${AMAS_TEST_UNSET_DATABASE_URL:-default})",
  ]],
  ['invalid-missing-name.yaml', [
    "invalid-missing-name.yaml:2:5: probes[0].name: missing required key (expected string)",
  ]],
  ['invalid-missing-probe-type.yaml', [
    "invalid-missing-probe-type.yaml:2:5: probes[0].type: missing key \"type\" (expected one of postgres, redis, neo4j, http, tcp, system)",
  ]],
  ['invalid-multiple-problems.yaml', [
    "invalid-multiple-problems.yaml:1:12: log_level: expected \"error\" or \"warn\" or \"info\" or \"debug\", found \"loud\"",
    "invalid-multiple-problems.yaml:5:15: probes[0].interval: expected a duration such as \"500ms\", \"15s\", \"5m\" or \"1h\", found \"soon\"",
    "invalid-multiple-problems.yaml:3:5: probes[0].url: missing required key (expected string)",
    "invalid-multiple-problems.yaml:9:5: probes[1].colour: unknown key \"colour\"",
  ]],
  ['invalid-neo4j-uri.yaml', [
    "invalid-neo4j-uri.yaml:4:10: probes[0].uri: expected a bolt://, bolt+s://, neo4j:// or neo4j+s:// URI, found \"http://127.0.0.1:7474\"",
  ]],
  ['invalid-port-range.yaml', [
    "invalid-port-range.yaml:2:9: listen.port: expected a number at most 65535, found number 70000",
  ]],
  ['invalid-port-type.yaml', [
    "invalid-port-type.yaml:2:9: listen.port: expected number, found \"eighty\"",
  ]],
  ['invalid-probes-not-list.yaml', [
    "invalid-probes-not-list.yaml:2:3: probes: expected array, found a mapping",
  ]],
  ['invalid-redis-queues-type.yaml', [
    "invalid-redis-queues-type.yaml:5:13: probes[0].queues: expected array, found \"amas:tasks\"",
  ]],
  ['invalid-scheduler-jitter.yaml', [
    "invalid-scheduler-jitter.yaml:2:11: scheduler.jitter: expected a number at most 0.5, found number 2",
  ]],
  ['invalid-secret-file-missing.yaml', [
    "invalid-secret-file-missing.yaml:5:20: probes[0].password_file: cannot read secret file \"./no-such-secret\" (ENOENT)",
  ]],
  ['invalid-tcp-port-missing.yaml', [
    "invalid-tcp-port-missing.yaml:2:5: probes[0].port: missing required key (expected number)",
  ]],
  ['invalid-timeout-longer-than-interval.yaml', [
    "invalid-timeout-longer-than-interval.yaml:6:14: probes[0].timeout: timeout must not be longer than interval (10000ms > 5000ms), found a mapping",
  ]],
  ['invalid-top-level-list.yaml', [
    "invalid-top-level-list.yaml:1:1: expected a mapping at the top level, found a list",
  ]],
  ['invalid-unknown-probe-key.yaml', [
    "invalid-unknown-probe-key.yaml:2:5: probes[0].url: missing required key (expected string)",
    "invalid-unknown-probe-key.yaml:4:5: probes[0].urll: unknown key \"urll\"",
  ]],
  ['invalid-unknown-probe-type.yaml', [
    "invalid-unknown-probe-type.yaml:3:11: probes[0].type: unknown type \"mysql\"; expected one of postgres, redis, neo4j, http, tcp, system",
  ]],
  ['invalid-unknown-top-key.yaml', [
    "invalid-unknown-top-key.yaml:1:1: listn: unknown key \"listn\"",
  ]],
  ['invalid-yaml-syntax.yaml', [
    "invalid-yaml-syntax.yaml:4:1: YAML syntax error: Missing closing \"quote",
  ]],
];

describe('a broken config file is refused with every problem located and explained', () => {
  it('covers at least twenty kinds of mistake', () => {
    expect(BROKEN.length).toBeGreaterThanOrEqual(20);
  });

  it.each(BROKEN)('%s', (fixture, expected) => {
    let error: unknown;
    try {
      loadConfigFile(path.join(FIXTURES, fixture), { env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as ConfigError).message.split('\n').map((line) => line.replace(`${FIXTURES}${path.sep}`, ''));
    expect(lines).toEqual(expected);
    expect((error as ConfigError).kind).toBe('invalid');
  });

  it('says the file cannot be read, apart from being invalid', () => {
    expect(() => loadConfigFile(path.join(FIXTURES, 'no-such-file.yaml'))).toThrow(ConfigError);
    try {
      loadConfigFile(path.join(FIXTURES, 'no-such-file.yaml'));
    } catch (error) {
      expect((error as ConfigError).kind).toBe('unreadable');
      expect((error as ConfigError).message).toContain('cannot read the config file (ENOENT)');
    }
  });
});
