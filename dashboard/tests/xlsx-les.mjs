// Reads an .xlsx as Excel would, for the tests (no spreadsheet library): unzips it (fflate) and
// reads the sheet XML, shared strings and number formats. Not a test file itself (node --test
// runs *.test.mjs).
import { unzipSync, strFromU8 } from 'fflate';

const unescape = (t) => t.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&');

// Excel's built-in number formats (a writer may use their ids instead of its own).
const BUILT_IN = { 1: '0', 2: '0.00', 3: '#,##0', 4: '#,##0.00', 9: '0%', 10: '0.00%' };

/**
 * The cells of sheet `n` of an .xlsx, by reference (A1 ...): {t: type ('n' number, 's' shared
 * string, ...), format: number format code, v: value}; an empty cell is not there at all.
 * Also the sheet names, in order.
 */
export function readSheet(buffer, n = 1) {
	const files = unzipSync(new Uint8Array(buffer));
	const shared = [...strFromU8(files['xl/sharedStrings.xml']).matchAll(/<si>(.*?)<\/si>/gs)].map((m) =>
		unescape([...m[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => t[1]).join(''))
	);
	const styles = strFromU8(files['xl/styles.xml']);
	const numFmts = { ...BUILT_IN, ...Object.fromEntries([...styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/g)].map((m) => [m[1], m[2]])) };
	const xfs = [...styles.match(/<cellXfs[^>]*>(.*?)<\/cellXfs>/s)[1].matchAll(/<xf\b([^>]*)>/g)].map((m) => /numFmtId="(\d+)"/.exec(m[1])?.[1]);
	const xml = strFromU8(files[`xl/worksheets/sheet${n}.xml`]);
	const cells = {};
	for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
		const attrs = m[2];
		const t = /t="(\w+)"/.exec(attrs)?.[1] ?? 'n';
		const s = /s="(\d+)"/.exec(attrs)?.[1];
		const raw = /<v>(.*?)<\/v>/s.exec(m[3] ?? '')?.[1];
		cells[m[1]] = { t, format: s ? numFmts[xfs[Number(s)]] : undefined, v: t === 's' ? shared[Number(raw)] : raw === undefined ? undefined : Number(raw) };
	}
	return { cells, names: [...strFromU8(files['xl/workbook.xml']).matchAll(/<sheet\b[^>]*\bname="([^"]*)"/g)].map((m) => m[1]) };
}


/** The cells as rows (row 1 first), each an array by column (A = 0); missing cells undefined. */
export function sheetRows(cells) {
	const rows = [];
	for (const [ref, cell] of Object.entries(cells)) {
		const [, letters, digits] = /^([A-Z]+)(\d+)$/.exec(ref);
		const col = [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
		const row = Number(digits) - 1;
		rows[row] ??= [];
		rows[row][col] = cell;
	}
	return Array.from(rows, (r) => r ?? []);
}

/** CSV text (quoted fields with "" for a quote, CRLF or LF line ends) as rows of fields. */
export function parseCsv(text, sep = ';') {
	const rows = [];
	let row = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i += 1) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				field += '"';
				i += 1;
			} else if (ch === '"') quoted = false;
			else field += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === sep) {
			row.push(field);
			field = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && text[i + 1] === '\n') i += 1;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += ch;
	}
	if (field || row.length) {
		row.push(field);
		rows.push(row);
	}
	return rows;
}
