// The order and colours of the bars of components/RateBars.svelte (issue 30, item 6: bars
// sortable by rate, the chosen area highlighted). Pure functions, no browser and no Svelte, so
// that tests/stolper.test.mjs checks them with node --test.
//
// - sorting 'omrade' (default): the rows as the query orders them (dim_areas'
//   hierarchy_sort_order: Norway first, then the areas in the codebook's order);
//   'rate': the highest rate first; suppressed rows and rows without a rate after all the
//   others, in area order; equal rates keep their area order (a stable sort).
// - the chosen area (its key: area_level:area_code when the query has them, else its label)
//   gets its bar in UTHEVET, a colour apart from the blue scale of dim_areas.bar_colour, and its
//   name in bold on the axis; every other bar keeps its own colour.

/** The highlight colour: orange, apart from the blue scale and from the whiskers' dark grey. */
export const UTHEVET = '#d95f02';

/** The labels of the controls, Norwegian and (with ?lang=en) English. */
export const TEKST = {
	nb: { sortering: 'Sortering', omrade: 'Områderekkefølge', rate: 'Høyest verdi først', marker: 'Marker område', ingen: 'Ingen' },
	en: { sortering: 'Sort', omrade: 'Area order', rate: 'Highest value first', marker: 'Highlight area', ingen: 'None' }
};

/** A row's key: area_level:area_code when the row has them, else its label. */
export function omradeNokkel(rad) {
	if (rad?.area_level != null && rad?.area_code != null) return `${rad.area_level}:${rad.area_code}`;
	return String(rad?.label ?? '');
}

/** Whether a row has a bar (a published, finite rate). */
function harVerdi(rad) {
	return !rad.is_suppressed && rad.std_rate != null && Number.isFinite(Number(rad.std_rate));
}

/**
 * The rows in the order of the bars, top to bottom, each as a copy with `nokkel` (its key) and
 * `valgt` (true for the chosen area).
 * @param {object[]} rader the query's rows (label, std_rate, is_suppressed, ...)
 * @param {{sortering?: 'omrade'|'rate', valgt?: string}} valg
 */
export function ordneStolper(rader, { sortering = 'omrade', valgt = '' } = {}) {
	const ut = Array.from(rader ?? []).map((r, i) => ({ ...r, nokkel: omradeNokkel(r), plass: i }));
	for (const r of ut) r.valgt = valgt !== '' && valgt != null && r.nokkel === valgt;
	if (sortering === 'rate') {
		ut.sort((a, b) => {
			const va = harVerdi(a);
			const vb = harVerdi(b);
			if (va !== vb) return va ? -1 : 1;
			if (va && Number(a.std_rate) !== Number(b.std_rate)) return Number(b.std_rate) - Number(a.std_rate);
			return a.plass - b.plass;
		});
	}
	return ut.map(({ plass, ...r }) => r);
}

/** A bar's colour: UTHEVET for the chosen area, else its own (dim_areas.bar_colour). */
export function stolpeFarge(rad) {
	return rad.valgt ? UTHEVET : rad.bar_colour;
}

/** The areas to choose from (in area order, as the query gives them): {nokkel, label}. */
export function omradeValg(rader) {
	const sett = new Set();
	const ut = [];
	for (const r of Array.from(rader ?? [])) {
		const nokkel = omradeNokkel(r);
		if (sett.has(nokkel)) continue;
		sett.add(nokkel);
		ut.push({ nokkel, label: String(r.label ?? nokkel) });
	}
	return ut;
}
