// Variation between areas (fct_area_variation) as the rate panel shows it: label, short
// explanation and value of each statistic, in bokmål or English, numbers in the language's
// format (components/norsk.js), and where a statistic is not computed, why (the mart's rules:
// fct_area_variation.sql, "null when k < ..."). Pure: unit tests in tests/variasjon.test.mjs.

/**
 * A number in bokmål (8 584,21) or English (8,584.21) format with `decimals` decimals. The
 * language is passed in, not read from norsk.js's switch: in the client bundle a component's
 * copy of that switch is not the one the layout sets (English pages showed decimal commas).
 */
export function formatIn(value, decimals, en = false) {
	if (value == null || Number.isNaN(value)) return '';
	return new Intl.NumberFormat(en ? 'en-GB' : 'nb-NO', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
}

// Decimals shown (the mart keeps more).
export const DECIMALS = 2;

const TEXT = {
	nb: {
		eq: ['Ekstremkvotient (EQ)', 'høyeste / laveste rate'],
		eq2: ['EQ2', 'nest høyeste / nest laveste rate'],
		cv: ['Variasjonskoeffisient (CV)', 'standardavvik / gjennomsnitt av ratene'],
		wcv: ['Vektet CV', 'som CV, vektet med områdenes innbyggertall'],
		scv: [
			'Systematisk variasjonskomponent (SCV)',
			'variasjon utover det tilfeldige (× 100); nær 0 eller negativ: ingen systematisk variasjon'
		],
		tooFew: (n) => `ikke beregnet: færre enn ${n} områder med publisert rate`,
		zero: 'ikke beregnet: laveste rate er 0',
		zeroMean: 'ikke beregnet: gjennomsnittet er 0',
		scvNok: 'ikke beregnet: gjelder antall, ikke kroner',
		scvTooFew: 'ikke beregnet: færre enn 2 områder med forventede hendelser',
		areas: (k, n, level) => `Beregnet for ${k} av ${n} ${level} med publisert rate (skjulte rater er utelatt).`,
		levels: { rhf: 'RHF-områder', hf: 'HF-områder', hospital: 'sykehusområder' },
		ownChoice:
			'Variasjonsstatistikken gjelder alle områdene på ett nivå. Velg RHF, HF eller Sykehus for å se den.',
		none: 'Ingen variasjonsstatistikk for dette valget.',
		heading: 'Variasjon mellom områdene'
	},
	en: {
		eq: ['Extremal quotient (EQ)', 'highest / lowest rate'],
		eq2: ['EQ2', 'second highest / second lowest rate'],
		cv: ['Coefficient of variation (CV)', 'standard deviation / mean of the rates'],
		wcv: ['Weighted CV', 'as CV, weighted by the areas\' populations'],
		scv: [
			'Systematic component of variation (SCV)',
			'variation beyond chance (× 100); near 0 or negative: no systematic variation'
		],
		tooFew: (n) => `not computed: fewer than ${n} areas with a published rate`,
		zero: 'not computed: the lowest rate is 0',
		zeroMean: 'not computed: the mean is 0',
		scvNok: 'not computed: applies to counts, not NOK',
		scvTooFew: 'not computed: fewer than 2 areas with expected events',
		areas: (k, n, level) => `Computed over ${k} of ${n} ${level} with a published rate (suppressed rates left out).`,
		levels: { rhf: 'RHF areas', hf: 'HF areas', hospital: 'hospital areas' },
		ownChoice: 'The variation statistics cover all areas of one level. Choose RHF, HF or Hospital to see them.',
		none: 'No variation statistics for this selection.',
		heading: 'Variation between the areas'
	}
};

/** The heading of the panel. */
export function heading(en = false) {
	return TEXT[en ? 'en' : 'nb'].heading;
}

/**
 * What the panel shows for one row of fct_area_variation (or none) and the chosen area level.
 * Returns {note, items: [{key, label, explanation, value, missing}], areas}: `note` replaces the
 * items when there is nothing to show (own choice of areas, no row); `value` is the formatted
 * number, or '' with `missing` saying why.
 */
export function variationPanel(row, level, en = false) {
	const t = TEXT[en ? 'en' : 'nb'];
	if (level === 'valgte') return { note: t.ownChoice, items: [], areas: '' };
	if (!row) return { note: t.none, items: [], areas: '' };
	const k = Number(row.n_areas_with_rate ?? 0);
	const n = Number(row.n_areas ?? 0);
	const item = (key, value, missing) => {
		const [label, explanation] = t[key];
		const has = value != null && !Number.isNaN(Number(value));
		return { key, label, explanation, value: has ? formatIn(Number(value), DECIMALS, en) : '', missing: has ? '' : missing };
	};
	const rateMissing = (minAreas, zeroReason) => (k < minAreas ? t.tooFew(minAreas) : zeroReason);
	const items = [
		item('eq', row.extremal_quotient, rateMissing(2, t.zero)),
		item('eq2', row.extremal_quotient_2, rateMissing(4, t.zero)),
		item('cv', row.coefficient_of_variation, rateMissing(2, t.zeroMean)),
		item('wcv', row.weighted_coefficient_of_variation, rateMissing(2, t.zeroMean)),
		item('scv', row.systematic_component_of_variation, row.measure === 'nok' ? t.scvNok : t.scvTooFew)
	];
	const levelName = t.levels[row.area_level] ?? row.area_level;
	return { note: '', items, areas: t.areas(k, n, levelName) };
}
