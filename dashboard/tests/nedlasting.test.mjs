// Unit tests of components/nedlasting.js (the tables' Excel and CSV downloads), without a
// browser: node --test tests/nedlasting.test.mjs. The .xlsx is written with write-excel-file's
// Node build and read back by unzipping it (fflate) and reading the sheet XML, as Excel would.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import writeExcelFile from 'write-excel-file/node';
import {
	PRIMAER,
	KOMPLEMENTAER,
	byggTabell,
	lagCsv,
	lagArk,
	filnavn,
	slug,
	tallformat,
	lesTalltekst,
	engelsk,
	omTallene,
	rund
} from '../components/nedlasting.js';
import { readSheet } from './xlsx-les.mjs';

// A rate table as the rate panel shows it (columns as in partials/rate-panel.md).
const RATE_COLUMNS = [
	{ id: 'omrade', title: 'Område' },
	{ id: 'nivaa', title: 'Nivå' },
	{ id: 'hendelser', title: 'Antall', fmt: '#,##0' },
	{ id: 'raa_rate', title: 'Rå rate', fmt: '#,##0.0' },
	{ id: 'rate', title: 'Justert rate', fmt: '#,##0.0' },
	{ id: 'andel', title: 'Andel', fmt: '0.0%' },
	{ id: 'merknad', title: 'Merknad', wrap: true }
];
const RATE_ROWS = [
	{ omrade: 'Norge', nivaa: 'Norge', hendelser: 111354, raa_rate: 2034.5678, rate: 2034.4499999, andel: 0.1234567890123456, merknad: '', ekstra: 'x' },
	{ omrade: 'Helse Nord', nivaa: 'RHF', hendelser: null, raa_rate: null, rate: null, andel: null, merknad: PRIMAER },
	{ omrade: 'Helse Vest', nivaa: 'RHF', hendelser: null, raa_rate: null, rate: null, andel: null, merknad: KOMPLEMENTAER },
	{ omrade: 'Helse Sør-Øst; Oslo "sentrum"', nivaa: 'RHF', hendelser: 0, raa_rate: 0, rate: -0.04, andel: 1, merknad: '' }
];
// The NPR key-figure table: text cells with Norwegian separators or a "Skjult" label.
const KEY_COLUMNS = [
	{ id: 'figur', title: 'Nøkkeltall', wrap: true },
	{ id: 'norge', title: 'Antall', colGroup: 'Norge', align: 'right' },
	{ id: 'norge_endring', title: 'Endr. %', colGroup: 'Norge', align: 'right' },
	{ id: 'nord', title: 'Antall', colGroup: 'Helse Nord', align: 'right' },
	{ id: 'nord_endring', title: 'Endr. %', colGroup: 'Helse Nord', align: 'right' }
];
const KEY_ROWS = [
	{ figur: 'Pasienter', norge: '111\u00a0354', norge_endring: '-3,2', nord: 'Skjult (under 5)', nord_endring: 'Skjult (vern)' },
	{ figur: 'Døgnopphold', norge: '2\u00a0001', norge_endring: '', nord: '17', nord_endring: '0,0' }
];
const OM = { tittel: 'Somatikk: Kontakter', valg: 'Utvalg: Alle kontakter | År: 2024 | Periode: year | Nivå: rhf', kilde: 'fct_utilisation_rates dim_areas', syntetisk: true };

describe('file names from the selection', () => {
	test('rater_<sample>_<year>_<period>_<level>, ASCII, no timestamp', () => {
		assert.equal(filnavn('rater_kontakter_somatikk_2024_year_rhf', 'xlsx'), 'rater_kontakter_somatikk_2024_year_rhf.xlsx');
		assert.equal(filnavn('nøkkeltall_2024', 'csv'), 'nokkeltall_2024.csv');
		assert.equal(filnavn('Sykelig overvekt_Første halvår_Æøå Sør-Øst', 'csv'), 'sykelig-overvekt_forste-halvar_aeoa-sor-ost.csv');
	});
	test('parts not chosen yet (undefined, null, empty) are left out', () => {
		assert.equal(filnavn('rater_undefined_2024__rhf', 'csv'), 'rater_2024_rhf.csv');
		assert.equal(filnavn('', 'xlsx'), 'tabell.xlsx');
	});
	test('slug: æ->ae, ø->o, å->a, accents off, anything else a hyphen', () => {
		assert.equal(slug('Helse Sør-Øst / Ålesund (ÆRA) é'), 'helse-sor-ost-alesund-aera-e');
	});
});

