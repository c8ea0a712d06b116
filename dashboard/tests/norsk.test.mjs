// Unit tests of components/norsk.js (Norwegian number format and framework strings), without a
// browser: node --test tests/norsk.test.mjs. The built site is tested in dashboard.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
	NBSP,
	norwegianNumberText,
	parseNorwegianNumber,
	installNorwegianNumbers,
	setNorwegianNumbers,
	translateFrameworkText,
	formatNumber,
	language
} from '../components/norsk.js';

const require = createRequire(import.meta.url);

describe('norwegianNumberText', () => {
	test('thousands separator becomes a no-break space, the decimal point a comma', () => {
		assert.equal(norwegianNumberText('8,584.2'), `8${NBSP}584,2`);
		assert.equal(norwegianNumberText('671,631,000'), `671${NBSP}631${NBSP}000`);
		assert.equal(norwegianNumberText('-1,234,567.89'), `-1${NBSP}234${NBSP}567,89`);
		assert.equal(norwegianNumberText('12.5%'), '12,5%');
		assert.equal(norwegianNumberText('0.0412'), '0,0412');
	});
	test('text that is not a number between digits is left alone', () => {
		assert.equal(norwegianNumberText('2025'), '2025');
		assert.equal(norwegianNumberText('Norge, RHF.'), 'Norge, RHF.');
		assert.equal(norwegianNumberText('1.5k'), '1,5k');
	});
});

describe('parseNorwegianNumber', () => {
	test('reads the Norwegian format back', () => {
		assert.equal(parseNorwegianNumber(`8${NBSP}584,2`), 8584.2);
		assert.equal(parseNorwegianNumber('671 631 000'), 671631000);
		assert.equal(parseNorwegianNumber('-3,5'), -3.5);
		assert.equal(parseNorwegianNumber('12,5%'), 12.5);
	});
	test('an English number is not silently misread', () => {
		assert.ok(Number.isNaN(parseNorwegianNumber('8,584.2')));
		assert.ok(Number.isNaN(parseNorwegianNumber('Skjult')));
	});
});

describe('installNorwegianNumbers (the ssf module Evidence formats with)', () => {
	const ssf = require('ssf');
	installNorwegianNumbers(ssf);
	installNorwegianNumbers(ssf); // idempotent: no double conversion
	test('Evidence format codes give Norwegian numbers', () => {
		assert.equal(ssf.format('#,##0.0', 8584.2), `8${NBSP}584,2`);
		assert.equal(ssf.format('#,##0', 671631000), `671${NBSP}631${NBSP}000`);
		assert.equal(ssf.format('0.0%', 0.1234), '12,3%');
		assert.equal(ssf.format('#,##0.00', -1234.5), `-1${NBSP}234,50`);
		assert.equal(ssf.format('0', 2025), '2025');
	});
	test('dates and text are not touched', () => {
		assert.equal(ssf.format('yyyy-mm-dd', new Date(2024, 0, 3)), '2024-01-03');
		assert.equal(ssf.format('@', 'a,b.c'), 'a,b.c');
	});
	test('English format when switched off (?lang=en)', () => {
		setNorwegianNumbers(false);
		try {
			assert.equal(ssf.format('#,##0.0', 8584.2), '8,584.2');
		} finally {
			setNorwegianNumbers(true);
		}
	});
});

describe('formatNumber', () => {
	test('Norwegian by default, English when switched off', () => {
		assert.equal(formatNumber(8584.25), `8${NBSP}584,3`);
		assert.equal(formatNumber(1234, null), `1${NBSP}234`);
		assert.equal(formatNumber(null), '');
		setNorwegianNumbers(false);
		try {
			assert.equal(formatNumber(8584.25), '8,584.3');
		} finally {
			setNorwegianNumbers(true);
		}
	});
});

describe('translateFrameworkText', () => {
	test("Evidence's fixed English strings get bokmål, whitespace kept", () => {
		assert.equal(translateFrameworkText('Home'), 'Forside');
		assert.equal(translateFrameworkText('\n\t\tPage\n\t'), '\n\t\tSide\n\t');
		assert.equal(translateFrameworkText(' Selected'), ' valgt');
		assert.equal(translateFrameworkText('72 Selected'), '72 valgt');
		assert.equal(translateFrameworkText('Clear selection'), 'Fjern valg');
		assert.equal(translateFrameworkText('Download'), 'Last ned');
		assert.equal(translateFrameworkText('20 of 1,234 records'), `20 av 1${NBSP}234 rader`);
	});
	test('other text is left alone (null)', () => {
		assert.equal(translateFrameworkText('Om dataene'), null);
		assert.equal(translateFrameworkText('Homepage'), null);
		assert.equal(translateFrameworkText('  '), null);
	});
});

describe('language', () => {
	test('?lang=en is English, anything else bokmål', () => {
		assert.equal(language('?lang=en'), 'en');
		assert.equal(language('?x=1&lang=en'), 'en');
		assert.equal(language('?lang=nb'), 'nb');
		assert.equal(language(''), 'nb');
		assert.equal(language(undefined), 'nb');
	});
});
