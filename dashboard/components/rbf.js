// RBF what-if (pages/rbf.md): the calculation of fct_rbf_points and int_rbf__indicator_scores
// (docs/methods.md, RBF) in the browser, from what the exported marts carry:
// - fct_rbf_points per RHF: raw_points, distribution_key, nok (their sum is the budget) and
//   nok_per_point (budget / total points);
// - fct_rbf_indicators, RHF rows: weight, target, share and points of each indicator (null
//   where the row is suppressed: such a row cannot be recomputed, so an indicator with a
//   suppressed RHF row keeps its published weight and target).
// Rules (same as the SQL): attainment = round(round(share, 4) / target, 9); payout share from
// the step model; points = round(total_points x weight x payout share, 6); raw points = sum
// over the indicators; weighted = raw x distribution key; normalised = weighted x total points /
// sum(weighted); exact NOK = weighted x budget / sum(weighted); NOK by largest remainder (whole
// kroner, then one krone each to the largest fractions, ties by RHF code) so they sum to the
// budget. Pure: unit tests in tests/rbf.test.mjs (the published NOK reproduced from the exports).

// The step model (seeds/parameters/ref_rbf_step_model.csv, the same for every RBF year; the
// unit test fails when the seed differs): attainment from (inclusive), to (exclusive, null =
// open) -> payout share of full points.
export const STEPS = [
	[0, 0.2, 0],
	[0.2, 0.4, 0.2],
	[0.4, 0.6, 0.4],
	[0.6, 0.8, 0.8],
	[0.8, null, 1]
];
export const SHARE_DECIMALS = 4;
export const ATTAINMENT_DECIMALS = 9;
export const POINTS_DECIMALS = 6;

/** Half away from zero, as SQL round(). */
export function roundTo(value, decimals) {
	const f = 10 ** decimals;
	const x = value * f;
	const r = Math.sign(x) * Math.round(Math.abs(x) + Number.EPSILON * Math.abs(x));
	return r / f;
}

/** Payout share for an attainment (0 when there is none: no activity pays 0). */
export function payoutShare(attainment, steps = STEPS) {
	if (attainment == null || Number.isNaN(attainment)) return 0;
	const step = steps.find(([from, to]) => attainment >= from && (to == null || attainment < to));
	return step ? step[2] : 0;
}

/** Points of one RHF on one indicator. */
export function indicatorPoints({ share, target, weight }, totalPoints, steps = STEPS) {
	const attainment = share == null || !(target > 0) ? null : roundTo(roundTo(share, SHARE_DECIMALS) / target, ATTAINMENT_DECIMALS);
	return roundTo(totalPoints * weight * payoutShare(attainment, steps), POINTS_DECIMALS);
}

/**
 * Normalised points and NOK per RHF as fct_rbf_points: rhfs [{rhf_code, raw_points,
 * distribution_key, ...}] -> the same objects with weighted_points, normalisation_factor,
 * normalised_points, exact_nok, nok (null when no RHF has points).
 */
export function rbfNok(rhfs, { totalPoints, budget }) {
	const rows = rhfs.map((r) => ({ ...r, weighted_points: r.raw_points * r.distribution_key }));
	const total = rows.reduce((s, r) => s + r.weighted_points, 0);
	if (!(total > 0)) return rows.map((r) => ({ ...r, normalisation_factor: null, normalised_points: null, exact_nok: null, nok: null }));
	for (const r of rows) {
		r.normalisation_factor = totalPoints / total;
		r.normalised_points = (r.weighted_points * totalPoints) / total;
		r.exact_nok = (r.weighted_points * budget) / total;
		r.floor_nok = Math.floor(r.exact_nok);
	}
	const left = Math.round(budget - rows.reduce((s, r) => s + r.floor_nok, 0));
	const ranked = [...rows].sort((a, b) => (b.exact_nok - b.floor_nok) - (a.exact_nok - a.floor_nok) || String(a.rhf_code).localeCompare(String(b.rhf_code)));
	ranked.forEach((r, i) => (r.nok = r.floor_nok + (i < left ? 1 : 0)));
	return rows.map(({ floor_nok, ...r }) => r);
}

/** Budget and total points of a year and calculation, from its fct_rbf_points rows. */
export function budgetOf(points) {
	const budget = points.reduce((s, r) => s + Number(r.nok), 0);
	const perPoint = Number(points[0]?.nok_per_point);
	return { budget, totalPoints: Math.round(budget / perPoint) };
}

/**
 * Indicators of a year and calculation (RHF rows of fct_rbf_indicators) as
 * [{indicator_id, name, weight, target, editable}], editable when no RHF row is suppressed.
 */
export function indicatorsOf(rows) {
	const byId = new Map();
	for (const r of rows) {
		const i = byId.get(r.indicator_id) ?? { indicator_id: r.indicator_id, number: r.indicator_number, name: r.name, weight: r.weight, target: r.target, editable: true };
		if (r.is_suppressed || r.share == null) i.editable = false;
		byId.set(r.indicator_id, i);
	}
	return [...byId.values()].sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
}

/**
 * The what-if: points: fct_rbf_points rows; indicators: RHF rows of fct_rbf_indicators;
 * changes: {weights: {id: w}, targets: {id: t}, shares: {`${rhf_code}|${id}`: share}} (fractions).
 * An RHF's raw points move by the difference between its recomputed and its published points on
 * every changed indicator; a change that needs a suppressed row is not applied and is listed in
 * `ignored`. Returns {rows: rbfNok of the new raw points, ignored}.
 */
export function whatIf(points, indicators, changes = {}) {
	const { budget, totalPoints } = budgetOf(points);
	const weights = changes.weights ?? {};
	const targets = changes.targets ?? {};
	const shares = changes.shares ?? {};
	const delta = new Map(points.map((p) => [String(p.rhf_code), 0]));
	const ignored = [];
	for (const r of indicators) {
		const code = String(r.rhf_code);
		const key = `${code}|${r.indicator_id}`;
		const weight = weights[r.indicator_id] ?? r.weight;
		const target = targets[r.indicator_id] ?? r.target;
		const share = key in shares ? shares[key] : r.share;
		const changed = weight !== r.weight || target !== r.target || share !== r.share;
		if (!changed) continue;
		if (r.is_suppressed || r.points == null) {
			ignored.push(key);
			continue;
		}
		const now = indicatorPoints({ share, target, weight }, totalPoints);
		delta.set(code, (delta.get(code) ?? 0) + now - r.points);
	}
	const rhfs = points.map((p) => ({
		rhf_code: String(p.rhf_code),
		rhf_name: p.rhf_name,
		distribution_key: Number(p.distribution_key),
		raw_points: roundTo(Number(p.raw_points) + (delta.get(String(p.rhf_code)) ?? 0), POINTS_DECIMALS)
	}));
	return { rows: rbfNok(rhfs, { totalPoints, budget }), ignored };
}
