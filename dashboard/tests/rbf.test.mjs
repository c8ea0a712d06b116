// Unit tests of components/rbf.js (the RBF what-if), without a browser:
//   DASHBOARD_EXPORTS=<parquet folder> node --test tests/rbf.test.mjs
// The published NOK of fct_rbf_points are reproduced from the exports for every RBF year and
// calculation (make test-dashboard sets DASHBOARD_EXPORTS; without it those tests are skipped).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { STEPS, payoutShare, indicatorPoints, rbfNok, whatIf, indicatorsOf } from '../components/rbf.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const exportsDir = process.env.DASHBOARD_EXPORTS ? path.resolve(process.env.DASHBOARD_EXPORTS) : null;

describe('rules', () => {
	test('the step model equals seeds/parameters/ref_rbf_step_model.csv for every RBF year', () => {
		const lines = fs.readFileSync(path.join(here, '..', '..', 'seeds', 'parameters', 'ref_rbf_step_model.csv'), 'utf8').trim().split('\n');
		const header = lines[0].split(',');
		const col = (name) => header.indexOf(name);
		const byYear = new Map();
		for (const line of lines.slice(1)) {
			const f = line.split(',');
			const step = [Number(f[col('attainment_from')]), f[col('attainment_to')] === '' ? null : Number(f[col('attainment_to')]), Number(f[col('payout_share')])];
			byYear.set(f[col('rbf_year')], [...(byYear.get(f[col('rbf_year')]) ?? []), step]);
		}
		assert.ok(byYear.size >= 1);
		for (const [year, steps] of byYear) {
			assert.deepEqual(steps.sort((a, b) => a[0] - b[0]), STEPS, `RBF ${year}`);
		}
	});
	test('payout share: bounds inclusive below, exclusive above; the top step open; no share pays 0', () => {
		assert.equal(payoutShare(0.1999999), 0);
		assert.equal(payoutShare(0.2), 0.2);
		assert.equal(payoutShare(0.6), 0.8);
		assert.equal(payoutShare(0.8), 1);
		assert.equal(payoutShare(7), 1);
		assert.equal(payoutShare(null), 0);
		// 15 % target: 2.996 % rounds to 3.00 % = attainment 0.2 (seed 003 table 4)
		assert.equal(indicatorPoints({ share: 0.02996, target: 0.15, weight: 0.24 }, 100000), 4800);
		assert.equal(indicatorPoints({ share: 0.0299, target: 0.15, weight: 0.24 }, 100000), 0);
		// 0.14 / 0.70 is 0.2 only after rounding the attainment
		assert.equal(indicatorPoints({ share: 0.14, target: 0.7, weight: 0.24 }, 100000), 4800);
	});
	test('normalisation and NOK by largest remainder (hand computation)', () => {
		// weighted 100, 100, 100 (keys 1): each 1/3 of 100 kr -> 33.33 each, the krone left to code 1
		const rows = rbfNok([
			{ rhf_code: '2', raw_points: 50, distribution_key: 2 },
			{ rhf_code: '1', raw_points: 100, distribution_key: 1 },
			{ rhf_code: '3', raw_points: 25, distribution_key: 4 }
		], { totalPoints: 300, budget: 100 });
		assert.deepEqual(rows.map((r) => r.nok), [33, 34, 33]);
		assert.deepEqual(rows.map((r) => r.normalised_points), [100, 100, 100]);
		assert.equal(rows[0].normalisation_factor, 1);
		// no points at all: nothing to share out
		assert.equal(rbfNok([{ rhf_code: '1', raw_points: 0, distribution_key: 1 }], { totalPoints: 1, budget: 1 })[0].nok, null);
	});
});

