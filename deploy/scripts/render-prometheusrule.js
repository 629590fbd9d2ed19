#!/usr/bin/env node
'use strict';
/**
 * Builds deploy/kubernetes/prometheusrule.yaml from the rule files deploy/prometheus/alerts/*.yml
 * and deploy/prometheus/rules/*.yml, so the Prometheus Operator and plain Prometheus evaluate the
 * same rules.
 *
 *   node deploy/scripts/render-prometheusrule.js          rewrite the file
 *   node deploy/scripts/render-prometheusrule.js --check  exit 1 if the file is not up to date
 */
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const ruleDirs = [path.join(root, 'prometheus', 'alerts'), path.join(root, 'prometheus', 'rules')];
const target = path.join(root, 'kubernetes', 'prometheusrule.yaml');

const HEADER = [
  '# Generated from deploy/prometheus/{alerts,rules}/*.yml by deploy/scripts/render-prometheusrule.js; do not edit.',
  '# The alert rules for the Prometheus Operator (monitoring.coreos.com/v1). Label `release` is what',
  "# kube-prometheus-stack's Prometheus selects by default; change it to your ruleSelector.",
].join('\n');

/** The groups of every rule file: alerts first, then recording rules, each in file-name order. */
function alertGroups() {
  return ruleDirs.flatMap((dir) => {
    const files = readdirSync(dir).filter((name) => name.endsWith('.yml')).sort();
    return files.flatMap((name) => YAML.parse(readFileSync(path.join(dir, name), 'utf8')).groups);
  });
}

function render() {
  const resource = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'amas', labels: { 'app.kubernetes.io/name': 'amas', release: 'prometheus' } },
    spec: { groups: alertGroups() },
  };
  return `${HEADER}\n${YAML.stringify(resource, { lineWidth: 0, blockQuote: 'literal' })}`;
}

const text = render();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as out of date
  }
  if (current !== text) {
    process.stderr.write(`${path.relative(process.cwd(), target)} is out of date: run node deploy/scripts/render-prometheusrule.js\n`);
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