describe('columns and typed numbers', () => {
	const t = byggTabell(RATE_ROWS, RATE_COLUMNS, 'nb');
	test('headers are the table titles, Merknad last, columns not in the table left out', () => {
		assert.deepEqual(t.overskrifter, ['Område', 'Nivå', 'Antall', 'Rå rate', 'Justert rate', 'Andel', 'Merknad']);
		assert.equal(t.rader[0].length, 7);
	});
	test('numbers rounded to the decimals the table shows (no 16-decimal shares)', () => {
		const [, , antall, raa, rate, andel] = t.rader[0];
		assert.deepEqual([antall.tall, antall.desimaler], [111354, 0]);
		assert.deepEqual([raa.tall, raa.desimaler], [2034.6, 1]);
		assert.equal(rate.tall, 2034.4);
		assert.deepEqual([andel.tall, andel.desimaler, andel.prosent], [0.123, 1, true]);
		assert.equal(rund(2.25, 1), 2.3);
		assert.equal(rund(-2.25, 1), -2.3);
		assert.ok(Object.is(rund(-0.04, 1), 0));
	});
	test('format codes: decimals, percent, thousands', () => {
		assert.deepEqual(tallformat('#,##0.00'), { desimaler: 2, prosent: false, tusen: true });
		assert.deepEqual(tallformat('0.0%'), { desimaler: 1, prosent: true, tusen: false });
		assert.deepEqual(tallformat('0'), { desimaler: 0, prosent: false, tusen: false });
		assert.equal(tallformat(undefined), null);
	});
	test('hidden cells are empty (not 0, not "null") with the note', () => {
		assert.deepEqual(t.rader[1].slice(2, 6), [null, null, null, null]);
		assert.equal(t.rader[1][6], PRIMAER);
		assert.equal(t.rader[2][6], KOMPLEMENTAER);
		assert.equal(t.rader[0][6], null);
		// a true 0 stays 0
		assert.equal(t.rader[3][2].tall, 0);
	});
	test('text numbers of wide tables become numbers; "Skjult (...)" cells blank with a note naming them', () => {
		const k = byggTabell(KEY_ROWS, KEY_COLUMNS, 'nb');
		assert.deepEqual(k.overskrifter, ['Nøkkeltall', 'Norge – Antall', 'Norge – Endr. %', 'Helse Nord – Antall', 'Helse Nord – Endr. %', 'Merknad']);
		assert.deepEqual([k.rader[0][1].tall, k.rader[0][1].desimaler], [111354, 0]);
		assert.deepEqual([k.rader[0][2].tall, k.rader[0][2].desimaler], [-3.2, 1]);
		assert.equal(k.rader[0][3], null);
		assert.equal(k.rader[0][4], null);
		assert.equal(k.rader[0][5], `${PRIMAER} (Helse Nord – Antall); ${KOMPLEMENTAER} (Helse Nord – Endr. %)`);
		assert.equal(k.rader[1][2], null); // '' = no figure, no note
		assert.equal(k.rader[1][5], null);
		assert.equal(k.rader[1][4].tall, 0);
	});
	test('a row hidden whole ("Skjult (rad)") gets one note without the list of cells', () => {
		const cols = [{ id: 'omrade', title: 'Område' }, { id: 'a', title: 'Nye', align: 'right' }, { id: 'b', title: 'Avviste', align: 'right' }];
		const r = byggTabell([{ omrade: 'Bydel Frogner', a: 'Skjult (rad)', b: 'Skjult (rad)' }], cols, 'nb');
		assert.deepEqual(r.rader[0], ['Bydel Frogner', null, null, 'Skjult: ett av tallene i raden er færre enn 5']);
	});
	test('a number without a format in the table: at most 3 decimals', () => {
		const r = byggTabell([{ x: 0.1234567890123456, y: 2024 }], [{ id: 'x', title: 'Andel' }, { id: 'y', title: 'År' }], 'nb');
		assert.deepEqual([r.rader[0][0].tall, r.rader[0][1].tall], [0.123, 2024]);
		assert.equal(lagCsv(r, {}, 'nb').split('\r\n')[1], '0,123;2024');
	});
	test('text in left-aligned columns is never read as a number', () => {
		const r = byggTabell([{ kode: '0301', navn: 'Oslo' }], [{ id: 'kode', title: 'Enhets-id' }, { id: 'navn', title: 'Enhet' }], 'nb');
		assert.deepEqual(r.rader[0], ['0301', 'Oslo']);
		assert.deepEqual(r.overskrifter, ['Enhets-id', 'Enhet']);
	});
	test('lesTalltekst reads bokmål and English number text, nothing else', () => {
		assert.deepEqual(lesTalltekst('111\u00a0354', 'nb'), { verdi: 111354, desimaler: 0 });
		assert.deepEqual(lesTalltekst('111,354', 'en'), { verdi: 111354, desimaler: 0 });
		assert.deepEqual(lesTalltekst('-3.25', 'en'), { verdi: -3.25, desimaler: 2 });
		// in bokmål the comma is the decimal mark
		assert.deepEqual(lesTalltekst('111,354', 'nb'), { verdi: 111.354, desimaler: 3 });
		assert.equal(lesTalltekst('Skjult (vern)', 'nb'), null);
		assert.equal(lesTalltekst('2024/25', 'nb'), null);
	});
});

