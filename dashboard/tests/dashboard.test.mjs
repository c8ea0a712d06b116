// End-to-end test of the built dashboard in headless Chromium (Debian's package, driven by
// playwright-core: no browser download). Run by `make test-dashboard`:
//   DASHBOARD_SITE=<built site> DASHBOARD_EXPORTS=<parquet folder> \
//   DASHBOARD_SCREENSHOTS=<folder> node --test tests/
// 1. every page (one per pages/**/*.md) loads without console errors, reached as a visitor does (a
//    tab opens its first page in full and follows the site's links to the others); a screenshot of each;
// 2. the rate the page shows equals the value in fct_utilisation_rates (read from the parquet
//    export with DuckDB, not from the page's own data);
// 3. changing a selector (period, area level) changes the figures, to the mart's values;
// 4. the RBF page's NOK per RHF equal fct_rbf_points, for the preliminary and (after a click on
//    "Endelig") the final calculation;
// 5. the NPR key-figure table shows every cell of fct_npr_key_figures, suppressed ones as
//    "Skjult (under 5)" (primary) or "Skjult (vern)" (complementary);
// 6. the procedure top-30 table equals fct_procedure_rankings, for volume and (after a click) cost;
// 7. bokmål: Norwegian number format (8 584,2), no English framework text ("Home", "72 Selected",
//    "Clear selection", "Download", "Page 1 / 9"), titles as written ("Om dataene"); ?lang=en
//    gives the marts' English labels and English numbers;
// 8. the RBF page is "Resultatbasert finansiering (RBF)" and opens on the newest RBF year with
//    published (not assumed) parameters;
// 9. primary and complementary suppression have different labels, each row's as in the mart,
//    and the note column is not cut off at 1440 px;
// 10. downloads (components/Nedlasting.svelte): the rate table of that selection and the NPR
//    key-figure table, as .xlsx (opened: numeric cells, hidden cells empty with their note, the
//    "Om tallene" sheet) and CSV (";" and decimal comma), named after the selection.
// 11. variation between areas (components/Variasjon.svelte): EQ, EQ2, CV, weighted CV and SCV
//    beside the rate chart equal fct_area_variation for the RHF and HF level, in Norwegian and
//    (?lang=en) English format; "not computed" where the mart has null; a note for own choice;
// 12. the RBF what-if (components/RbfHvaOm.svelte): the published NOK at the published parameters,
//    one RHF's higher attainment raises its NOK, a weight of 0 removes the indicator's points.
// 13. the NKI page: each share's 95 % interval (Wilson) in the table, in Norwegian format, equal
//    to fct_nki_indicators' share_lower/share_upper, empty where the share is hidden, and in the
//    CSV download;
// 14. the rate bars (components/RateBars.svelte): "Høyest verdi først" orders them by the mart's
//    rates, "Områderekkefølge" back; the area chosen in "Marker område" (a plain <select>) gets
//    an orange bar (read from the canvas pixels) and its name in bold, no other bar does.
// 15. every page of a synthetic delivery (dim_delivery) carries the banner "Syntetiske data ...
//    i skala <fraction> % ..." (components/Syntetisk.svelte); a real delivery's pages none.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { chromium } from 'playwright-core';
import { serveStatic } from '../scripts/serve.mjs';
import { parseNorwegianNumber } from '../components/norsk.js';
import { skala } from '../components/syntetisk.js';
import { readSheet, sheetRows, parseCsv } from './xlsx-les.mjs';
import { pageFile, pages, visit } from './lenker.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dashboardDir = path.join(here, '..');
const site = path.resolve(process.env.DASHBOARD_SITE ?? path.join(dashboardDir, 'build'));
const exportsDir = path.resolve(process.env.DASHBOARD_EXPORTS ?? '');
const shots = path.resolve(process.env.DASHBOARD_SCREENSHOTS ?? path.join(dashboardDir, '..', 'target', 'dashboard-test', 'screenshots'));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether a page is built from partials/rate-panel.md (has the rate table). */
const isRatePage = (file) => fs.readFileSync(file, 'utf8').includes('{@partial "rate-panel.md"}');

// How long a page may take to show what a test waits for. `make test` runs this beside the
// builds and pytest, and a page's data then took more than 10 s to arrive on two loaded cores.
const WAIT = 30_000;

let server;
let baseUrl;
// A Chromium profile per lane (launchPersistentContext; two lanes, see describe('dashboard')):
// its HTTP cache keeps the 18 MB DuckDB wasm and the JS chunks (served as immutable) and the
// compiled wasm between pages, instead of downloading and compiling them again for each page.
// A page opened in full (openPage) starts as a new visitor (newPage clears the site's stored
// data, such as the remembered ?lang=). Most pages are reached through the site's links
// instead (follow): a full load costs Chromium about three times the CPU of a link followed
// (benchmarks/README.md), and the tests open some sixty pages.
const lanes = [];
let tourContext; // the page tour
let context; // the tests of the figures
let db;
let delivery; // dim_delivery's row: is_synthetic, population_fraction

async function launchLane() {
	const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-test-'));
	lanes.push({ profileDir });
	const lane = await chromium.launchPersistentContext(profileDir, {
		executablePath: chromiumPath,
		headless: true,
		acceptDownloads: true,
		args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync']
	});
	lanes.at(-1).context = lane;
	return lane;
}

async function sql(query) {
	const reader = await db.runAndReadAll(query);
	return reader.getRowObjectsJS();
}

const parquet = (mart) => `read_parquet('${path.join(exportsDir, `${mart}.parquet`).replaceAll("'", "''")}')`;

/** A new tab with none of the site's stored data (localStorage etc.; the HTTP cache is kept). */
async function newPage(viewport = { width: 1400, height: 1000 }, lane = context) {
	const page = await lane.newPage();
	await page.setViewportSize(viewport);
	const cdp = await lane.newCDPSession(page);
	await cdp.send('Storage.clearDataForOrigin', { origin: baseUrl, storageTypes: 'local_storage,indexeddb,cache_storage' });
	await cdp.detach();
	return page;
}

