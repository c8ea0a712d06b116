// Norwegian (bokmål) presentation for the dashboard, used by pages/+layout.svelte and tested
// by tests/norsk.test.mjs (no browser needed).
//
// Why this exists: Evidence 39 formats every number with SheetJS SSF format codes
// ("#,##0.0"), which always print English separators (8,584.2), and it has no locale setting.
// Its layout and components (core-components 4.8.10) hard-code English strings ("Home",
// "72 Selected", "Clear selection", "Download", "Page 1 / 9") with no prop to change most of
// them. So: (1) the layout wraps ssf.format once, turning the separators of numbers into
// Norwegian ones (8 584,2), for tables, values and chart axes alike; (2) the layout translates
// the framework's fixed English strings in the page (text and aria-label/placeholder/title).
// Nothing of the installed packages or the built files is changed.
//
// ?lang=en (language()) turns both off: English labels, English number format.

/** No-break space: the Norwegian thousands separator, kept with its number on a line break. */
export const NBSP = '\u00a0';

/**
 * A number as English separators print it ("8,584.2", "-1,234", "12.5%") with Norwegian
 * separators ("8 584,2", "-1 234", "12,5%"). Only a comma or point between two digits changes.
 * @param {string} text
 */
export function norwegianNumberText(text) {
	return String(text).replace(/(\d)([,.])(?=\d)/g, (_, digit, sep) => digit + (sep === ',' ? NBSP : ','));
}

/** Norwegian number text back to a number ("8 584,2" -> 8584.2); NaN when it is not one. */
export function parseNorwegianNumber(text) {
	const t = String(text).trim().replace(/[\s\u00a0\u202f]/g, '').replace('−', '-');
	if (!/^-?\d+(,\d+)?%?$/.test(t)) return NaN;
	return Number(t.replace('%', '').replace(',', '.'));
}

/** Whether an SSF format code formats numbers (not dates or text). */
function isNumberCode(ssf, code) {
	if (typeof code !== 'string') return false;
	try {
		return !ssf.is_date(code);
	} catch {
		return false;
	}
}

let norwegianNumbers = true;

/** Norwegian separators on (default) or off (English pages, ?lang=en). */
export function setNorwegianNumbers(on) {
	norwegianNumbers = Boolean(on);
}

/**
 * Wraps ssf.format (the one formatter of Evidence's components: tables, Value, chart axes
 * and tooltips) so that numbers get Norwegian separators. Idempotent.
 * @param {{format: Function, is_date: Function, __norsk?: boolean}} ssf the 'ssf' module
 */
export function installNorwegianNumbers(ssf) {
	if (!ssf || ssf.__norsk) return;
	const original = ssf.format;
	ssf.format = function format(code, value, options) {
		const out = original.call(this, code, value, options);
		if (norwegianNumbers && typeof value === 'number' && typeof out === 'string' && isNumberCode(ssf, code)) {
			return norwegianNumberText(out);
		}
		return out;
	};
	ssf.__norsk = true;
}

/**
 * Norwegian number format outside SSF (our own components): `decimals` decimals (1 by
 * default; null: as many as needed, up to 3).
 */
