// End-to-end test of the municipal health-community pages (pages/helsefellesskap/: issue 32) in
// headless Chromium, run by `make test-dashboard` beside dashboard.test.mjs (same environment:
// DASHBOARD_SITE, DASHBOARD_EXPORTS). The figures are compared with the parquet exports of the
// marts (read with DuckDB, not from the page's own data):
// 1. "Skrøpelige eldre": the rates per 1,000 75+ with their intervals equal
//    fct_health_community_frail_elderly, in Norwegian format, hidden cells empty with the mart's
//    reason; the functional-level buttons switch to that group's figures; the services table
//    equals fct_health_community_frail_elderly_services for the default area and, after a
//    choice in "Område", for Norway; Excel and CSV downloads typed, hidden cells empty.
// 2. "Overganger og spesialisthelsetjenester": each transition measure (after a click on its
//    button) and the specialist-care table equal their marts; the CSV download.
// 3. ?lang=en: the marts' English labels and English numbers, English download headers.
// 4. Both pages are linked from the health-community page and the sidebar, load without
//    console errors and carry the synthetic-data banner (the page tour of dashboard.test.mjs
//    visits them too, as every page under pages/).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { chromium } from 'playwright-core';
import { serveStatic } from '../scripts/serve.mjs';
import { parseNorwegianNumber } from '../components/norsk.js';
import { readSheet, sheetRows, parseCsv } from './xlsx-les.mjs';
import { visit } from './lenker.mjs';

const dashboardDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const site = path.resolve(process.env.DASHBOARD_SITE ?? path.join(dashboardDir, 'build'));
const exportsDir = path.resolve(process.env.DASHBOARD_EXPORTS ?? '');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FRAIL = '/helsefellesskap/skropelige-eldre/';
const TRANSITIONS = '/helsefellesskap/overganger/';
const NOTE = { primary: 'Skjult: færre enn 5 personer', complementary: 'Skjult for å beskytte en annen celle' };
const LEVEL = { norway: 'Land', municipality: 'Kommune', hospital: 'Sykehusområde', district: 'Bydel' };
// Norwegian numbers: 8 584,2 (no-break space between thousands, decimal comma); percent 69,5%
const ONE_DECIMAL = /^-?\d{1,3}(\u00a0\d{3})*,\d$/;
const PERCENT = /^\d{1,3},\d[\s\u00a0]?%$/;

let server;
let baseUrl;
let browser;
let db;
let delivery;

const parquet = (mart) => `read_parquet('${path.join(exportsDir, `${mart}.parquet`).replaceAll("'", "''")}')`;

async function sql(query) {
	return (await db.runAndReadAll(query)).getRowObjectsJS();
}

/** A page in a fresh context (no remembered language), console errors and failed requests collected. */
async function openPage(route) {
	const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
	const page = await context.newPage();
	const errors = [];
	page.on('console', (msg) => msg.type() === 'error' && errors.push(`console: ${msg.text()}`));
	page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
	page.on('response', (res) => res.status() >= 400 && errors.push(`http ${res.status()}: ${res.url()}`));
	page.on('requestfailed', (req) => {
		if (req.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`requestfailed: ${req.url()}`);
	});
	await page.goto(`${baseUrl}${route}`, { waitUntil: 'networkidle' });
	return { page, errors, close: () => context.close() };
}

// The tab the tests share, in a context of its own: the first test opens its page in full, the
// others follow the site's links to theirs (lenker.mjs), so each page starts from its defaults
// (the tab's errors are emptied for each test). The English test opens its pages in full in
// fresh contexts (the language is chosen when the app loads).
const shared = {};

/** The shared tab on route (no query string): {page, errors}. */
async function show(route) {
	return visit(shared, route, openPage, 30_000);
}

/** Cell texts of the visible table inside [data-testid=<testid>] once check(rows, arg) holds. */
async function tableWhen(page, testid, check = (rows) => rows.length > 0, arg = null) {
	const handle = await page.waitForFunction(
		([id, source, a]) => {
			const table = Array.from(document.querySelectorAll(`[data-testid=${id}] table`)).find((t) => t.offsetHeight > 0);
			if (!table) return false;
			const rows = Array.from(table.querySelectorAll('tr'))
				.map((tr) => Array.from(tr.querySelectorAll('td[role=cell]')).map((td) => td.textContent.trim()))
				.filter((r) => r.length);
			return new Function('rows', 'arg', `return (${source})(rows, arg)`)(rows, a) ? rows : false;
		},
		[testid, check.toString(), arg],
		{ timeout: 30_000 }
	);
	return handle.jsonValue();
}