describe('pages', () => {
	test('every DataTable has our download (same data, a file name, a source) and not Evidence\'s', () => {
		const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
		const files = ['pages', 'partials'].flatMap((d) => fs.readdirSync(path.join(dir, d), { recursive: true }).filter((f) => f.endsWith('.md')).map((f) => path.join(dir, d, f)));
		const problems = [];
		let tables = 0;
		for (const file of files) {
			const text = fs.readFileSync(file, 'utf8');
			for (const m of text.matchAll(/<DataTable\b([^>]*)>([\s\S]*?)<\/DataTable>/g)) {
				tables += 1;
				const [, attrs, body] = m;
				const data = /data=\{(\w+)\}/.exec(attrs)?.[1];
				const where = `${path.relative(dir, file)} (${data})`;
				if (!/\bdownloadable=false\b/.test(attrs)) problems.push(`${where}: downloadable=false missing`);
				const own = /<Nedlasting\b([^>]*)\/>/.exec(body)?.[1];
				if (!own) problems.push(`${where}: no <Nedlasting> inside the DataTable`);
				else {
					if (/data=\{(\w+)\}/.exec(own)?.[1] !== data) problems.push(`${where}: <Nedlasting> reads other data`);
					if (!/\sfil="[^"]+"/.test(own) || !/\skilde="(fct|dim)_\w+/.test(own)) problems.push(`${where}: fil or kilde missing`);
				}
			}
			if (/<DataTable\b[^>]*\/>/.test(text)) problems.push(`${path.relative(dir, file)}: a DataTable without columns (no download)`);
		}
		assert.ok(tables >= 30, `found ${tables} tables`);
		assert.deepEqual(problems, []);
	});
});

describe('English (?lang=en)', () => {
	test('headers, groups and notes in English', () => {
		const t = byggTabell(RATE_ROWS, RATE_COLUMNS, 'en');
		assert.deepEqual(t.overskrifter, ['Area', 'Level', 'Number', 'Crude rate', 'Adjusted rate', 'Share', 'Note']);
		assert.equal(t.rader[1][6], 'Hidden: fewer than 5 events');
		assert.equal(t.rader[2][6], 'Hidden to protect another cell');
		const k = byggTabell([{ ...KEY_ROWS[0], norge: '111,354', norge_endring: '-3.2' }], KEY_COLUMNS, 'en');
		assert.deepEqual(k.overskrifter.slice(0, 3), ['Key figure', 'Norway – Number', 'Norway – Change %']);
		assert.deepEqual([k.rader[0][1].tall, k.rader[0][2].tall], [111354, -3.2]);
		assert.equal(engelsk('Skjult: færre enn 5 pasienter'), 'Hidden: fewer than 5 patients');
		assert.equal(engelsk('0–17 år'), '0–17 years');
	});
	test('every column title, column group and selection label of the pages has its English', () => {
		// names that are the same in English
		const SAME = new Set(['RHF', 'Region', 'Helse Nord', 'Helse Midt-Norge', 'Helse Vest', 'Helse Sør-Øst']);
		const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
		const files = [];
		const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) =>
			e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.md') && files.push(path.join(d, e.name)));
		walk(path.join(dir, 'pages'));
		walk(path.join(dir, 'partials'));
		const missing = new Set();
		let seen = 0;
		for (const file of files) {
			const text = fs.readFileSync(file, 'utf8');
			const words = [];
			for (const [tag] of text.matchAll(/<Column\b[^>]*>/g)) {
				for (const attr of ['title', 'colGroup']) words.push(new RegExp(`${attr}="([^"]*)"`).exec(tag)?.[1]);
			}
			for (const [, valg] of text.matchAll(/<Nedlasting\b[^>]*\svalg="([^"]*)"/g)) words.push(...valg.split('|').map((p) => p.split(':')[0].trim()));
			for (const w of words.filter(Boolean)) {
				seen += 1;
				if (engelsk(w) === w && !SAME.has(w)) missing.add(`${path.relative(dir, file)}: ${w}`);
			}
		}
		assert.ok(seen > 100, `read the pages' titles (${seen})`);
		assert.deepEqual([...missing], [], 'add these to ENGELSK in components/nedlasting.js');
	});
	test('English CSV: comma separated, decimal point', () => {
		const csv = lagCsv(byggTabell(RATE_ROWS, RATE_COLUMNS, 'en'), OM, 'en');
		const lines = csv.slice(1).split('\r\n');
		assert.equal(lines[0], 'Area,Level,Number,Crude rate,Adjusted rate,Share (%),Note');
		// the data labels are the page's own (English from the marts' *_en columns)
		assert.equal(lines[1], 'Norge,Norge,111354,2034.6,2034.4,12.3,');
		assert.ok(csv.includes('Sample,Alle kontakter'));
		// in a "," file a comma is quoted
		assert.ok(csv.includes('\r\nSource,"Clinical dashboard warehouse, marts: fct_utilisation_rates, dim_areas"\r\n'));
	});
});

