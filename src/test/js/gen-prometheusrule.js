#!/usr/bin/env node
// Generates deploy/kubernetes/components/prometheusrule/prometheusrule.yaml from deploy/prometheus/rules/*.yml,
// so the PrometheusRule on Kubernetes and the rule files that promtool tests are the same rules.
//   node gen-prometheusrule.js           rewrite the file
//   node gen-prometheusrule.js --check   exit 1 if the committed file differs from what would be generated
'use strict';
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');

const root = path.resolve(__dirname, '../../..');
const rulesDir = path.join(root, 'deploy/prometheus/rules');
const target = path.join(root, 'deploy/kubernetes/components/prometheusrule/prometheusrule.yaml');

function generate() {
  const files = fs.readdirSync(rulesDir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml')).sort();
  const groups = [];
  for (const f of files) {
    const doc = yaml.load(fs.readFileSync(path.join(rulesDir, f), 'utf8'));
    groups.push(...doc.groups);
  }
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'llamastack-rules',
      labels: { app: 'llamastack', 'app.kubernetes.io/name': 'stackwatch' },
    },
    spec: { groups },
  };
  const header = '# GENERATED from deploy/prometheus/rules/*.yml by src/test/js/gen-prometheusrule.js - do not edit.\n'
    + '# A test (PrometheusRuleSyncTest) fails when this file and the rule files differ.\n';
  return header + yaml.dump(rule, { lineWidth: -1, noRefs: true });
}

const text = generate();
if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (current !== text) {
    console.error(`${path.relative(root, target)} is out of date with deploy/prometheus/rules; run: node src/test/js/gen-prometheusrule.js`);
    process.exit(1);
  }
  console.log('prometheusrule.yaml matches deploy/prometheus/rules');
} else {
  fs.writeFileSync(target, text);
  console.log(`wrote ${path.relative(root, target)}`);
}