/** The file of a table's download button ('xlsx' or 'csv'): {name, bytes}. */
async function download(page, testid, format) {
	const button = page.locator(`[data-testid=${testid}] [data-testid=nedlasting] button[data-format=${format}]:visible`).first();
	const [file] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), button.click()]);
	return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
}

const near = (text, value, tolerance, where) =>
	assert.ok(Math.abs(parseNorwegianNumber(text) - value) <= tolerance + 1e-9, `${where}: page ${JSON.stringify(text)}, mart ${value}`);

/** The areas the by-area tables show: Norway and the health-community municipalities' areas. */
const shownAreas = (mart) => `(area_level = 'norway' or municipality_code in
	(select municipality_code from ${parquet(mart)} where area_level = 'district'))`;

/** fct_health_community_frail_elderly's rows the rate table shows: newest year, one group. */
async function frailCells(group) {
	const mart = 'fct_health_community_frail_elderly';
	return sql(`
		select case when area_level = 'norway' then 'Norge' else area_name end as label, area_level,
			frail_persons::double as persons, population, crude_rate, std_rate, std_rate_lower, std_rate_upper,
			is_suppressed, suppression_reason, year::int as year
		from ${parquet(mart)}
		where year = (select max(year) from ${parquet(mart)}) and functional_level_group = '${group}' and ${shownAreas(mart)}`);
}

/** Checks the rate table's rows against the mart's cells (columns as pages/helsefellesskap/skropelige-eldre.md). */
function checkFrailRows(rows, cells, group) {
	assert.equal(rows.length, cells.length, `${group}: one row per area`);
	for (const c of cells) {
		const where = `${group} ${c.label}`;
		const row = rows.find((r) => r[0] === c.label && r[1] === LEVEL[c.area_level]);
		assert.ok(row, `${where}: no row in ${JSON.stringify(rows.slice(0, 3))}`);
		if (c.is_suppressed) {
			assert.deepEqual([row[2], row[4], row[5], row[6], row[7]], ['-', '-', '-', '-', '-'], `${where}: hidden`);
			assert.equal(row[8], NOTE[c.suppression_reason], `${where}: note`);
			continue;
		}
		near(row[2], c.persons, 0, `${where} persons`);
		near(row[3], c.population, 0.5, `${where} population`);
		for (const [col, v] of [[4, c.crude_rate], [5, c.std_rate], [6, c.std_rate_lower], [7, c.std_rate_upper]]) {
			assert.match(row[col], ONE_DECIMAL, `${where} column ${col}`);
			near(row[col], v, 0.05, `${where} column ${col}`);
		}
		assert.ok(c.std_rate_lower <= c.std_rate && c.std_rate <= c.std_rate_upper, `${where}: the interval holds the rate`);
		assert.equal(row[8], '', `${where}: no note`);
	}
}

before(async () => {
	assert.ok(fs.existsSync(path.join(site, 'index.html')), `no built site in ${site}`);
	assert.ok(fs.existsSync(path.join(exportsDir, 'fct_health_community_frail_elderly.parquet')), `no municipal exports in ${exportsDir}`);
	server = await serveStatic(site, { host: '127.0.0.1', port: 0 });
	baseUrl = `http://127.0.0.1:${server.address().port}`;
	browser = await chromium.launch({
		executablePath: chromiumPath,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync']
	});
	db = await (await DuckDBInstance.create(':memory:')).connect();
	[delivery] = await sql(`select is_synthetic from ${parquet('dim_delivery')}`);
});

