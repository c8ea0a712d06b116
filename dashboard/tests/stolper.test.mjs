// Unit tests of components/stolper.js: the order and colours of RateBars' bars (sorted by
// rate or in area order; the chosen area highlighted). No browser needed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UTHEVET, TEKST, omradeNokkel, omradeValg, ordneStolper, stolpeFarge } from '../components/stolper.js';

// Norway, four RHFs in codebook order; Midt suppressed (no rate), Vest and Sør-Øst equal
const RADER = [
	{ label: 'Norge', area_level: 'norway', area_code: 'norway', std_rate: 50, is_suppressed: false, bar_colour: '#c6dbef' },
	{ label: 'Helse Nord', area_level: 'rhf', area_code: '1', std_rate: 40, is_suppressed: false, bar_colour: '#2171b5' },
	{ label: 'Helse Midt-Norge', area_level: 'rhf', area_code: '2', std_rate: null, is_suppressed: true, bar_colour: '#2171b5' },
	{ label: 'Helse Vest', area_level: 'rhf', area_code: '3', std_rate: 70, is_suppressed: false, bar_colour: '#2171b5' },
	{ label: 'Helse Sør-Øst', area_level: 'rhf', area_code: '4', std_rate: 70, is_suppressed: false, bar_colour: '#2171b5' }
];
const labels = (rader) => rader.map((r) => r.label);

describe('RateBars order and highlight (components/stolper.js)', () => {
	test('default: the query\'s (area) order, nothing highlighted, every bar its own colour', () => {
		const ut = ordneStolper(RADER);
		assert.deepEqual(labels(ut), labels(RADER));
		assert.ok(ut.every((r) => r.valgt === false));
		assert.deepEqual(ut.map(stolpeFarge), RADER.map((r) => r.bar_colour));
	});

	test('by rate: highest first, equal rates in area order, suppressed last', () => {
		const ut = ordneStolper(RADER, { sortering: 'rate' });
		assert.deepEqual(labels(ut), ['Helse Vest', 'Helse Sør-Øst', 'Norge', 'Helse Nord', 'Helse Midt-Norge']);
		// the input is not reordered in place
		assert.deepEqual(labels(RADER), ['Norge', 'Helse Nord', 'Helse Midt-Norge', 'Helse Vest', 'Helse Sør-Øst']);
	});

	test('by rate: a rate of 0 is a rate (before the suppressed), a null rate without suppression is last', () => {
		const rader = [
			{ label: 'A', std_rate: null, is_suppressed: false },
			{ label: 'B', std_rate: 0, is_suppressed: false },
			{ label: 'C', std_rate: 12.5, is_suppressed: false },
			{ label: 'D', std_rate: 99, is_suppressed: true }
		];
		assert.deepEqual(labels(ordneStolper(rader, { sortering: 'rate' })), ['C', 'B', 'A', 'D']);
	});

	test('the chosen area: its bar in the highlight colour, the others unchanged, in either order', () => {
		for (const sortering of ['omrade', 'rate']) {
			const ut = ordneStolper(RADER, { sortering, valgt: 'rhf:3' });
			const valgte = ut.filter((r) => r.valgt);
			assert.deepEqual(labels(valgte), ['Helse Vest'], sortering);
			for (const r of ut) {
				assert.equal(stolpeFarge(r), r.label === 'Helse Vest' ? UTHEVET : r.bar_colour, `${sortering}: ${r.label}`);
			}
		}
		// the highlight colour is none of the blue scale's
		assert.ok(!RADER.some((r) => r.bar_colour.toLowerCase() === UTHEVET.toLowerCase()));
	});

	test('a chosen area that is not in the rows (another level) highlights nothing', () => {
		assert.ok(ordneStolper(RADER, { valgt: 'hf:11' }).every((r) => !r.valgt));
		assert.ok(ordneStolper(RADER, { valgt: '' }).every((r) => !r.valgt));
	});

	test('keys: area_level:area_code, or the label when the query has no codes (NKI, waiting times)', () => {
		assert.equal(omradeNokkel(RADER[1]), 'rhf:1');
		assert.equal(omradeNokkel({ label: 'Helse Bergen' }), 'Helse Bergen');
		const ut = ordneStolper([{ label: 'Norge', std_rate: 1 }, { label: 'Helse Bergen', std_rate: 2 }], { valgt: 'Helse Bergen' });
		assert.deepEqual(ut.map((r) => r.valgt), [false, true]);
	});

	test('the choices: every area once, in area order', () => {
		assert.deepEqual(omradeValg([...RADER, RADER[1]]), RADER.map((r) => ({ nokkel: omradeNokkel(r), label: r.label })));
	});

	test('labels in Norwegian and English', () => {
		assert.equal(TEKST.nb.marker, 'Marker område');
		assert.equal(TEKST.nb.rate, 'Høyest verdi først');
		assert.equal(TEKST.en.marker, 'Highlight area');
		assert.deepEqual(Object.keys(TEKST.en).sort(), Object.keys(TEKST.nb).sort());
	});
});