describe('CSV for Norwegian Excel', () => {
	const csv = lagCsv(byggTabell(RATE_ROWS, RATE_COLUMNS, 'nb'), OM, 'nb');
	const lines = csv.slice(1).split('\r\n');
	test('UTF-8 BOM, ";" separator, decimal comma, no thousands separator, percent as shown', () => {
		assert.ok(csv.startsWith('\ufeffOmråde;'));
		assert.equal(lines[0], 'Område;Nivå;Antall;Rå rate;Justert rate;Andel (%);Merknad');
		assert.equal(lines[1], 'Norge;Norge;111354;2034,6;2034,4;12,3;');
		assert.ok(!lines[1].includes('.'), 'no decimal points');
	});
	test('hidden cells empty, with the note; no "null" anywhere', () => {
		assert.equal(lines[2], `Helse Nord;RHF;;;;;${PRIMAER}`);
		assert.equal(lines[3], `Helse Vest;RHF;;;;;${KOMPLEMENTAER}`);
		assert.ok(!/null|undefined|NaN/.test(csv));
	});
	test('text with ";" or quotes is quoted; a true 0 stays 0; -0 is 0', () => {
		assert.equal(lines[4], '"Helse Sør-Øst; Oslo ""sentrum""";RHF;0;0,0;0,0;100,0;');
	});
	test('after an empty line: source, selection, suppression rule, synthetic data', () => {
		assert.equal(lines[5], '');
		const tail = lines.slice(6).filter(Boolean);
		assert.deepEqual(tail.map((l) => l.split(';')[0]), ['Tabell', 'Utvalg', 'År', 'Periode', 'Nivå', 'Kilde', 'Skjulte tall', 'Merk']);
		// a comma needs no quotes in a ";" file
		assert.equal(tail[5], 'Kilde;Klinikkdashbordets datavarehus, martene fct_utilisation_rates, dim_areas');
		assert.ok(tail[6].includes('Skjult for å beskytte en annen celle') && tail[6].includes('aldri 0'));
		assert.ok(tail[7].includes('syntetiske'));
	});
	test('key figures: "111,354" text becomes the number 111354, not text', () => {
		const k = lagCsv(byggTabell(KEY_ROWS, KEY_COLUMNS, 'nb'), { kilde: 'fct_npr_key_figures' }, 'nb').slice(1).split('\r\n');
		assert.equal(k[0], 'Nøkkeltall;Norge – Antall;Norge – Endr. %;Helse Nord – Antall;Helse Nord – Endr. %;Merknad');
		assert.equal(k[1], `Pasienter;111354;-3,2;;;"${PRIMAER} (Helse Nord – Antall); ${KOMPLEMENTAER} (Helse Nord – Endr. %)"`);
		assert.equal(k[2], 'Døgnopphold;2001;;17;0,0;');
	});
});

