// Build cost guard. Evidence's Dropdown (39.x) adds its options one at a time, without batching:
// with multiple=true and selectAllByDefault, the selection grows 1, 2, ... N, and every query whose
// SQL contains `${inputs.<name>.value}` runs again for each longer list, in the build's prerender
// (node DuckDB, for every page) and on every page load in the browser. That made the rate pages
// (72 areas) many times slower to build. Such a list may enter SQL only behind a condition that is
// false by default (partials/rate-panel.md: only when "Egne valg" is chosen).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dashboardDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

function markdownFiles(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const file = path.join(dir, e.name);
		return e.isDirectory() ? markdownFiles(file) : e.name.endsWith('.md') ? [file] : [];
	});
}

const files = ['pages', 'partials'].flatMap((d) => markdownFiles(path.join(dashboardDir, d)));

describe('build cost', () => {
	test('no SQL interpolates a multi-select Dropdown list unconditionally', () => {
		const texts = files.map((file) => [path.relative(dashboardDir, file), fs.readFileSync(file, 'utf8')]);
		const multi = new Set(
			texts.flatMap(([, text]) => [...text.matchAll(/<Dropdown\b[^>]*\bname=(\w+)[^>]*\bmultiple=true/g)].map((m) => m[1]))
		);
		assert.ok(multi.has('omrader'), 'expected the multi-select Dropdown "omrader" of partials/rate-panel.md');
		const offenders = [];
		for (const [file, text] of texts) {
			text.split('\n').forEach((line, i) => {
				for (const name of multi) {
					if (line.includes(`\${inputs.${name}.value}`)) offenders.push(`${file}:${i + 1}: \${inputs.${name}.value}`);
				}
			});
		}
		assert.deepEqual(offenders, [], `a multi-select list in SQL without a condition (re-runs the query once per option):\n${offenders.join('\n')}`);
	});
});