/** A page with console errors and uncaught exceptions collected. */
async function openPage(route, lane = context) {
	const page = await newPage(undefined, lane);
	const errors = [];
	page.on('console', (msg) => {
		if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
	});
	page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
	page.on('response', (res) => {
		if (res.status() >= 400) errors.push(`http ${res.status()}: ${res.url()}`);
	});
	// a cancelled fetch (net::ERR_ABORTED: a newer query superseded it) is not a failure
	page.on('requestfailed', (req) => {
		if (req.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`);
	});
	await page.goto(`${baseUrl}${route}`, { waitUntil: 'networkidle' });
	return { page, errors };
}

// The tab the tests of the figures share: {page, errors}. The first test opens it in full; the
// others reach their page through a link of the site (follow), as a visitor does, so the page
// starts from its defaults (the tab's errors are emptied for each test). The tests that switch
// the language open pages of their own in full (the language is chosen when the app loads).
const figures = {};

/** The shared tab on route (no query string), at viewport; {page, errors}. */
async function show(route, viewport = { width: 1400, height: 1000 }) {
	await visit(figures, route, openPage, WAIT);
	await figures.page.setViewportSize(viewport);
	// the rate panel remembers its tab (Tabs id=visning) between pages: back to its default
	if (isRatePage(pageFile(route))) await figures.page.getByRole('button', { name: 'Søylediagram', exact: true }).click();
	return figures;
}

// The rows of the rate table (the DataTable also renders a hidden copy: take the visible one).
const ROWS = '[data-testid=rate-table] table:visible tr:has(td[role=cell])';

/** Opens the "Tabell" tab, waits until the rate table has rows; returns them as cell texts. */
async function tableRows(page) {
	if ((await page.locator('[data-testid=rate-table]').count()) === 0) {
		await page.getByRole('button', { name: 'Tabell', exact: true }).click();
	}
	await page.locator(ROWS).first().waitFor({ timeout: WAIT });
	return page.locator(ROWS).evaluateAll((trs) =>
		trs.map((tr) => Array.from(tr.querySelectorAll('td[role=cell]')).map((td) => td.textContent.trim()))
	);
}

/** Waits until the visible rate table satisfies check(rows) (rows as cell texts). */
async function waitForRows(page, check, arg) {
	await page.waitForFunction(
		([source, a]) => {
			const table = Array.from(document.querySelectorAll('[data-testid=rate-table] table')).find((t) => t.offsetHeight > 0);
			if (!table) return false;
			const rows = Array.from(table.querySelectorAll('tr'))
				.map((tr) => Array.from(tr.querySelectorAll('td[role=cell]')).map((td) => td.textContent.trim()))
				.filter((r) => r.length);
			return new Function('rows', 'arg', `return (${source})(rows, arg)`)(rows, a);
		},
		[check.toString(), arg],
		{ timeout: WAIT }
	);
}

// Numbers as the page shows them: Norwegian format (8 584,2); NaN for anything else.
const number = (text) => parseNorwegianNumber(text);
// The notes of primary and complementary suppression (partials/rate-panel.md).
const PRIMARY = 'Skjult: færre enn 5 hendelser';
const COMPLEMENTARY = 'Skjult for å beskytte en annen celle';
const suppressionNote = (reason) => (reason === 'complementary' ? COMPLEMENTARY : reason === 'primary' ? PRIMARY : '');
// Columns of the rate table (partials/rate-panel.md): area, level, events, population, crude, std, lower, upper, note.
const STD_RATE = 5;
// The page the value and selector tests use.
const PAGE = '/somatikk/poliklinikk/';

/** The sample a page shows first (knapper.utvalg in the page file). */
function defaultSample(route) {
	const file = path.join(dashboardDir, 'pages', `${route.slice(1, -1)}.md`);
	return /utvalg: '(\w+)'/.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? null;
}

/** The mart's value for the page's default sample, the newest complete year and an area. */
async function martRate({ route, measure, provider, period, level = 'norway', code = 'norway' }) {
	const [cell] = await sql(`
		with sample as (
			select '${defaultSample(route)}' as sample_id
		), newest as (
			select year from ${parquet('dim_periods')} where is_newest_complete_year limit 1
		)
		select r.std_rate, r.is_suppressed, r.suppression_reason from ${parquet('fct_utilisation_rates')} as r
		where r.sample_id = (select sample_id from sample) and r.measure = '${measure}'
			and r.provider_option = '${provider}' and r.year = (select year from newest)
			and r.period = '${period}' and r.area_level = '${level}' and r.area_code = '${code}'`);
	return cell;
}

/** Cell texts of the visible table inside [data-testid=<testid>], once it has rows. */
async function rowsOf(page, testid) {
	const rows = `[data-testid=${testid}] table:visible tr:has(td[role=cell])`;
	await page.locator(rows).first().waitFor({ timeout: WAIT });
	return page.locator(rows).evaluateAll((trs) =>
		trs.map((tr) => Array.from(tr.querySelectorAll('td[role=cell]')).map((td) => td.textContent.trim()))
	);
}

/** Waits until the visible table inside [data-testid=<testid>] satisfies check(rows, arg). */
async function waitForTable(page, testid, check, arg) {
	await page.waitForFunction(
		([id, source, a]) => {
			const table = Array.from(document.querySelectorAll(`[data-testid=${id}] table`)).find((t) => t.offsetHeight > 0);
			if (!table) return false;
			const rows = Array.from(table.querySelectorAll('tr'))
				.map((tr) => Array.from(tr.querySelectorAll('td[role=cell]')).map((td) => td.textContent.trim()))
				.filter((r) => r.length);
			return new Function('rows', 'arg', `return (${source})(rows, arg)`)(rows, a);
		},
		[testid, check.toString(), arg],
		{ timeout: WAIT }
	);
}

/** The RBF year the page shows first: the newest with published (not assumed) parameters. */
async function rbfDefaultYear() {
	const [{ y }] = await sql(`select max(rbf_year)::int as y from ${parquet('fct_rbf_points')} where not is_assumed`);
	return y;
}

/** fct_rbf_points' NOK per RHF name for the RBF year the page shows first and a calculation. */
async function martNok(calculation) {
	const rows = await sql(`
		with newest as (
			select max(rbf_year) as rbf_year from ${parquet('fct_rbf_points')} where not is_assumed
		)
		select rhf_name, nok::double as nok from ${parquet('fct_rbf_points')}
		where rbf_year = (select rbf_year from newest) and calculation = '${calculation}'
		order by rhf_code`);
	return rows;
}

/**
 * Clicks the download button (format 'xlsx' or 'csv') of the table inside [data-testid=<testid>]
 * and returns the file: {name (as the browser saves it), bytes}.
 */
async function download(page, testid, format) {
	const button = page.locator(`[data-testid=${testid}] [data-testid=nedlasting] button[data-format=${format}]:visible`).first();
	const [file] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), button.click()]);
	return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
}

/** The export's time (clinical-dashboard export's _manifest.json), which the downloads carry. */
function exportedAt() {
	const file = path.join(exportsDir, '_manifest.json');
	return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).exported_at : null;
}

/** The "Om tallene" sheet as {label: text}. */
function aboutSheet(bytes) {
	return Object.fromEntries(sheetRows(readSheet(bytes, 2).cells).filter((r) => r[0]).map((r) => [r[0].v, r[1]?.v]));
}

// Columns of the RBF points table (pages/rbf.md): RHF, points, key, weighted, factor, normalised, NOK, note.
const RBF_NOK = 6;

before(async () => {
	assert.ok(fs.existsSync(path.join(site, 'index.html')), `no built site in ${site}`);
	assert.ok(fs.existsSync(path.join(exportsDir, 'fct_utilisation_rates.parquet')), `no exports in ${exportsDir}`);
	fs.mkdirSync(shots, { recursive: true });
	server = await serveStatic(site, { host: '127.0.0.1', port: 0 });
	baseUrl = `http://127.0.0.1:${server.address().port}`;
	tourContext = await launchLane();
	context = await launchLane();
	db = await (await DuckDBInstance.create(':memory:')).connect();
	[delivery] = await sql(`select is_synthetic, population_fraction from ${parquet('dim_delivery')}`);
	assert.ok(delivery, 'dim_delivery has no row');
});

after(async () => {
	for (const lane of lanes) {
		await lane.context?.close();
		fs.rmSync(lane.profileDir, { recursive: true, force: true });
	}
	await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

// Two lanes at once, each with its own Chromium (and so its own HTTP cache and localStorage): the
// page tour, and the tests of the figures one after another. The pages wait on data and timers
// much of the time, so the two overlap well even on two cores.
describe('dashboard', { concurrency: 2 }, () => {
	test('every page loads without console errors (screenshots saved)', async () => {
		const all = pages();
		assert.ok(all.length >= 5, `expected the dashboard's pages, found ${all.map((p) => p.route).join(', ')}`);
		let failures = [];
		// A tab opens its first page in full and reaches the others as a visitor does, through a
		// link of the site (lenker.mjs). The tests below open the pages whose figures they check.
		const tour = async (tab, { route, file }, i) => {
			const { page, errors } = await visit(tab, route, (r) => openPage(r, tourContext), WAIT);
			if (isRatePage(file)) {
				// the figures have arrived: bars first (default tab), then the table
				await page.locator('[data-testid=rate-bars] canvas').first().waitFor({ timeout: WAIT });
				await tableRows(page);
				await page.getByRole('button', { name: 'Søylediagram', exact: true }).click();
			}
			// synthetic data are said so on every page, with the scale; real data: no banner
			const banner = page.locator('[data-testid=synthetic-banner]');
			if (delivery.is_synthetic) {
				await banner.waitFor({ timeout: WAIT }).catch((err) => {
					throw new Error(`${route}: no synthetic-data banner (${err.message.split('\n')[0]})`);
				});
				const text = (await banner.textContent()).trim();
				assert.ok(text.startsWith('Syntetiske data:'), `${route}: banner ${JSON.stringify(text)}`);
				if (delivery.population_fraction !== 1) {
					assert.ok(text.includes(`i skala ${skala(delivery.population_fraction)} av nasjonalt volum`),
						`${route}: banner ${JSON.stringify(text)} lacks the scale ${delivery.population_fraction}`);
				}
			} else {
				assert.equal(await banner.count(), 0, `${route}: a banner for real data`);
			}
			await page.waitForTimeout(500);
			const name = route === '/' ? 'index' : route.slice(1, -1).replaceAll('/', '__');
			await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
			if (errors.length) failures[i] = `${route}:\n  ${errors.join('\n  ')}`;
		};
		// two tabs at a time (each visit's console errors are its own: a tab visits one page at a
		// time): while one waits for its data or its screenshot, the other works
		let next = 0;
		let stop = false;
		const walk = async () => {
			const tab = {};
			try {
				while (next < all.length && !stop) {
					const i = next++;
					await tour(tab, all[i], i).catch((err) => {
						stop = true;
						throw err;
					});
				}
			} finally {
				await tab.page?.close();
			}
		};
		const thrown = (await Promise.allSettled([walk(), walk()])).find((r) => r.status === 'rejected');
		if (thrown) throw thrown.reason;
		failures = failures.filter(Boolean);
		assert.deepEqual(failures, [], failures.join('\n'));
	});

	describe('figures', { concurrency: 1 }, () => {
		test('the rate shown equals fct_utilisation_rates', async () => {
			const { page, errors } = await show(PAGE);
			const rows = await tableRows(page);
			const norway = rows.find((r) => r[0] === 'Norge');
			assert.ok(norway, `no Norway row in ${JSON.stringify(rows.slice(0, 3))}`);
			const expected = await martRate({ route: PAGE, measure: 'contacts', provider: 'inclusive', period: 'year' });
			assert.equal(expected.is_suppressed, false);
			assert.ok(Math.abs(number(norway[STD_RATE]) - expected.std_rate) <= 0.05 + 1e-9,
				`page shows ${norway[STD_RATE]}, fct_utilisation_rates has ${expected.std_rate}`);
			// every RHF row as well
			const rhfs = await sql(`select area_name, area_code from ${parquet('dim_areas')} where area_level = 'rhf'`);
			assert.equal(rows.length, 1 + rhfs.length, 'Norway and the RHF areas by default');
			for (const { area_name, area_code } of rhfs) {
				const row = rows.find((r) => r[0] === area_name);
				const cell = await martRate({ route: PAGE, measure: 'contacts', provider: 'inclusive', period: 'year', level: 'rhf', code: area_code });
				if (cell.is_suppressed) assert.equal(row[8], suppressionNote(cell.suppression_reason));
				else assert.ok(Math.abs(number(row[STD_RATE]) - cell.std_rate) <= 0.05 + 1e-9, `${area_name}: ${row[STD_RATE]} vs ${cell.std_rate}`);
			}
			assert.deepEqual(errors, []);
		});

		test('changing a selector changes the figures', async () => {
			const { page, errors } = await show(PAGE);
			const before = await tableRows(page);
			const norwayBefore = before.find((r) => r[0] === 'Norge')[STD_RATE];

			// period: whole year -> T1 (population x 4/12, so a different rate)
			await page.getByRole('button', { name: /^T1/ }).click();
			const t1 = await martRate({ route: PAGE, measure: 'contacts', provider: 'inclusive', period: 'T1' });
			await waitForRows(page, (rows, old) => rows.some((r) => r[0] === 'Norge' && r[5] !== old), norwayBefore);
			const afterPeriod = await tableRows(page);
			const norwayT1 = afterPeriod.find((r) => r[0] === 'Norge')[STD_RATE];
			assert.notEqual(norwayT1, norwayBefore);
			assert.ok(Math.abs(number(norwayT1) - t1.std_rate) <= 0.05 + 1e-9, `T1: page ${norwayT1}, mart ${t1.std_rate}`);

			// area level: RHF -> HF areas (Norway stays)
			const [{ n }] = await sql(`select count(*)::int as n from ${parquet('dim_areas')} where area_level = 'hf'`);
			await page.getByRole('button', { name: 'HF', exact: true }).click();
			await waitForRows(page, (rows, expected) => rows.length === expected, 1 + n);
			const hf = await tableRows(page);
			assert.equal(hf.length, 1 + n);
			assert.ok(hf.some((r) => r[0] === 'Norge'), 'Norway is always shown');
			assert.deepEqual(errors, []);
		});

		test('the RBF page shows the NOK of fct_rbf_points; preliminary -> final changes them to the final ones', async () => {
			const { page, errors } = await show('/rbf/');
			const preliminary = await martNok('preliminary');
			const final = await martNok('final');
			assert.equal(preliminary.length, 4, 'four RHFs in the preliminary calculation');
			assert.equal(final.length, 4, 'four RHFs in the final calculation');
			assert.ok(preliminary.some((p, i) => p.nok !== final[i].nok), 'test data: preliminary and final NOK differ');

			const shown = await rowsOf(page, 'rbf-points');
			assert.equal(shown.length, preliminary.length);
			for (const { rhf_name, nok } of preliminary) {
				const row = shown.find((r) => r[0] === rhf_name);
				assert.ok(row, `no row for ${rhf_name} in ${JSON.stringify(shown)}`);
				assert.equal(number(row[RBF_NOK]), nok, `${rhf_name} preliminary: page ${row[RBF_NOK]}, fct_rbf_points ${nok}`);
			}
			// the comparison table: preliminary and final side by side, difference = final - preliminary
			const comparison = await rowsOf(page, 'rbf-comparison');
			for (const [i, { rhf_name, nok }] of preliminary.entries()) {
				const row = comparison.find((r) => r[0] === rhf_name);
				assert.equal(number(row[1]), nok);
				assert.equal(number(row[2]), final[i].nok);
				assert.equal(number(row[3]), final[i].nok - nok, `${rhf_name}: difference ${row[3]}`);
			}

			await page.getByRole('button', { name: 'Endelig', exact: true }).click();
			await waitForTable(page, 'rbf-points', (rows, [col, expected]) =>
				expected.every(({ rhf_name, nok }) => rows.some((r) => r[0] === rhf_name && Number(r[col].replace(/[^0-9.-]/g, '')) === nok)),
				[RBF_NOK, final]);
			const after = await rowsOf(page, 'rbf-points');
			for (const { rhf_name, nok } of final) {
				const row = after.find((r) => r[0] === rhf_name);
				assert.equal(number(row[RBF_NOK]), nok, `${rhf_name} final: page ${row[RBF_NOK]}, fct_rbf_points ${nok}`);
			}
			assert.deepEqual(errors, []);
		});

		test('NPR key figures: every cell equals fct_npr_key_figures, suppressed cells show "Skjult (under 5)" or "Skjult (vern)"', async () => {
			const { page, errors } = await show('/npr-nokkeltall/');
			const cells = await sql(`
				with newest as (select max(year) as year from ${parquet('fct_npr_key_figures')})
				select figure_name_nb, region_code, value, pct_change, is_suppressed, suppression_reason
				from ${parquet('fct_npr_key_figures')} where year = (select year from newest)`);
			const suppressed = cells.filter((c) => c.is_suppressed);
			assert.ok(suppressed.length > 0, 'test data: the newest year has suppressed key figures');
			const shown = await rowsOf(page, 'key-figures');
			const regions = ['norway', '1', '2', '3', '4'];
			let checked = 0;
			for (const c of cells) {
				const row = shown.find((r) => r[0] === c.figure_name_nb);
				assert.ok(row, `no row for ${c.figure_name_nb}`);
				const col = 1 + 2 * regions.indexOf(c.region_code);
				assert.ok(col >= 1, `unexpected region ${c.region_code}`);
				if (c.is_suppressed) {
					const label = c.suppression_reason === 'complementary' ? 'Skjult (vern)' : 'Skjult (under 5)';
					assert.equal(row[col], label, `${c.figure_name_nb} / ${c.region_code} is suppressed (${c.suppression_reason})`);
					assert.equal(row[col + 1], label);
				} else {
					assert.equal(number(row[col]), c.value, `${c.figure_name_nb} / ${c.region_code}: page ${row[col]}, mart ${c.value}`);
					if (c.pct_change != null) {
						assert.ok(Math.abs(number(row[col + 1]) - c.pct_change) <= 0.05 + 1e-9,
							`${c.figure_name_nb} / ${c.region_code}: change ${row[col + 1]}, mart ${c.pct_change}`);
					}
				}
				checked += 1;
			}
			assert.equal(checked, cells.length);
			const labels = new Set(suppressed.map((c) => c.suppression_reason));
			assert.ok(labels.has('primary'), 'test data: a primary-suppressed key figure');
			assert.deepEqual(errors, []);
		});

		test('procedure rankings: the top-30 table equals fct_procedure_rankings, volume -> cost switches the ranking', async () => {
			const { page, errors } = await show('/somatikk/prosedyrer/');
			const ranking = (name) => sql(`
				select rank::int as rank, branch_name, volume::double as volume, annual_cost_nok::double as cost, is_suppressed
				from ${parquet('fct_procedure_rankings')} where ranking = '${name}' order by rank`);
			const volume = await ranking('volume');
			const cost = await ranking('cost');
			assert.ok(volume.length > 0 && cost.length > 0);
			const check = (shown, expected, label) => {
				assert.equal(shown.length, expected.length, `${label}: ${shown.length} rows shown`);
				for (const [i, r] of expected.entries()) {
					assert.equal(Number(shown[i][0]), r.rank, `${label} row ${i}`);
					assert.equal(shown[i][1], r.branch_name, `${label} rank ${r.rank}`);
					if (r.is_suppressed) assert.match(shown[i][5], /^Skjult/);
					else {
						assert.equal(number(shown[i][2]), r.volume, `${label} ${r.branch_name} volume`);
						assert.equal(number(shown[i][3]), r.cost, `${label} ${r.branch_name} cost`);
					}
				}
			};
			check(await rowsOf(page, 'ranking-table'), volume, 'volume');
			await page.getByRole('button', { name: 'Kostnad', exact: true }).click();
			// wait for the whole table to show the cost order (rank 1 can be the same branch in both)
			await waitForTable(page, 'ranking-table', (rows, names) =>
				rows.length === names.length && rows.every((r, i) => r[1] === names[i]), cost.map((r) => r.branch_name))
				.catch(() => {}); // on a timeout, check() below says what differs
			check(await rowsOf(page, 'ranking-table'), cost, 'cost');
			assert.deepEqual(errors, []);
		});

		test('bokmål: Norwegian number format and no English framework text', async () => {
			const { page, errors } = await show(PAGE);
			assert.equal(await page.evaluate(() => document.documentElement.lang), 'nb');
			const rows = await tableRows(page);
			const norway = rows.find((r) => r[0] === 'Norge');
			// "Innbyggere" (population, always >= 1000) with a no-break space between thousands, the
			// rates with a decimal comma: 8 584,2 and never 8,584.2
			assert.match(norway[3], /^\d{1,3}(\u00a0\d{3})+$/, `population ${JSON.stringify(norway[3])}`);
			for (const col of [STD_RATE, 6, 7]) {
				assert.match(norway[col], /^\d{1,3}(\u00a0\d{3})*,\d$/, `column ${col}: ${JSON.stringify(norway[col])}`);
			}
			// sidebar and breadcrumbs: "Forside", titles as written (innerText applies text-transform)
			const sidebar = await page.locator('aside').first().innerText();
			assert.match(sidebar, /Forside/);
			assert.match(sidebar, /Om dataene/);
			assert.doesNotMatch(sidebar, /\bHome\b|Om Dataene|Nøkkeltall Fra NPR/);
			// the multi-select of areas: "72 valgt", not "72 Selected"; open it: "Fjern valg", "Velg alle"
			const text = await page.locator('body').innerText();
			assert.match(text, /\d+ valgt/);
			assert.doesNotMatch(text, /Selected|\bHome\b/);
			await page.getByRole('combobox', { name: 'Egne valg av områder' }).click();
			await page.getByText('Fjern valg', { exact: true }).waitFor({ timeout: WAIT });
			assert.equal(await page.getByText('Clear selection').count(), 0);
			await page.keyboard.press('Escape');
			// the table's downloads: our Excel and CSV buttons, not Evidence's own (one way to download)
			const buttons = page.locator('[data-testid=rate-table] [data-testid=nedlasting] button:visible');
			assert.deepEqual((await buttons.allInnerTexts()).map((t) => t.trim()), ['Last ned Excel', 'Last ned CSV']);
			await page.locator('[data-testid=rate-table] table:visible').hover();
			assert.equal(await page.locator('button.download-button').count(), 0, 'Evidence\'s download button is off');
			assert.deepEqual(errors, []);

			// pagination: "Side 1 / n", not "Page 1 / n" (the page translates Evidence's text as it
			// appears: wait for the pager's numbers, then for the translation, at most 30 s)
			const om = await show('/om-dataene/');
			await om.page.locator('.pagination:visible').first().waitFor({ timeout: WAIT });
			await om.page
				.waitForFunction(
					() =>
						[...document.querySelectorAll('.pagination')].some(
							(el) => el.offsetParent !== null && /Side\s*\d+\s*\/\s*\d+/.test(el.innerText)
						),
					null,
					{ timeout: WAIT }
				)
				.catch(() => {}); // the assertions below say what the pager shows instead
			const pager = await om.page.locator('.pagination:visible').first().innerText();
			assert.match(pager, /Side/);
			assert.doesNotMatch(pager, /Page/);
			assert.deepEqual(om.errors, []);
		});

		test('?lang=en: the marts\' English labels and English number format', async () => {
			const { page, errors } = await openPage(`${PAGE}?lang=en`);
			const [{ name }] = await sql(`select area_name_en as name from ${parquet('dim_areas')} where area_level = 'norway'`);
			await tableRows(page);
			// the prerendered (bokmål) rows come first, the English ones when the queries have run again
			await waitForRows(page, (rows, n) => rows.some((r) => r[0] === n), name);
			const rows = await tableRows(page);
			const norway = rows.find((r) => r[0] === name);
			assert.ok(norway, `no ${name} row in ${JSON.stringify(rows.slice(0, 2))}`);
			assert.match(norway[3], /^\d{1,3}(,\d{3})+$/, `population ${norway[3]}`);
			assert.match(norway[STD_RATE], /^[\d,]+\.\d$/, `rate ${norway[STD_RATE]}`);
			assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
			if (delivery.is_synthetic) {
				const banner = (await page.locator('[data-testid=synthetic-banner]').textContent()).trim();
				assert.ok(banner.startsWith('Synthetic data:'), `English banner ${JSON.stringify(banner)}`);
			}
			assert.deepEqual(errors, []);
			await page.close();
			// back to bokmål (the choice is remembered until changed)
			const nb = await openPage(`${PAGE}?lang=nb`);
			assert.ok((await tableRows(nb.page)).some((r) => r[0] === 'Norge'));
			await nb.page.close();
		});

		test('RBF: "Resultatbasert finansiering", opens on the newest year with published parameters', async () => {
			const { page, errors } = await show('/rbf/');
			assert.equal((await page.locator('h1').first().textContent()).trim(), 'Resultatbasert finansiering (RBF)');
			const year = await rbfDefaultYear();
			const [{ assumedNewer }] = await sql(`select count(*)::int as assumedNewer from ${parquet('fct_rbf_points')} where rbf_year > ${year}`);
			assert.ok(assumedNewer > 0, 'test data: a newer RBF year with assumed parameters exists (the old default)');
			const text = await page.locator('body').innerText();
			assert.match(text, new RegExp(`Nyeste år med publiserte parametere \\(${year}\\)`));
			assert.match(text, new RegExp(`RBF ${year}, foreløpig beregning: budsjett \\d{1,3}(\\u00a0\\d{3})+ kr`));
			assert.doesNotMatch(text, /Kvalitetsbasert|seed 0|completeness_thresholds/i);
			assert.match(await page.locator('aside').first().innerText(), /Resultatbasert finansiering \(RBF\)/);
			assert.deepEqual(errors, []);
			const index = await show('/');
			const links = await index.page.locator('article a[href="/rbf"]').allInnerTexts();
			assert.ok(links.includes('Resultatbasert finansiering (RBF)'), `front page links: ${links}`);
			assert.doesNotMatch(await index.page.locator('body').innerText(), /Kvalitetsbasert/);
		});

		test('primary and complementary suppression are labelled differently, as in the mart; notes not cut off at 1440 px', async () => {
			// a rate page, sample, period and area level with both kinds of suppression (the page's
			// default measure and provider option: the first of its knapper)
			const candidates = pages().filter(({ file }) => isRatePage(file)).map(({ route, file }) => {
				const text = fs.readFileSync(file, 'utf8');
				const [, area, subArea] = /select '(\w+)' as area, '(\w+)' as sub_area/.exec(text);
				return { route, area, subArea, measure: /maal: \[\['(\w+)'/.exec(text)[1], provider: /leverandor: \[\['(\w+)'/.exec(text)[1] };
			});
			const values = candidates.map((c) => `('${c.route}', '${c.area}', '${c.subArea}', '${c.measure}', '${c.provider}')`).join(', ');
			const [choice] = await sql(`
				with newest as (select year from ${parquet('dim_periods')} where is_newest_complete_year limit 1),
				pages(route, area, sub_area, measure, provider) as (values ${values})
				select p.route, s.sample_id, s.name_nb, p.measure, p.provider, r.period, r.area_level
				from pages as p
				inner join ${parquet('dim_samples')} as s on s.area = p.area and s.sub_area = p.sub_area
				inner join ${parquet('fct_utilisation_rates')} as r
					on r.sample_id = s.sample_id and r.measure = p.measure and r.provider_option = p.provider
				where r.year = (select year from newest) and r.area_level in ('rhf', 'hf', 'hospital')
				group by p.route, s.sample_id, s.name_nb, p.measure, p.provider, r.period, r.area_level
				having count(case when r.suppression_reason = 'primary' then 1 end) > 0
					and count(case when r.suppression_reason = 'complementary' then 1 end) > 0
				order by case r.period when 'year' then 0 else 1 end, case r.area_level when 'hf' then 0 when 'rhf' then 1 else 2 end,
					p.route, s.sample_id
				limit 1`);
			assert.ok(choice, 'test data: a rate page selection with primary and complementary suppression');
			const { page, errors } = await show(choice.route, { width: 1440, height: 1000 });
			await tableRows(page);
			if (choice.sample_id !== defaultSample(choice.route)) {
				await page.getByRole('combobox', { name: 'Utvalg' }).click();
				await page.getByRole('option', { name: choice.name_nb, exact: true }).click();
				await page.keyboard.press('Escape');
			}
			if (choice.period !== 'year') {
				const [{ label }] = await sql(`select period_label_nb as label from ${parquet('dim_periods')} where period = '${choice.period}' limit 1`);
				await page.getByRole('button', { name: label, exact: true }).click();
			}
			const levelButton = { rhf: 'RHF', hf: 'HF', hospital: 'Sykehus' }[choice.area_level];
			if (choice.area_level !== 'rhf') await page.getByRole('button', { name: levelButton, exact: true }).click();
			const expected = await sql(`
				with newest as (select year from ${parquet('dim_periods')} where is_newest_complete_year limit 1)
				select r.area_name, r.suppression_reason, r.events
				from ${parquet('fct_utilisation_rates')} as r
				where r.sample_id = '${choice.sample_id}' and r.measure = '${choice.measure}' and r.provider_option = '${choice.provider}'
					and r.year = (select year from newest) and r.period = '${choice.period}'
					and r.area_level in ('norway', '${choice.area_level}')`);
			// the selection has arrived: as many rows as the mart, and the suppressed ones labelled
			const names = expected.filter((e) => e.suppression_reason).map((e) => e.area_name);
			await waitForRows(page, (rows, [n, hidden]) => rows.length === n && hidden.every((a) => rows.some((r) => r[0] === a && r[8])),
				[expected.length, names]);
			const rows = await tableRows(page);
			const seen = new Set();
			for (const e of expected) {
				const row = rows.find((r) => r[0] === e.area_name);
				assert.ok(row, `no row for ${e.area_name}`);
				assert.equal(row[8], suppressionNote(e.suppression_reason), `${e.area_name} (${e.suppression_reason})`);
				if (e.suppression_reason) {
					seen.add(row[8]);
					assert.equal(row[2], '-', `${e.area_name}: a suppressed count is not shown`);
				}
			}
			assert.deepEqual([...seen].sort(), [COMPLEMENTARY, PRIMARY].sort());
			// both labels are explained on the page
			const text = await page.locator('body').innerText();
			assert.ok(text.includes(`"${PRIMARY}"`) && text.includes(`"${COMPLEMENTARY}"`), 'the page explains both labels');
			// the note is readable in full at 1440 px: its cell is inside the table's visible box
			// and the text is not clipped
			const clipped = await page.locator('[data-testid=rate-table] table:visible').evaluate((table) => {
				const box = table.parentElement.getBoundingClientRect();
				return Array.from(table.querySelectorAll('tr:has(td[role=cell])'))
					.map((tr) => tr.querySelectorAll('td[role=cell]')[8])
					.filter((td) => td && td.textContent.trim())
					.filter((td) => td.getBoundingClientRect().right > box.right + 1 || td.scrollWidth > td.clientWidth + 1)
					.map((td) => td.textContent.trim());
			});
			assert.deepEqual(clipped, [], 'notes cut off at 1440 px');
			await page.screenshot({ path: path.join(shots, 'suppression-1440.png'), fullPage: true });

			// the downloads of this selection: named after it, Norwegian headers, typed numbers,
			// hidden cells empty with the note, the source and the suppression rule in the file
			const figures = await sql(`
				with newest as (select year from ${parquet('dim_periods')} where is_newest_complete_year limit 1)
				select r.area_name, r.events::double as events, r.std_rate, r.suppression_reason, (select year from newest)::int as year
				from ${parquet('fct_utilisation_rates')} as r
				where r.sample_id = '${choice.sample_id}' and r.measure = '${choice.measure}' and r.provider_option = '${choice.provider}'
					and r.year = (select year from newest) and r.period = '${choice.period}'
					and r.area_level in ('norway', '${choice.area_level}')`);
			const stem = ['rater', choice.sample_id, figures[0].year, choice.period, choice.area_level].join('_').toLowerCase();
			const headers = ['Område', 'Nivå', 'Antall', 'Innbyggere', 'Rå rate', 'Justert rate', 'Nedre 95 % KI', 'Øvre 95 % KI', 'Merknad'];
			const xlsx = await download(page, 'rate-table', 'xlsx');
			assert.equal(xlsx.name, `${stem}.xlsx`);
			const { cells, names: sheets } = readSheet(xlsx.bytes, 1);
			assert.deepEqual(sheets, ['Tabell', 'Om tallene']);
			const sheet = sheetRows(cells);
			assert.deepEqual(sheet[0].map((c) => c.v), headers);
			assert.equal(sheet.length, 1 + figures.length, 'a row per area');
			for (const f of figures) {
				const row = sheet.find((r) => r[0]?.v === f.area_name);
				assert.ok(row, `no row for ${f.area_name} in the .xlsx`);
				if (f.suppression_reason) {
					// count, rates and interval hidden (the population is public)
					for (const col of [2, 4, 5, 6, 7]) assert.equal(row[col], undefined, `${f.area_name}: hidden cell ${headers[col]} is empty`);
					assert.equal(row[3].t, 'n', `${f.area_name}: population shown`);
					assert.equal(row[8]?.v, suppressionNote(f.suppression_reason), `${f.area_name}: note`);
				} else {
					assert.deepEqual([row[2].t, row[2].v, row[2].format], ['n', f.events, '#,##0'], `${f.area_name}: count`);
					assert.equal(row[5].t, 'n');
					assert.equal(row[5].format, '#,##0.0');
					assert.ok(Math.abs(row[5].v - f.std_rate) <= 0.05 + 1e-9 && Number.isInteger(Math.round(row[5].v * 10 * 1e6) / 1e6),
						`${f.area_name}: rate ${row[5].v} (1 decimal) vs ${f.std_rate}`);
					assert.equal(row[8], undefined, `${f.area_name}: no note`);
				}
			}
			const about = aboutSheet(xlsx.bytes);
			assert.match(about.Kilde, /fct_utilisation_rates/);
			assert.match(about['Skjulte tall'], /Skjult for å beskytte en annen celle/);
			assert.match(about.Merk, /syntetiske/);
			if (exportedAt()) assert.equal(about.Datastand, exportedAt());

			const csv = await download(page, 'rate-table', 'csv');
			assert.equal(csv.name, `${stem}.csv`);
			const csvText = csv.bytes.toString('utf8');
			assert.ok(csvText.startsWith('\ufeff'), 'UTF-8 with BOM');
			assert.doesNotMatch(csvText, /\bnull\b|undefined|NaN/);
			const lines = parseCsv(csvText.slice(1), ';');
			assert.deepEqual(lines[0], headers);
			for (const f of figures) {
				const row = lines.find((r) => r[0] === f.area_name);
				if (f.suppression_reason) {
					assert.deepEqual([2, 4, 5, 6, 7].map((col) => row[col]), ['', '', '', '', ''], `${f.area_name}: hidden cells empty in the CSV`);
					assert.match(row[3], /^\d+$/, `${f.area_name}: population as a plain number`);
					assert.equal(row[8], suppressionNote(f.suppression_reason));
				} else {
					assert.equal(row[2], String(f.events), `${f.area_name}: count without thousands separator`);
					assert.match(row[5], /^\d+,\d$/, `${f.area_name}: rate with a decimal comma`);
					assert.ok(Math.abs(Number(row[5].replace(',', '.')) - f.std_rate) <= 0.05 + 1e-9);
				}
			}
			// after the table and an empty line: the source and the rule
			const blank = lines.findIndex((r) => r.length === 1 && r[0] === '');
			assert.equal(blank, 1 + figures.length);
			const tail = Object.fromEntries(lines.slice(blank + 1).map((r) => [r[0], r[1]]));
			assert.match(tail.Kilde, /fct_utilisation_rates/);
			assert.match(tail['Skjulte tall'], /aldri 0/);
			assert.deepEqual(errors, []);
		});

		test('downloads: the NPR key figures as .xlsx and CSV, numbers typed (not "111,354" text), hidden cells empty with their note', async () => {
			const { page, errors } = await show('/npr-nokkeltall/');
			await rowsOf(page, 'key-figures');
			const cells = await sql(`
				with newest as (select max(year) as year from ${parquet('fct_npr_key_figures')})
				select figure_name_nb, region_code, value::double as value, pct_change, is_suppressed, suppression_reason,
					(select year from newest)::int as year
				from ${parquet('fct_npr_key_figures')} where year = (select year from newest)`);
			const regions = ['norway', '1', '2', '3', '4'];
			const groups = ['Norge', 'Helse Nord', 'Helse Midt-Norge', 'Helse Vest', 'Helse Sør-Øst'];
			const headers = ['Nøkkeltall', ...groups.flatMap((g) => [`${g} – Antall`, `${g} – Endr. %`]), 'Merknad'];
			const xlsx = await download(page, 'key-figures', 'xlsx');
			assert.equal(xlsx.name, `nokkeltall_${cells[0].year}.xlsx`);
			const sheet = sheetRows(readSheet(xlsx.bytes, 1).cells);
			assert.deepEqual(sheet[0].map((c) => c.v), headers);
			const csv = await download(page, 'key-figures', 'csv');
			assert.equal(csv.name, `nokkeltall_${cells[0].year}.csv`);
			const lines = parseCsv(csv.bytes.toString('utf8').slice(1), ';');
			assert.deepEqual(lines[0], headers);
			let hidden = 0;
			for (const c of cells) {
				const col = 1 + 2 * regions.indexOf(c.region_code);
				const row = sheet.find((r) => r[0]?.v === c.figure_name_nb);
				const line = lines.find((r) => r[0] === c.figure_name_nb);
				assert.ok(row && line, `no row for ${c.figure_name_nb}`);
				const where = `${c.figure_name_nb} / ${groups[regions.indexOf(c.region_code)]}`;
				if (c.is_suppressed) {
					hidden += 1;
					assert.equal(row[col], undefined, `${where}: hidden count is an empty cell`);
					assert.equal(row[col + 1], undefined, `${where}: hidden change is an empty cell`);
					assert.equal(line[col], '', `${where}: empty in the CSV`);
					const note = c.suppression_reason === 'complementary' ? COMPLEMENTARY : PRIMARY;
					assert.ok(row[headers.length - 1]?.v.includes(`${note} (`) && row[headers.length - 1].v.includes(`${groups[regions.indexOf(c.region_code)]} – Antall`),
						`${where}: note ${row[headers.length - 1]?.v}`);
					assert.equal(line[headers.length - 1], row[headers.length - 1].v);
				} else {
					assert.deepEqual([row[col].t, row[col].v], ['n', c.value], `${where}: numeric cell`);
					assert.equal(line[col], String(c.value), `${where}: CSV ${line[col]}`);
					if (c.pct_change != null) {
						assert.equal(row[col + 1].t, 'n');
						assert.ok(Math.abs(row[col + 1].v - c.pct_change) <= 0.05 + 1e-9, `${where}: change ${row[col + 1].v} vs ${c.pct_change}`);
						assert.match(line[col + 1], /^-?\d+,\d$/);
					}
				}
			}
			assert.ok(hidden > 0, 'test data: hidden key figures');
			assert.match(aboutSheet(xlsx.bytes).Kilde, /fct_npr_key_figures/);
			assert.deepEqual(errors, []);
		});

		test('variation between areas: EQ, CV and SCV of fct_area_variation beside the chart, per area level, Norwegian and English', async () => {
			// the page's default selection: newest complete year, whole year, contacts incl. specialists
			const STATS = { eq: 'extremal_quotient', eq2: 'extremal_quotient_2', cv: 'coefficient_of_variation',
				wcv: 'weighted_coefficient_of_variation', scv: 'systematic_component_of_variation' };
			const mart = async (level) => {
				const [row] = await sql(`
					select v.* from ${parquet('fct_area_variation')} as v
					where v.sample_id = '${defaultSample(PAGE)}' and v.measure = 'contacts' and v.provider_option = 'inclusive'
						and v.period = 'year' and v.area_level = '${level}'
						and v.year = (select year from ${parquet('dim_periods')} where is_newest_complete_year limit 1)`);
				assert.ok(row, `test data: fct_area_variation has the ${level} row of the default selection`);
				return row;
			};
			/** {stat: text shown} of the panel, once it shows values (not the loading state). */
			const shown = async (page) => {
				await page.locator('[data-testid=variation] [data-stat=eq]').waitFor({ timeout: WAIT });
				return page.locator('[data-testid=variation] [data-stat]').evaluateAll((rows) =>
					Object.fromEntries(rows.map((r) => [r.dataset.stat, r.querySelector('dd').textContent.trim()])));
			};
			const check = (texts, row, en) => {
				for (const [key, column] of Object.entries(STATS)) {
					const value = row[column];
					if (value == null) {
						assert.match(texts[key], en ? /^not computed: / : /^ikke beregnet: /, `${key}: ${texts[key]} (mart: null)`);
					} else {
						// two decimals, the language's format, equal to the mart's value
						assert.match(texts[key], en ? /^-?[\d,]+\.\d\d$/ : /^[-−]?\d{1,3}(\u00a0\d{3})*,\d\d$/, `${key}: ${JSON.stringify(texts[key])}`);
						const n = en ? Number(texts[key].replaceAll(',', '')) : number(texts[key]);
						assert.ok(Math.abs(n - value) <= 0.005 + 1e-9, `${key}: page ${texts[key]}, fct_area_variation ${value}`);
					}
				}
			};
			const { page, errors } = await show(PAGE);
			const rhf = await mart('rhf');
			assert.ok(rhf.extremal_quotient != null && rhf.systematic_component_of_variation != null, 'test data: EQ and SCV at RHF level');
			await page.waitForFunction(() => document.querySelector('[data-testid=variation-areas]')?.textContent.includes('RHF'), null, { timeout: WAIT });
			check(await shown(page), rhf, false);
			const panel = await page.locator('[data-testid=variation]').innerText();
			assert.match(panel, /Variasjon mellom områdene/);
			assert.match(panel, /Ekstremkvotient \(EQ\): høyeste \/ laveste rate/);
			assert.match(panel, /Variasjonskoeffisient \(CV\)/);
			assert.match(panel, /Systematisk variasjonskomponent \(SCV\)/);
			assert.match(panel, new RegExp(`Beregnet for ${rhf.n_areas_with_rate} av ${rhf.n_areas} RHF-områder`));

			// HF level: the HF row of the mart
			const hf = await mart('hf');
			await page.getByRole('button', { name: 'HF', exact: true }).click();
			await page.waitForFunction(() => document.querySelector('[data-testid=variation-areas]')?.textContent.includes(' HF-områder'), null, { timeout: WAIT });
			check(await shown(page), hf, false);
			assert.notEqual(hf.extremal_quotient, rhf.extremal_quotient, 'test data: RHF and HF differ');

			// own choice of areas: no statistics, a note says why
			await page.getByRole('button', { name: 'Egne valg', exact: true }).click();
			await page.locator('[data-testid=variation-note]').waitFor({ timeout: WAIT });
			assert.match(await page.locator('[data-testid=variation-note]').innerText(), /gjelder alle områdene på ett nivå/);
			assert.equal(await page.locator('[data-testid=variation] [data-stat]').count(), 0);
			assert.deepEqual(errors, []);

			// English labels and number format
			const en = await openPage(`${PAGE}?lang=en`);
			await en.page.waitForFunction(() => document.querySelector('[data-testid=variation-areas]')?.textContent.includes('RHF areas'), null, { timeout: WAIT });
			check(await shown(en.page), rhf, true);
			assert.match(await en.page.locator('[data-testid=variation]').innerText(), /Extremal quotient \(EQ\): highest \/ lowest rate/);
			assert.deepEqual(en.errors, []);
			await en.page.close();
		});

		test('RBF what-if: the published NOK at the published parameters; one RHF\'s higher attainment raises its NOK; a weight of 0 takes the indicator\'s points away', async () => {
			const year = await rbfDefaultYear();
			const published = await sql(`select rhf_code, rhf_name, raw_points, nok::double as nok from ${parquet('fct_rbf_points')}
				where rbf_year = ${year} and calculation = 'preliminary' order by rhf_code`);
			const budget = published.reduce((s, r) => s + r.nok, 0);
			const { page, errors } = await show('/rbf/');
			const table = '[data-testid=rbf-whatif-table] tbody tr[data-rhf]';
			await page.locator(table).first().waitFor({ timeout: WAIT });
			const read = () => page.locator(table).evaluateAll((trs) => trs.map((tr) => ({
				code: tr.dataset.rhf,
				cells: Array.from(tr.querySelectorAll('td')).map((td) => td.textContent.trim())
			})));
			const whatifNok = (rows, code) => number(rows.find((r) => r.code === code).cells[6]);
			let rows = await read();
			assert.equal(rows.length, published.length);
			for (const p of published) {
				const row = rows.find((r) => r.code === p.rhf_code);
				assert.equal(row.cells[0], p.rhf_name);
				assert.equal(number(row.cells[3]), p.nok, `${p.rhf_name}: published NOK`);
				assert.equal(whatifNok(rows, p.rhf_code), p.nok, `${p.rhf_name}: the what-if at the published parameters`);
				assert.equal(row.cells[7], '0');
				assert.match(row.cells[6], /^\d{1,3}(\u00a0\d{3})+$/, 'NOK in Norwegian format');
			}

			// one RHF's share on one indicator raised to the target (attainment 1 = full points)
			const [below] = await sql(`select area_code as rhf_code, indicator_id, target from ${parquet('fct_rbf_indicators')}
				where rbf_year = ${year} and calculation = 'preliminary' and area_level = 'rhf' and not is_suppressed
					and points < weight * 100000 - 0.001 order by indicator_number, area_code limit 1`);
			assert.ok(below, 'test data: an RHF indicator below full payout');
			await page.locator('[data-field=one-rhf]').selectOption(below.rhf_code);
			await page.locator('[data-field=one-indicator]').selectOption(below.indicator_id);
			await page.locator('[data-field=one-share]').fill(String(Math.round(below.target * 10000) / 100).replace('.', ','));
			await page.locator('[data-field=one-share]').press('Tab');
			const before = published.find((p) => p.rhf_code === below.rhf_code).nok;
			await page.waitForFunction(([sel, code, old]) => {
				const tr = document.querySelector(`${sel}[data-rhf="${code}"]`);
				return tr && Number(tr.querySelectorAll('td')[6].textContent.replace(/[\s\u00a0]/g, '')) > old;
			}, ['[data-testid=rbf-whatif-table] tbody tr', below.rhf_code, before], { timeout: WAIT }).catch(() => {});
			rows = await read();
			assert.ok(whatifNok(rows, below.rhf_code) > before, `RHF ${below.rhf_code}: ${before} -> ${rows.find((r) => r.code === below.rhf_code).cells[6]}`);
			for (const p of published.filter((x) => x.rhf_code !== below.rhf_code)) assert.ok(whatifNok(rows, p.rhf_code) <= p.nok, `${p.rhf_name} does not gain`);
			assert.equal(rows.reduce((s, r) => s + number(r.cells[6]), 0), budget, 'the NOK still sum to the budget');

			// reset, then weight 0 on an indicator no RHF row of which is hidden: each RHF loses its points on it
			await page.locator('[data-field=reset]').click();
			await page.waitForFunction((sel) => Array.from(document.querySelectorAll(sel)).every((tr) => tr.querySelectorAll('td')[7].textContent.trim() === '0'),
				table, { timeout: WAIT });
			const indicator = await sql(`select indicator_id, list(area_code order by area_code) as codes, list(points order by area_code) as pts
				from ${parquet('fct_rbf_indicators')} where rbf_year = ${year} and calculation = 'preliminary' and area_level = 'rhf'
				group by indicator_id having bool_and(not is_suppressed) and sum(points) > 0 order by indicator_id limit 1`);
			assert.ok(indicator.length, 'test data: an indicator without hidden RHF rows');
			const { indicator_id, codes, pts } = indicator[0];
			const weight = page.locator(`[data-testid=rbf-whatif-parameters] tr[data-indicator=${indicator_id}] [data-field=weight]`);
			await weight.fill('0');
			await weight.press('Tab');
			const expected = published.map((p) => p.raw_points - pts[codes.indexOf(p.rhf_code)]);
			await page.waitForFunction(([sel, want]) => Array.from(document.querySelectorAll(sel)).every((tr, i) =>
				Math.abs(Number(tr.querySelectorAll('td')[4].textContent.replace(/[\s\u00a0]/g, '').replace(',', '.')) - want[i]) < 0.06),
			[table, expected], { timeout: WAIT }).catch(() => {});
			rows = await read();
			published.forEach((p, i) => assert.ok(Math.abs(number(rows[i].cells[4]) - expected[i]) < 0.06, `${p.rhf_name}: points ${rows[i].cells[4]}, expected ${expected[i]}`));
			assert.equal(rows.reduce((s, r) => s + number(r.cells[6]), 0), budget);
			assert.deepEqual(errors, []);
		});

		test('NKI: each share\'s 95 % interval (Wilson) equals fct_nki_indicators, in Norwegian format, hidden with the share, in the CSV', async () => {
			const { page, errors } = await show('/epikrisetid/');
			// the page's default: newest year, all sectors, Norway and the RHFs
			const expected = await sql(`
				with newest as (select max(year) as year from ${parquet('fct_nki_indicators')})
				select area_name, share, share_lower, share_upper, is_suppressed, (select year from newest)::int as year
				from ${parquet('fct_nki_indicators')}
				where year = (select year from newest) and sector = 'all' and area_level in ('norway', 'rhf')`);
			assert.ok(expected.some((e) => !e.is_suppressed), 'test data: a published NKI share');
			await waitForTable(page, 'nki-table', (rows, n) => rows.length === n, expected.length);
			const rows = await rowsOf(page, 'nki-table');
			// columns: area, level, sent within 1 day, discharges, share, lower, upper, note
			const head = await page.locator('[data-testid=nki-table] table:visible thead').innerText();
			assert.match(head, /95 % konfidensintervall/);
			const percent = /^\d{1,3},\d[\s\u00a0]?%$/;
			for (const e of expected) {
				const row = rows.find((r) => r[0] === e.area_name);
				assert.ok(row, `no row for ${e.area_name} in ${JSON.stringify(rows)}`);
				if (e.is_suppressed) {
					assert.deepEqual([row[4], row[5], row[6]], ['-', '-', '-'], `${e.area_name}: hidden share, no interval`);
					continue;
				}
				for (const [col, v] of [[4, e.share], [5, e.share_lower], [6, e.share_upper]]) {
					assert.match(row[col], percent, `${e.area_name} column ${col}: ${JSON.stringify(row[col])}`);
					assert.ok(Math.abs(number(row[col]) - v * 100) <= 0.05 + 1e-9, `${e.area_name} column ${col}: page ${row[col]}, mart ${v}`);
				}
				assert.ok(e.share_lower <= e.share && e.share <= e.share_upper, `${e.area_name}: the interval holds the share`);
			}
			const csv = await download(page, 'nki-table', 'csv');
			assert.equal(csv.name, `epikrisetid_${expected[0].year}_all_rhf.csv`);
			const lines = parseCsv(csv.bytes.toString('utf8').slice(1), ';');
			assert.deepEqual(lines[0], ['Område', 'Nivå', 'Sendt innen 1 dag', 'Epikriser', 'Andel (%)',
				'95 % konfidensintervall – Nedre (%)', '95 % konfidensintervall – Øvre (%)', 'Merknad']);
			for (const e of expected) {
				const row = lines.find((r) => r[0] === e.area_name);
				assert.ok(row, `no CSV row for ${e.area_name}`);
				if (e.is_suppressed) assert.deepEqual([row[4], row[5], row[6]], ['', '', ''], `${e.area_name}: hidden in the CSV`);
				else {
					for (const [col, v] of [[5, e.share_lower], [6, e.share_upper]]) {
						assert.match(row[col], /^\d+,\d$/, `${e.area_name}: CSV column ${col} ${row[col]}`);
						assert.ok(Math.abs(Number(row[col].replace(',', '.')) - v * 100) <= 0.05 + 1e-9, `${e.area_name}: CSV ${row[col]} vs ${v}`);
					}
				}
			}
			assert.deepEqual(errors, []);
		});

		test('rate bars: sorted by rate on request and back, the chosen area\'s bar orange and its name bold', async () => {
			const { page, errors } = await show(PAGE);
			const bars = '[data-testid=rate-bars]';
			const list = `${bars} [data-testid=rate-bars-liste] li`;
			await page.locator(`${bars} canvas`).first().waitFor({ timeout: WAIT });
			// the default selection's bars (Norway and the RHFs), from the mart
			const rates = await sql(`
				with newest as (select year from ${parquet('dim_periods')} where is_newest_complete_year limit 1)
				select r.area_level || ':' || r.area_code as key, a.short_label as label, r.std_rate, r.is_suppressed,
					a.bar_colour, a.hierarchy_sort_order as sort_order
				from ${parquet('fct_utilisation_rates')} as r
				inner join ${parquet('dim_areas')} as a on r.area_level = a.area_level and r.area_code = a.area_code
				where r.sample_id = '${defaultSample(PAGE)}' and r.measure = 'contacts' and r.provider_option = 'inclusive'
					and r.year = (select year from newest) and r.period = 'year' and r.area_level in ('norway', 'rhf')
				order by a.hierarchy_sort_order`);
			const areaOrder = rates.map((r) => r.key);
			const published = rates.filter((r) => !r.is_suppressed && r.std_rate != null);
			const rateOrder = [...published].sort((a, b) => b.std_rate - a.std_rate || a.sort_order - b.sort_order)
				.concat(rates.filter((r) => !published.includes(r))).map((r) => r.key);
			assert.ok(published.length >= 3, 'test data: at least three published rates');
			assert.notDeepEqual(rateOrder, areaOrder, 'test data: sorting by rate changes the order');
			const order = () => page.locator(list).evaluateAll((lis) => lis.map((li) => li.dataset.nokkel));
			const waitForOrder = (want) => page.waitForFunction(([sel, w]) =>
				JSON.stringify(Array.from(document.querySelectorAll(sel)).map((li) => li.dataset.nokkel)) === JSON.stringify(w),
			[list, want], { timeout: WAIT }).catch(() => {}); // on a timeout, the assertion below says what differs
			// orange pixels (the highlight colour, components/stolper.js UTHEVET #d95f02) on the chart's canvas
			const orange = () => page.locator(`${bars} canvas`).first().evaluate((c) => {
				const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
				let n = 0;
				for (let i = 0; i < data.length; i += 4) {
					if (Math.abs(data[i] - 0xd9) <= 8 && Math.abs(data[i + 1] - 0x5f) <= 8 && Math.abs(data[i + 2] - 0x02) <= 8 && data[i + 3] > 200) n += 1;
				}
				return n;
			});
			const waitForOrange = (more) => page.waitForFunction(([sel, m]) => {
				const c = document.querySelector(sel);
				const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
				let n = 0;
				for (let i = 0; i < data.length; i += 4) {
					if (Math.abs(data[i] - 0xd9) <= 8 && Math.abs(data[i + 1] - 0x5f) <= 8 && Math.abs(data[i + 2] - 0x02) <= 8 && data[i + 3] > 200) n += 1;
				}
				return m ? n > 200 : n === 0;
			}, [`${bars} canvas`, more], { timeout: WAIT }).catch(() => {});

			// default: area order, nothing highlighted
			await waitForOrder(areaOrder);
			assert.deepEqual(await order(), areaOrder, 'area order by default');
			assert.equal(await page.locator(`${list}[data-valgt=true]`).count(), 0);
			assert.equal(await orange(), 0, 'no orange bar before an area is chosen');
			assert.equal(await page.getByRole('button', { name: 'Områderekkefølge', exact: true }).getAttribute('aria-pressed'), 'true');

			// sort by rate: highest first, suppressed last
			await page.getByRole('button', { name: 'Høyest verdi først', exact: true }).click();
			await waitForOrder(rateOrder);
			assert.deepEqual(await order(), rateOrder, 'highest rate first');
			assert.equal(await page.getByRole('button', { name: 'Høyest verdi først', exact: true }).getAttribute('aria-pressed'), 'true');

			// choose the published RHF with the lowest rate in the plain <select> "Marker område";
			// selectOption fires input and change as a user's choice does; tried again (at most 5
			// times) should the page still be hydrating when the first one lands
			const chosen = [...published].filter((r) => r.key !== 'norway:norway').sort((a, b) => a.std_rate - b.std_rate)[0];
			const select = page.getByLabel('Marker område', { exact: true });
			assert.deepEqual(await select.locator('option').allInnerTexts(), ['Ingen', ...rates.map((r) => r.label)], 'every area of the chart to choose from');
			for (let attempt = 0; attempt < 5; attempt += 1) {
				await select.selectOption({ label: chosen.label });
				const ok = await page.waitForFunction(([sel, key]) => document.querySelector(`${sel}[data-valgt=true]`)?.dataset.nokkel === key,
					[list, chosen.key], { timeout: 5_000 }).then(() => true, () => false);
				if (ok) break;
			}
			assert.equal(await select.inputValue(), chosen.key);
			const highlighted = await page.locator(list).evaluateAll((lis) => lis.map((li) => ({
				key: li.dataset.nokkel, chosen: li.dataset.valgt === 'true', colour: li.dataset.farge, bold: li.querySelector('strong')?.textContent ?? null
			})));
			assert.deepEqual(highlighted.filter((h) => h.chosen).map((h) => h.key), [chosen.key], `only ${chosen.label} is highlighted`);
			for (const h of highlighted) {
				const area = rates.find((r) => r.key === h.key);
				assert.equal(h.colour.toLowerCase(), h.chosen ? '#d95f02' : area.bar_colour.toLowerCase(), `${area.label}: bar colour`);
				assert.equal(h.bold, h.chosen ? area.label : null, `${area.label}: name in bold only when chosen`);
			}
			await waitForOrange(true);
			assert.ok((await orange()) > 200, 'the chosen area\'s bar is drawn orange');
			assert.deepEqual(await order(), rateOrder, 'choosing an area keeps the order');

			// back to area order: the highlight stays
			await page.getByRole('button', { name: 'Områderekkefølge', exact: true }).click();
			await waitForOrder(areaOrder);
			assert.deepEqual(await order(), areaOrder, 'area order again');
			assert.equal(await page.locator(`${list}[data-valgt=true]`).getAttribute('data-nokkel'), chosen.key);

			// another level (HF areas): the RHF is not among the bars, so nothing is highlighted
			await page.getByRole('button', { name: 'HF', exact: true }).click();
			await page.waitForFunction((sel) => Array.from(document.querySelectorAll(sel)).some((li) => li.dataset.nokkel.startsWith('hf:')), list, { timeout: WAIT });
			assert.equal(await page.locator(`${list}[data-valgt=true]`).count(), 0);
			assert.equal(await select.inputValue(), '');
			await waitForOrange(false);
			assert.equal(await orange(), 0, 'no orange bar at the HF level');
			assert.deepEqual(errors, []);
		});
	});
});