export function formatNumber(value, decimals = 1) {
	if (value == null || Number.isNaN(value)) return '';
	const digits = decimals == null ? { maximumFractionDigits: 3 } : { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
	return new Intl.NumberFormat(norwegianNumbers ? 'nb-NO' : 'en-GB', digits).format(value);
}

// The fixed English strings of Evidence 39's layout, tables, dropdowns and charts (the
// installed core-components' sources), whole text (trimmed) -> bokmål.
export const FRAMEWORK_TEXT = {
	Home: 'Forside',
	Selected: 'valgt',
	'Clear selection': 'Fjern valg',
	'Select all': 'Velg alle',
	'No results found.': 'Ingen treff.',
	'No Results': 'Ingen treff',
	Download: 'Last ned',
	'Download Data': 'Last ned data',
	'Save Image': 'Lagre bilde',
	Fullscreen: 'Fullskjerm',
	Page: 'Side',
	Search: 'Søk',
	'On this page': 'På denne siden',
	'Loading...': 'Laster …',
	'Print PDF': 'Skriv ut (PDF)',
	Show: 'Vis',
	Hide: 'Skjul',
	Queries: 'spørringer',
	Appearance: 'Utseende',
	Menu: 'Meny',
	'Close sidebar': 'Lukk menyen',
	'Open sidebar': 'Åpne menyen',
	'first-page': 'første side',
	'previous-page': 'forrige side',
	'next-page': 'neste side',
	'last-page': 'siste side'
};

// Strings with numbers in them.
const FRAMEWORK_PATTERNS = [
	[/^(\d[\d,]*) Selected$/, (_, n) => `${n} valgt`],
	[/^(\d[\d,]*) of (\d[\d,]*) records$/, (_, a, b) => `${norwegianNumberText(a)} av ${norwegianNumberText(b)} rader`]
];

/**
 * The bokmål version of a fixed English framework string (surrounding whitespace kept), or
 * null when the text is not one of them.
 * @param {string} text
 */
export function translateFrameworkText(text) {
	if (typeof text !== 'string') return null;
	const core = text.trim();
	if (!core) return null;
	let out = Object.prototype.hasOwnProperty.call(FRAMEWORK_TEXT, core) ? FRAMEWORK_TEXT[core] : null;
	if (out === null) {
		for (const [re, fn] of FRAMEWORK_PATTERNS) {
			if (re.test(core)) {
				out = core.replace(re, fn);
				break;
			}
		}
	}
	if (out === null) return null;
	const start = text.indexOf(core);
	return text.slice(0, start) + out + text.slice(start + core.length);
}

const ATTRIBUTES = ['aria-label', 'placeholder', 'title'];
// Data cells and user content are never translated (a data label may be an English word).
const SKIP = 'td, th, textarea, code, pre, [data-norsk-skip]';

function translateElement(el) {
	for (const name of ATTRIBUTES) {
		const value = el.getAttribute?.(name);
		if (value) {
			const t = translateFrameworkText(value);
			if (t !== null && t !== value) el.setAttribute(name, t);
		}
	}
}

function translateTree(root) {
	if (!root) return;
	if (root.nodeType === 3) {
		if (root.parentElement?.closest(SKIP)) return;
		const t = translateFrameworkText(root.data);
		if (t !== null && t !== root.data) root.data = t;
		return;
	}
	if (root.nodeType !== 1) return;
	if (root.closest(SKIP)) return;
	translateElement(root);
	const doc = root.ownerDocument;
	const walker = doc.createTreeWalker(root, 1 | 4, {
		acceptNode: (node) => (node.nodeType === 1 && node.matches(SKIP) ? 2 : 1)
	});
	for (let node = walker.nextNode(); node; node = walker.nextNode()) {
		if (node.nodeType === 1) translateElement(node);
		else {
			const t = translateFrameworkText(node.data);
			if (t !== null && t !== node.data) node.data = t;
		}
	}
}

/**
 * Translates the framework's English strings under root now and whenever the page changes
 * (new nodes, changed text or attributes). Returns a function that stops it.
 * @param {HTMLElement} root usually document.body
 */
export function translateFramework(root) {
	translateTree(root);
	const observer = new root.ownerDocument.defaultView.MutationObserver((mutations) => {
		for (const m of mutations) {
			if (m.type === 'childList') m.addedNodes.forEach(translateTree);
			else if (m.type === 'characterData') translateTree(m.target);
			else if (m.type === 'attributes') translateElement(m.target);
		}
	});
	observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES });
	return () => observer.disconnect();
}

/** 'en' when the address asks for English (?lang=en), otherwise 'nb'. */
export function language(search) {
	return new URLSearchParams(search ?? '').get('lang') === 'en' ? 'en' : 'nb';
}
