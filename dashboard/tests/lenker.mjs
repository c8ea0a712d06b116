// The site's pages for the browser tests, and going from one to another as a visitor does: a
// link of the site followed in the open tab (client-side navigation: the app, its DuckDB and the
// compiled wasm stay loaded). Opening a page in full costs Chromium about three times the CPU of
// a link followed (benchmarks/README.md), so the tests open few pages in full.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pagesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pages');

/** Pages of the site: one per markdown file (pages/a/b.md -> /a/b/, pages/a/index.md -> /a/). */
export function pages(dir = pagesDir, prefix = '/') {
	const out = [];
	for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
		const file = path.join(dir, entry.name);
		if (entry.isDirectory()) out.push(...pages(file, `${prefix}${entry.name}/`));
		else if (entry.name === 'index.md') out.push({ route: prefix, file });
		else if (entry.name.endsWith('.md')) out.push({ route: `${prefix}${entry.name.slice(0, -3)}/`, file });
	}
	return out;
}

/** The markdown file of a route (no query string). */
export function pageFile(route) {
	const page = pages().find((p) => p.route === route);
	assert.ok(page, `no page ${route}`);
	return page.file;
}

/**
 * Goes to route in the open tab as a click on one of the site's links does (SvelteKit's router
 * takes the click), then waits until the network is idle and the page has replaced the one
 * before (arrived). A link to the page shown would keep it as it is: the tab leaves it first,
 * so that the page starts from its defaults.
 */
export async function follow(page, route, timeout) {
	const go = async (to) => {
		await page.evaluate((href) => {
			const a = document.createElement('a');
			a.href = href;
			document.body.append(a);
			a.click();
			a.remove();
		}, to);
		await page.waitForURL((url) => url.pathname === to, { timeout });
		await page.waitForLoadState('networkidle');
	};
	if (new URL(page.url()).pathname === route) await go(route === '/' ? '/om-dataene/' : '/');
	await go(route);
	await arrived(page, pageFile(route), timeout);
}

/** Waits until the page of file (a .md under pages/) is shown: its title (frontmatter) in the heading. */
export async function arrived(page, file, timeout) {
	const title = /^title: (.+)$/m.exec(fs.readFileSync(file, 'utf8'))?.[1].trim();
	assert.ok(title, `${file} has no title`);
	await page.waitForFunction((t) => document.querySelector('h1')?.textContent.trim() === t, title, { timeout })
		.catch(async () => {
			throw new Error(`${file}: heading ${JSON.stringify(await page.locator('h1').first().textContent())}, not ${JSON.stringify(title)}`);
		});
}

/**
 * The tab {page, errors} on route: opened in full by open(route) (which returns {page, errors})
 * the first time, by a link of the site after that; the tab's errors emptied for the new visit.
 */
export async function visit(tab, route, open, timeout) {
	if (!tab.page) {
		Object.assign(tab, await open(route));
		await arrived(tab.page, pageFile(route), timeout);
	} else {
		tab.errors.length = 0;
		await follow(tab.page, route, timeout);
	}
	return tab;
}
