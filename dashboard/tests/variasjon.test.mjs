// Unit tests of components/variasjon.js (the variation statistics of the rate panel), without
// a browser: node --test tests/variasjon.test.mjs. The built page is tested in dashboard.test.mjs.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { variationPanel, heading } from '../components/variasjon.js';
import { NBSP, setNorwegianNumbers } from '../components/norsk.js';

const row = {
	measure: 'contacts',
	area_level: 'hf',
	n_areas: 6,
	n_areas_with_rate: 6,
	extremal_quotient: 3,
	extremal_quotient_2: 1.5,
	coefficient_of_variation: 0.34058773,
	weighted_coefficient_of_variation: 0.28142495,
	systematic_component_of_variation: 1234.5678
};
const byKey = (panel) => Object.fromEntries(panel.items.map((i) => [i.key, i]));

afterEach(() => setNorwegianNumbers(true));

describe('variationPanel', () => {
	test('bokmål: labels with explanations, Norwegian number format, two decimals', () => {
		const panel = variationPanel(row, 'hf');
		assert.equal(panel.note, '');
		const items = byKey(panel);
		assert.deepEqual(Object.keys(items), ['eq', 'eq2', 'cv', 'wcv', 'scv']);
		assert.equal(items.eq.label, 'Ekstremkvotient (EQ)');
		assert.equal(items.eq.explanation, 'høyeste / laveste rate');
		assert.equal(items.eq.value, '3,00');
		assert.equal(items.eq2.value, '1,50');
		assert.equal(items.cv.label, 'Variasjonskoeffisient (CV)');
		assert.equal(items.cv.value, '0,34');
		assert.equal(items.wcv.value, '0,28');
		assert.equal(items.scv.label, 'Systematisk variasjonskomponent (SCV)');
		assert.equal(items.scv.value, `1${NBSP}234,57`);
		assert.equal(panel.areas, 'Beregnet for 6 av 6 HF-områder med publisert rate (skjulte rater er utelatt).');
		assert.equal(heading(), 'Variasjon mellom områdene');
	});
	test('English labels and number format (whatever norsk.js\'s switch says)', () => {
		setNorwegianNumbers(true);
		const items = byKey(variationPanel(row, 'hf', true));
		assert.equal(items.eq.label, 'Extremal quotient (EQ)');
		assert.equal(items.cv.label, 'Coefficient of variation (CV)');
		assert.equal(items.scv.value, '1,234.57');
		assert.equal(items.cv.value, '0.34');
		assert.equal(heading(true), 'Variation between the areas');
	});
	test('statistics not computed say why (the mart\'s thresholds)', () => {
		const few = byKey(variationPanel({ ...row, area_level: 'rhf', n_areas: 4, n_areas_with_rate: 3, extremal_quotient_2: null }, 'rhf'));
		assert.equal(few.eq.value, '3,00');
		assert.equal(few.eq2.value, '');
		assert.equal(few.eq2.missing, 'ikke beregnet: færre enn 4 områder med publisert rate');
		const one = byKey(variationPanel({ ...row, n_areas_with_rate: 1, extremal_quotient: null, extremal_quotient_2: null,
			coefficient_of_variation: null, weighted_coefficient_of_variation: null, systematic_component_of_variation: null }, 'hf'));
		assert.equal(one.eq.missing, 'ikke beregnet: færre enn 2 områder med publisert rate');
		assert.equal(one.cv.missing, 'ikke beregnet: færre enn 2 områder med publisert rate');
		assert.equal(one.scv.missing, 'ikke beregnet: færre enn 2 områder med forventede hendelser');
		const zero = byKey(variationPanel({ ...row, extremal_quotient: null }, 'hf'));
		assert.equal(zero.eq.missing, 'ikke beregnet: laveste rate er 0');
		const nok = byKey(variationPanel({ ...row, measure: 'nok', systematic_component_of_variation: null }, 'hf'));
		assert.equal(nok.scv.missing, 'ikke beregnet: gjelder antall, ikke kroner');
		// a value of 0 is a value, not a missing statistic
		assert.equal(byKey(variationPanel({ ...row, systematic_component_of_variation: 0 }, 'hf')).scv.value, '0,00');
	});
	test('own choice of areas and no row: a note instead of numbers', () => {
		const own = variationPanel(row, 'valgte');
		assert.deepEqual(own.items, []);
		assert.match(own.note, /ett nivå/);
		assert.equal(variationPanel(undefined, 'rhf').note, 'Ingen variasjonsstatistikk for dette valget.');
		assert.match(variationPanel(null, 'valgte', true).note, /one level/);
	});
});