describe('the exports', { skip: exportsDir ? false : 'DASHBOARD_EXPORTS not set' }, () => {
	let db;
	const parquet = (mart) => `read_parquet('${path.join(exportsDir, `${mart}.parquet`).replaceAll("'", "''")}')`;
	const sql = async (q) => (await db.runAndReadAll(q)).getRowObjectsJS();
	let points;
	let indicators;
	before(async () => {
		db = await (await DuckDBInstance.create(':memory:')).connect();
		points = await sql(`select rbf_year, calculation, rhf_code, rhf_name, raw_points, distribution_key,
			normalised_points, nok_per_point, nok::double as nok from ${parquet('fct_rbf_points')} order by rbf_year, calculation, rhf_code`);
		indicators = await sql(`select rbf_year, calculation, indicator_id, indicator_number, area_code as rhf_code, share, target, weight,
			points, is_suppressed from ${parquet('fct_rbf_indicators')} where area_level = 'rhf'`);
	});
	const calculations = () => [...new Set(points.map((p) => `${p.rbf_year}|${p.calculation}`))];
	const of = (rows, key) => rows.filter((r) => `${r.rbf_year}|${r.calculation}` === key);

	test('at the published parameters, every RHF gets the published NOK, to the krone, and the published normalised points', () => {
		assert.ok(calculations().length >= 2, 'test data: RBF years and calculations');
		for (const key of calculations()) {
			const { rows, ignored } = whatIf(of(points, key), of(indicators, key));
			assert.deepEqual(ignored, []);
			for (const published of of(points, key)) {
				const row = rows.find((r) => r.rhf_code === published.rhf_code);
				assert.equal(row.nok, published.nok, `${key} RHF ${published.rhf_code}: ${row.nok} vs ${published.nok}`);
				assert.ok(Math.abs(row.normalised_points - published.normalised_points) < 1e-5, `${key} RHF ${published.rhf_code}: normalised points`);
			}
		}
	});

	test('the rules give every published (unsuppressed) RHF indicator its published points', () => {
		let n = 0;
		for (const r of indicators.filter((i) => !i.is_suppressed && i.points != null)) {
			const [p] = points.filter((x) => x.rbf_year === r.rbf_year && x.calculation === r.calculation);
			const totalPoints = Math.round(of(points, `${r.rbf_year}|${r.calculation}`).reduce((s, x) => s + x.nok, 0) / p.nok_per_point);
			assert.equal(indicatorPoints(r, totalPoints), r.points, `${r.rbf_year} ${r.calculation} ${r.indicator_id} RHF ${r.rhf_code}`);
			n += 1;
		}
		assert.ok(n > 50, `test data: ${n} published RHF indicator rows`);
	});

	test('raising one RHF\'s attainment raises its NOK and lowers the others\'; the NOK still sum to the budget', () => {
		// an unsuppressed RHF row below full payout
		const r = indicators.find((i) => !i.is_suppressed && i.points != null && i.points < i.weight * 100000 - 1e-6 && i.share != null);
		assert.ok(r, 'test data: an RHF indicator below full payout');
		const key = `${r.rbf_year}|${r.calculation}`;
		const before = whatIf(of(points, key), of(indicators, key)).rows;
		const after = whatIf(of(points, key), of(indicators, key), { shares: { [`${r.rhf_code}|${r.indicator_id}`]: r.target } }).rows;
		const nok = (rows, code) => rows.find((x) => x.rhf_code === code).nok;
		assert.ok(nok(after, r.rhf_code) > nok(before, r.rhf_code), `RHF ${r.rhf_code}: ${nok(before, r.rhf_code)} -> ${nok(after, r.rhf_code)}`);
		for (const other of before.filter((x) => x.rhf_code !== r.rhf_code)) {
			assert.ok(nok(after, other.rhf_code) <= other.nok, `RHF ${other.rhf_code} does not gain`);
		}
		assert.equal(after.reduce((s, x) => s + x.nok, 0), before.reduce((s, x) => s + x.nok, 0));
		// a change that needs a suppressed row is not applied
		const hidden = indicators.find((i) => i.is_suppressed);
		if (hidden) {
			const k = `${hidden.rbf_year}|${hidden.calculation}`;
			const res = whatIf(of(points, k), of(indicators, k), { weights: { [hidden.indicator_id]: hidden.weight + 0.1 } });
			assert.ok(res.ignored.includes(`${hidden.rhf_code}|${hidden.indicator_id}`));
			assert.equal(indicatorsOf(of(indicators, k)).find((i) => i.indicator_id === hidden.indicator_id).editable, false);
		}
	});
});