describe('xlsx', () => {
	test('numeric cells with the table number format, blank hidden cells with their note, header row', async () => {
		const t = byggTabell(RATE_ROWS, RATE_COLUMNS, 'nb');
		const buffer = await writeExcelFile(lagArk(t, { ...OM, datastand: '2026-12-05T06:00:00+0000' }, 'nb')).toBuffer();
		const { cells, names } = readSheet(buffer, 1);
		assert.deepEqual(names, ['Tabell', 'Om tallene']);
		assert.deepEqual(['A1', 'C1', 'F1', 'G1'].map((r) => cells[r].v), ['Område', 'Antall', 'Andel', 'Merknad']);
		assert.deepEqual(cells.C2, { t: 'n', format: '#,##0', v: 111354 });
		assert.deepEqual(cells.E2, { t: 'n', format: '#,##0.0', v: 2034.4 });
		assert.deepEqual(cells.F2, { t: 'n', format: '0.0%', v: 0.123 });
		// hidden: no cell at all (empty), the note in Merknad
		for (const ref of ['C3', 'D3', 'E3', 'F3']) assert.equal(cells[ref], undefined, ref);
		assert.equal(cells.G3.v, PRIMAER);
		assert.equal(cells.G4.v, KOMPLEMENTAER);
		assert.deepEqual(cells.C5, { t: 'n', format: '#,##0', v: 0 });
		const about = readSheet(buffer, 2).cells;
		const pairs = Object.fromEntries(Object.keys(about).filter((r) => r.startsWith('A')).map((r) => [about[r].v, about[`B${r.slice(1)}`].v]));
		assert.equal(pairs.Kilde, 'Klinikkdashbordets datavarehus, martene fct_utilisation_rates, dim_areas');
		assert.equal(pairs.Datastand, '2026-12-05T06:00:00+0000');
		assert.equal(pairs.År, '2024');
		assert.ok(pairs['Skjulte tall'].includes('Skjult: færre enn 5'));
		assert.ok(pairs.Merk.includes('syntetiske'));
	});
	test('English workbook: sheet names and headers in English', async () => {
		const buffer = await writeExcelFile(lagArk(byggTabell(KEY_ROWS, KEY_COLUMNS, 'en'), OM, 'en')).toBuffer();
		const { cells, names } = readSheet(buffer, 1);
		assert.deepEqual(names, ['Table', 'About the figures']);
		assert.equal(cells.B1.v, 'Norway – Number');
		assert.equal(cells.F2.v, 'Hidden: fewer than 5 events (Helse Nord – Number); Hidden to protect another cell (Helse Nord – Change %)');
	});
	test('omTallene skips selection parts not chosen yet', () => {
		assert.deepEqual(omTallene({ valg: 'År: undefined | Nivå: rhf' }, 'nb')[0], ['Nivå', 'rhf']);
	});
});

describe('shares with an interval (pages/epikrisetid.md)', () => {
	// the NKI table: share and its 95 % interval as percent, grouped under "95 % konfidensintervall"
	const kolonner = [
		{ id: 'omrade', title: 'Område' },
		{ id: 'andel', title: 'Andel', fmt: '0.0%' },
		{ id: 'andel_nedre', title: 'Nedre', colGroup: '95 % konfidensintervall', fmt: '0.0%' },
		{ id: 'andel_ovre', title: 'Øvre', colGroup: '95 % konfidensintervall', fmt: '0.0%' },
		{ id: 'merknad', title: 'Merknad' }
	];
	const rader = [
		{ omrade: 'Norge', andel: 0.5192307692, andel_nedre: 0.3868568277, andel_ovre: 0.6489588555, merknad: '' },
		{ omrade: 'Helse Nord', andel: null, andel_nedre: null, andel_ovre: null, merknad: 'Skjult: færre enn 5 epikriser' }
	];
	test('CSV: the interval columns say (%) although their group has a "%" in it; hidden cells empty', () => {
		const lines = lagCsv(byggTabell(rader, kolonner, 'nb'), {}, 'nb').slice(1).split('\r\n');
		assert.equal(lines[0], 'Område;Andel (%);95 % konfidensintervall – Nedre (%);95 % konfidensintervall – Øvre (%);Merknad');
		assert.equal(lines[1], 'Norge;51,9;38,7;64,9;');
		assert.equal(lines[2], 'Helse Nord;;;;Skjult: færre enn 5 epikriser');
	});
	test('English headers', () => {
		const lines = lagCsv(byggTabell(rader, kolonner, 'en'), {}, 'en').slice(1).split('\r\n');
		assert.equal(lines[0], 'Area,Share (%),95% confidence interval – Lower (%),95% confidence interval – Upper (%),Note');
	});
});