after(async () => {
	await shared.close?.();
	await browser?.close();
	await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

describe('health-community pages (municipal registers)', { concurrency: 1 }, () => {
	test('linked from the health-community page and the sidebar', async () => {
		const { page, errors } = await show('/helsefellesskap/');
		for (const [href, title] of [[FRAIL, 'Skrøpelige eldre'], [TRANSITIONS, 'Overganger og spesialisthelsetjenester']]) {
			const link = page.locator(`#evidence-main-article a[href^="${href.slice(0, -1)}"]`);
			assert.ok(await link.count() >= 1, `no link to ${href} in the text of /helsefellesskap/`);
			assert.match(await page.locator('aside').first().innerText(), new RegExp(title), `sidebar lacks ${title}`);
		}
		await page.locator(`#evidence-main-article a[href^="${FRAIL.slice(0, -1)}"]`).first().click();
		await page.waitForURL(/skropelige-eldre/);
		assert.equal((await page.locator('h1').first().textContent()).trim(), 'Skrøpelige eldre');
		assert.deepEqual(errors, []);
	});

	test('frail elderly: rates per 1,000 with intervals equal the mart, in Norwegian format; the functional-level buttons', async () => {
		const { page, errors } = await show(FRAIL);
		assert.equal(await page.evaluate(() => document.documentElement.lang), 'nb');
		if (delivery.is_synthetic) assert.match(await page.locator('[data-testid=synthetic-banner]').innerText(), /^Syntetiske data:/);
		const all = await frailCells('all');
		assert.ok(all.some((c) => !c.is_suppressed && c.area_level === 'norway'), 'test data: a published Norway rate');
		assert.ok(all.some((c) => c.area_level === 'district'), 'test data: districts');
		checkFrailRows(await tableWhen(page, 'frail-table', (rows, n) => rows.length === n, all.length), all, 'all');
		const head = await page.locator('[data-testid=frail-table] table:visible thead').innerText();
		assert.match(head, /Justert rate/);
		assert.match(head, /95 % konfidensintervall/);
		// the bars: one per area, hidden ones without a value (the visually hidden list)
		assert.ok(await page.locator('[data-testid=rate-bars] canvas').first().isVisible());
		// functional level 4-5: other figures, equal to that group's
		const poor = await frailCells('4-5');
		const norway = poor.find((c) => c.area_level === 'norway');
		await page.getByRole('button', { name: 'Dårlig / svært dårlig (4–5)', exact: true }).click();
		const rows = await tableWhen(page, 'frail-table',
			(r, want) => r.some((x) => x[0] === 'Norge' && Math.abs(Number(x[5].replace(/[\s\u00a0]/g, '').replace(',', '.')) - want) <= 0.05 + 1e-9),
			norway.std_rate);
		checkFrailRows(rows, poor, '4-5');
		assert.notEqual(norway.std_rate, all.find((c) => c.area_level === 'norway').std_rate, 'test data: the groups differ');
		assert.deepEqual(errors, []);
	});

	test('frail elderly: the services table equals the mart for the default area and for Norway', async () => {
		const { page, errors } = await show(FRAIL);
		const mart = 'fct_health_community_frail_elderly_services';
		const services = (where) => sql(`
			select service_name_nb as name, persons::double as persons, frail_persons::double as frail, share_of_frail as share,
				is_suppressed, suppression_reason
			from ${parquet(mart)} where year = (select max(year) from ${parquet(mart)}) and ${where} order by service_sort_order`);
		const check = (rows, cells, area) => {
			assert.deepEqual(rows.map((r) => r[0]), cells.map((c) => c.name), `${area}: the services in seed 001's order`);
			cells.forEach((c, i) => {
				const row = rows[i];
				if (c.is_suppressed) {
					assert.deepEqual([row[1], row[3]], ['-', '-'], `${area} ${c.name}: hidden`);
					assert.equal(row[4], NOTE[c.suppression_reason], `${area} ${c.name}: note`);
				} else {
					near(row[1], c.persons, 0, `${area} ${c.name} persons`);
					if (c.share == null) assert.equal(row[3], '-');
					else {
						assert.match(row[3], PERCENT, `${area} ${c.name} share`);
						near(row[3].replace('%', ''), c.share * 100, 0.05, `${area} ${c.name} share`);
					}
				}
			});
		};
		// the default area: the first health-community municipality (the one with districts)
		const [{ code }] = await sql(`select min(municipality_code) as code from ${parquet(mart)} where area_level = 'district'`);
		const municipality = await services(`area_level = 'municipality' and area_code = '${code}'`);
		assert.ok(municipality.some((c) => !c.is_suppressed), 'test data: a published service count');
		check(await tableWhen(page, 'services-table', (r, n) => r.length === n, municipality.length), municipality, code);
		const norway = await services(`area_level = 'norway'`);
		await page.getByRole('combobox', { name: 'Område', exact: true }).click();
		// the list shows its first options only: search (the bars' own <select> has a hidden option Norge too)
		await page.locator('[data-cmdk-input]:visible').fill('Norge');
		await page.getByRole('option', { name: 'Norge', exact: true }).filter({ visible: true }).click();
		const first = norway.find((c) => !c.is_suppressed);
		const rows = await tableWhen(page, 'services-table', (r, want) => r.some((x) => x[0] === want.name && Number(x[1].replace(/[\s\u00a0]/g, '')) === want.persons), first);
		check(rows, norway, 'norway');
		assert.deepEqual(errors, []);
	});

	test('frail elderly: the rate table as .xlsx and CSV, numbers typed, hidden cells empty with their note', async () => {
		const { page, errors } = await show(FRAIL);
		const cells = await frailCells('all');
		await tableWhen(page, 'frail-table', (rows, n) => rows.length === n, cells.length);
		const headers = ['Område', 'Nivå', 'Skrøpelige eldre', 'Innbyggere 75+', 'Rå rate', 'Justert rate',
			'95 % konfidensintervall – Nedre', '95 % konfidensintervall – Øvre', 'Merknad'];
		const xlsx = await download(page, 'frail-table', 'xlsx');
		assert.equal(xlsx.name, `skropelige_eldre_${cells[0].year}_all.xlsx`);
		const sheet = sheetRows(readSheet(xlsx.bytes, 1).cells);
		assert.deepEqual(sheet[0].map((c) => c.v), headers);
		const csv = await download(page, 'frail-table', 'csv');
		assert.equal(csv.name, `skropelige_eldre_${cells[0].year}_all.csv`);
		const lines = parseCsv(csv.bytes.toString('utf8').slice(1), ';');
		assert.deepEqual(lines[0], headers);
		for (const c of cells) {
			const row = sheet.find((r) => r[0]?.v === c.label && r[1]?.v === LEVEL[c.area_level]);
			const line = lines.find((r) => r[0] === c.label && r[1] === LEVEL[c.area_level]);
			assert.ok(row && line, `no downloaded row for ${c.label}`);
			if (c.is_suppressed) {
				assert.deepEqual([row[2], row[5], row[6]], [undefined, undefined, undefined], `${c.label}: hidden cells empty`);
				assert.deepEqual([line[2], line[5]], ['', ''], `${c.label}: hidden in the CSV`);
				assert.equal(row[8]?.v, NOTE[c.suppression_reason]);
			} else {
				assert.deepEqual([row[5].t, row[5].v], ['n', Math.round(c.std_rate * 10) / 10], `${c.label}: numeric rate`);
				assert.match(line[5], /^\d+,\d$/, `${c.label}: CSV rate ${line[5]}`);
			}
		}
		assert.deepEqual(errors, []);
	});

	test('transitions: each measure and the specialist-care table equal their marts; CSV download', async () => {
		const { page, errors } = await show(TRANSITIONS);
		const mart = 'fct_health_community_transitions';
		const measures = await sql(`
			select case when area_level = 'norway' then 'Norge' else area_name end as label, area_level, measure,
				measure_name_nb, index_stays::double as stays, numerator::double as numerator, share_of_stays as share,
				is_suppressed, suppression_reason, year::int as year
			from ${parquet(mart)} where year = (select max(year) from ${parquet(mart)}) and ${shownAreas(mart)}`);
		assert.ok(measures.some((c) => !c.is_suppressed && c.area_level === 'norway'), 'test data: a published Norway share');
		const buttons = { contact_before: 'Kontakt før innleggelse', follow_up: 'Oppfølging etter utskrivning', readmission: 'Reinnleggelse' };
		for (const [measure, button] of Object.entries(buttons)) {
			const cells = measures.filter((c) => c.measure === measure);
			if (measure !== 'contact_before') await page.getByRole('button', { name: button, exact: true }).click();
			const rows = await tableWhen(page, 'transitions-table',
				(r, want) => r.length === want.n && r.every((x) => x[2] === want.name), { n: cells.length, name: cells[0].measure_name_nb });
			for (const c of cells) {
				const where = `${measure} ${c.label}`;
				const row = rows.find((r) => r[0] === c.label && r[1] === LEVEL[c.area_level]);
				assert.ok(row, `${where}: no row`);
				if (c.stays == null) assert.equal(row[3], '-', `${where}: hidden index stays`);
				else near(row[3], c.stays, 0, `${where} stays`);
				if (c.is_suppressed) {
					assert.deepEqual([row[4], row[5]], ['-', '-'], `${where}: hidden`);
					assert.equal(row[6], NOTE[c.suppression_reason].replace('personer', 'opphold'), `${where}: note`);
				} else if (c.share == null) {
					// no index stays: no share, and the note says so
					assert.deepEqual([row[3], row[5], row[6]], ['0', '-', 'Ingen innleggelser'], `${where}: no stays`);
				} else {
					near(row[4], c.numerator, 0, `${where} numerator`);
					assert.match(row[5], PERCENT, `${where} share`);
					near(row[5].replace('%', ''), c.share * 100, 0.05, `${where} share`);
					assert.equal(row[6], '', `${where}: no note`);
				}
			}
		}
		const csv = await download(page, 'transitions-table', 'csv');
		assert.equal(csv.name, `overganger_${measures[0].year}_readmission.csv`);
		const lines = parseCsv(csv.bytes.toString('utf8').slice(1), ';');
		assert.deepEqual(lines[0], ['Område', 'Nivå', 'Mål', 'Innleggelser', 'Antall', 'Andel (%)', 'Merknad']);
		for (const c of measures.filter((x) => x.measure === 'readmission')) {
			const line = lines.find((r) => r[0] === c.label && r[1] === LEVEL[c.area_level]);
			assert.ok(line, `no CSV row for ${c.label}`);
			assert.equal(line[4], c.is_suppressed ? '' : String(c.numerator), `${c.label}: CSV numerator`);
		}
		// specialist care: frail against the other 75+, per area
		const sp = 'fct_health_community_specialist_use';
		const use = await sql(`
			select case when area_level = 'norway' then 'Norge' else area_name end as label, area_level, person_group_name_nb as grp,
				contacts::double as contacts, contacts_per_person as per_person, is_suppressed, suppression_reason
			from ${parquet(sp)} where year = (select max(year) from ${parquet(sp)}) and ${shownAreas(sp)}`);
		const rows = await tableWhen(page, 'specialist-table', (r, n) => r.length === n, use.length);
		for (const c of use) {
			const row = rows.find((r) => r[0] === c.label && r[1] === LEVEL[c.area_level] && r[2] === c.grp);
			assert.ok(row, `specialist ${c.label} ${c.grp}: no row`);
			if (c.is_suppressed) assert.deepEqual([row[4], row[5]], ['-', '-'], `specialist ${c.label} ${c.grp}: hidden`);
			else if (c.per_person == null) near(row[4], c.contacts, 0, `specialist ${c.label} ${c.grp} contacts (no persons)`);
			else {
				near(row[4], c.contacts, 0, `specialist ${c.label} ${c.grp} contacts`);
				assert.match(row[5], /^\d{1,3}(\u00a0\d{3})*,\d\d$/, `specialist ${c.label} per person`);
				near(row[5], c.per_person, 0.005, `specialist ${c.label} ${c.grp} per person`);
			}
		}
		assert.deepEqual(errors, []);
	});

	test('?lang=en: English labels from the marts, English numbers and download headers', async () => {
		const { page, errors, close } = await openPage(`${FRAIL}?lang=en`);
		assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
		const [norway] = (await frailCells('all')).filter((c) => c.area_level === 'norway');
		const rows = await tableWhen(page, 'frail-table', (r) => r.some((x) => x[0] === 'Norway' && x[1] === 'Country'));
		assert.match(rows.find((x) => x[0] === 'Norway')[5], /^[\d,]+\.\d$/, 'English rate');
		assert.ok(Math.abs(Number(rows.find((x) => x[0] === 'Norway')[5].replaceAll(',', '')) - norway.std_rate) <= 0.05 + 1e-9);
		const mart = 'fct_health_community_frail_elderly_services';
		const names = (await sql(`select distinct service_name_en as n, service_sort_order from ${parquet(mart)} order by service_sort_order`)).map((r) => r.n);
		const services = await tableWhen(page, 'services-table', (r, first) => r[0]?.[0] === first, names[0]);
		assert.deepEqual(services.map((r) => r[0]), names);
		if (delivery.is_synthetic) assert.match(await page.locator('[data-testid=synthetic-banner]').innerText(), /^Synthetic data:/);
		const csv = await download(page, 'frail-table', 'csv');
		const head = parseCsv(csv.bytes.toString('utf8').slice(1), ',')[0];
		assert.deepEqual(head.slice(0, 6), ['Area', 'Level', 'Frail elderly', 'Inhabitants 75+', 'Crude rate', 'Adjusted rate']);
		assert.deepEqual(errors, []);
		await close();
		const ov = await openPage(`${TRANSITIONS}?lang=en`);
		const [{ name }] = await sql(`select measure_name_en as name from ${parquet('fct_health_community_transitions')} where measure = 'contact_before' limit 1`);
		await tableWhen(ov.page, 'transitions-table', (r, n) => r.length > 0 && r.every((x) => x[2] === n), name);
		assert.deepEqual(ov.errors, []);
		await ov.close();
	});
});

