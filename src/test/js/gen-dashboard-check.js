#!/usr/bin/env node
// Writes build/dashboards.check.ts: every dashboard under deploy/grafana/dashboards as a TypeScript object literal
// with `satisfies Dashboard` (@grafana/schema). `tsc --noEmit --strict` then rejects unknown properties, wrong types
// and invalid enum values, exactly as if the dashboard were written in TypeScript against Grafana's own types.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '../../..');
const dir = path.join(root, 'deploy/grafana/dashboards');
const out = path.join(__dirname, 'build');
fs.mkdirSync(out, { recursive: true });

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
if (files.length === 0) {
  console.error(`no dashboards in ${dir}`);
  process.exit(1);
}
let ts = "import type { Dashboard } from '@grafana/schema';\nimport type { JsonOf } from '../grafana-json.ts';\n\n";
files.forEach((f, i) => {
  const json = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  ts += `// ${f}\nexport const dashboard${i} = ${JSON.stringify(json, null, 2)} satisfies JsonOf<Dashboard>;\n\n`;
});
fs.writeFileSync(path.join(out, 'dashboards.check.ts'), ts);
console.log(`wrote build/dashboards.check.ts (${files.length} dashboard(s): ${files.join(', ')})`);
