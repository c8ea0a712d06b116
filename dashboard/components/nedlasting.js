// Downloads of the dashboard's tables (Excel .xlsx and CSV) for analysts, built from a table's
// rows and its columns as the page shows them. Pure functions: no browser, no Svelte, so that
// tests/nedlasting.test.mjs checks them with node --test. components/Nedlasting.svelte puts
// the two buttons beside a table and writes the files (write-excel-file for .xlsx).
//
// What a download holds (issue 30, item 4):
// - the file name comes from the selection (rater_<sample>_<year>_<period>_<level>), ASCII only;
// - the headers are the table's own column titles (colGroup + title), English with ?lang=en;
// - numbers are numbers: rounded to the decimals the table shows; in .xlsx numeric cells with
//   that number format, in CSV Norwegian Excel's convention (";" between fields, "," as the
//   decimal mark, no thousands separator, UTF-8 with BOM) or, in English, "," and ".";
// - hidden (suppressed) figures are empty cells, never 0 and never the text "null", and the
//   Merknad column says why ("Skjult: færre enn 5 hendelser" / "Skjult for å beskytte en annen
//   celle"); tables that print "Skjult (under 5)" in the cell itself get the note the same way;
// - the file says where the figures come from and the suppression rule: a second sheet "Om
//   tallene" in .xlsx, a block of two-column lines after an empty line at the end of the CSV
//   (lines at the top would be read as the header row by Excel and most CSV readers).

/** Hidden-figure notes: primary (1-4) and complementary (hidden to protect another cell). */
export const PRIMAER = 'Skjult: færre enn 5 hendelser';
export const KOMPLEMENTAER = 'Skjult for å beskytte en annen celle';

/** Labels printed in the cells of wide tables (key figures, health communities) -> the note. */
const SKJULT_I_CELLEN = {
	'Skjult (under 5)': PRIMAER,
	'Skjult (vern)': KOMPLEMENTAER,
	'Skjult (rad)': 'Skjult: ett av tallene i raden er færre enn 5',
	Skjult: 'Skjult'
};

/** A cell value that is a hidden-figure label (in the cell itself), or null. */
export function skjultMerknad(value) {
	if (typeof value !== 'string') return null;
	const t = value.trim();
	if (Object.prototype.hasOwnProperty.call(SKJULT_I_CELLEN, t)) return SKJULT_I_CELLEN[t];
	return null;
}

// English for the Norwegian words a download carries: column titles and groups, the notes, the
// selection labels and the info sheet. A title not listed stays as the page wrote it.
const ENGELSK = {
	Merknad: 'Note',
	Område: 'Area',
	Opptaksområde: 'Catchment area',
	Antall: 'Number',
	År: 'Year',
	Nivå: 'Level',
	Delområde: 'Sub-area',
	'Øvre 95 % KI': 'Upper 95% CI',
	'Nedre 95 % KI': 'Lower 95% CI',
	'95 % konfidensintervall': '95% confidence interval',
	Nedre: 'Lower',
	Øvre: 'Upper',
	'Endr. %': 'Change %',
	'Endring %': 'Change %',
	'Antall utvalg': 'Number of samples',
	'Rader levert': 'Rows delivered',
	Rader: 'Rows',
	Pasienter: 'Patients',
	Nye: 'New',
	Levert: 'Delivered',
	'Koblingsbar person-id': 'Linkable person id',
	'Kjent bosted': 'Known residence',
	Karantene: 'Quarantined',
	Forventet: 'Expected',
	Avviste: 'Rejected',
	'Avvist %': 'Rejected %',
	Andel: 'Share',
	'Ventetid gj.sn. (dager)': 'Mean waiting time (days)',
	'Median ventetid (dager)': 'Median waiting time (days)',
	'Sendt innen 1 dag': 'Sent within 1 day',
	'Relativ overlevelse (%)': 'Relative survival (%)',
	'Rate per 100 000': 'Rate per 100,000',
	RHF: 'RHF',
	Poeng: 'Points',
	Nyhenviste: 'New referrals',
	'Nyeste år': 'Newest year',
	'Første år': 'First year',
	'Nr.': 'No.',
	Måltall: 'Target',
	'Justert rate': 'Adjusted rate',
	'Rå rate': 'Crude rate',
	Innbyggere: 'Population',
	'Gyldig hoveddiagnose': 'Valid main diagnosis',
	Godtatt: 'Accepted',
	Epikriser: 'Discharge summaries',
	'Endring fra året før %': 'Change from previous year %',
	'Endring fra første år %': 'Change from first year %',
	Diagnosegruppe: 'Diagnosis group',
	'Andel levert': 'Share delivered',
	Årsak: 'Reason',
	'Årlig kostnad (kr)': 'Annual cost (NOK)',
	Volum: 'Volume',
	Versjon: 'Version',
	'Vektede poeng': 'Weighted points',
	Vekt: 'Weight',
	Utvalg: 'Sample',
	Utbetaling: 'Payment',
	Teller: 'Numerator',
	Nevner: 'Denominator',
	'Siste hele år': 'Newest complete year',
	Region: 'Region',
	Rang: 'Rank',
	Publisering: 'Publication',
	Prosedyregren: 'Procedure branch',
	Privat: 'Private',
	Periode: 'Period',
	Nøkkeltall: 'Key figure',
	'Normaliserte poeng': 'Normalised points',
	'Norm. faktor': 'Norm. factor',
	Måned: 'Month',
	Måloppnåelse: 'Target attainment',
	Kroner: 'NOK',
	Komplett: 'Complete',
	Kilder: 'Sources',
	Kilde: 'Source',
	Indikator: 'Indicator',
	'Hører til': 'Belongs to',
	'Foreløpig (kr)': 'Preliminary (NOK)',
	'Endelig (kr)': 'Final (NOK)',
	'Differanse (kr)': 'Difference (NOK)',
	Fordelingsnøkkel: 'Allocation key',
	'Enhets-id': 'Unit id',
	Enheter: 'Units',
	Enhet: 'Unit',
	'Eget RHF': 'Own RHF',
	'Eget HF': 'Own HF',
	'Annet RHF': 'Other RHF',
	'Data fra': 'Data from',
	Befolkningsfaktor: 'Population factor',
	Avtalespesialist: 'Contracted specialist',
	Avgrensning: 'Scope',
	Beregning: 'Calculation',
	Norge: 'Norway',
	Sektor: 'Sector',
	Fagområde: 'Specialty',
	Nøkkeltallet: 'Key figure',
	Kreftform: 'Cancer site',
	Mål: 'Measure',
	Rangering: 'Ranking',
	Leverandør: 'Provider',
	Beskrivelse: 'Description',
	'RBF-år': 'RBF year',
	Ja: 'Yes',
	Nei: 'No',
	// the municipal pages (pages/helsefellesskap/)
	'Skrøpelige eldre': 'Frail elderly',
	'Innbyggere 75+': 'Inhabitants 75+',
	Funksjonsnivå: 'Functional level',
	Tjeneste: 'Service',
	Personer: 'Persons',
	'Unike pasienter': 'Unique patients',
	Gruppe: 'Group',
	Innleggelser: 'Admissions',
	Kontakter: 'Contacts',
	'Kontakter per person': 'Contacts per person',
	Døgnopphold: 'Inpatient stays',
	'Døgnopphold per person': 'Inpatient stays per person',
	'Andel skjult: antall skrøpelige eldre er skjult': 'Share hidden: the number of frail elderly is hidden',
	'Ingen innleggelser': 'No admissions',
	// the notes
	[PRIMAER]: 'Hidden: fewer than 5 events',
	[KOMPLEMENTAER]: 'Hidden to protect another cell',
	'Skjult: ett av tallene i raden er færre enn 5': 'Hidden: one of the figures in the row is fewer than 5',
	Skjult: 'Hidden'
};

// "Skjult: færre enn 5 pasienter" and the like (the pages name what is counted).
const TELLES = {
	hendelser: 'events',
	epikriser: 'discharge summaries',
	nyhenviste: 'new referrals',
	pasienter: 'patients',
	prosedyrer: 'procedures',
	personer: 'persons',
	opphold: 'stays',
	kontakter: 'contacts'
};

/** The English of a Norwegian title, group, note or selection label; unknown text unchanged. */
export function engelsk(tekst) {
	if (typeof tekst !== 'string') return tekst;
	if (Object.prototype.hasOwnProperty.call(ENGELSK, tekst)) return ENGELSK[tekst];
	const faerre = /^Skjult: færre enn 5(?: (\S+))?$/.exec(tekst);
	if (faerre) return `Hidden: fewer than 5${faerre[1] ? ` ${TELLES[faerre[1]] ?? faerre[1]}` : ''}`;
	const grad = /^(\d+)[–-](\d+) år$/.exec(tekst);
	if (grad) return `${grad[1]}–${grad[2]} years`;
	return tekst;
}

const oversett = (tekst, sprak) => (sprak === 'en' ? engelsk(tekst) : tekst);

/**
 * How a column's numbers are shown, from its Evidence/SSF format code: decimals, percent
 * (a fraction shown times 100), thousands separator. null: no format (numbers as they are).
 */
export function tallformat(fmt) {
	if (typeof fmt !== 'string' || !/[0#]/.test(fmt)) return null;
	const prosent = fmt.includes('%');
	const punktum = /[0#]\.([0#]+)/.exec(fmt);
	const desimaler = punktum ? punktum[1].length : 0;
	return { desimaler, prosent, tusen: fmt.includes(',') };
}

/** The Excel number format code for a number with this many decimals. */
function excelFormat({ desimaler, prosent, tusen }) {
	const del = desimaler > 0 ? `.${'0'.repeat(desimaler)}` : '';
	if (prosent) return `0${del}%`;
	return `${tusen ? '#,##0' : '0'}${del}`;
}

/** Rounds half away from zero to `desimaler` decimals (no binary-fraction noise left). */
export function rund(verdi, desimaler) {
	const f = 10 ** desimaler;
	const r = Math.sign(verdi) * Math.round(Math.abs(verdi) * f + 1e-9) / f;
	return Number(r.toFixed(desimaler)) + 0; // + 0: no -0
}

/**
 * A number printed by a page as text ("111 354", "-3,2" in bokmål; "111,354", "-3.2" in
 * English), back to a number and its decimals; null when the text is not a number.
 */
export function lesTalltekst(tekst, sprak) {
	if (typeof tekst !== 'string') return null;
	let t = tekst.trim().replace(/[\u00a0\u202f ]/g, '').replace('−', '-');
	if (sprak === 'en') {
		if (!/^-?\d{1,3}(,\d{3})*(\.\d+)?$/.test(t) && !/^-?\d+(\.\d+)?$/.test(t)) return null;
		t = t.replaceAll(',', '');
	} else {
		if (!/^-?\d+(,\d+)?$/.test(t)) return null;
		t = t.replace(',', '.');
	}
	const punktum = t.indexOf('.');
	return { verdi: Number(t), desimaler: punktum < 0 ? 0 : t.length - punktum - 1 };
}

const erMerknad = (kolonne) => kolonne.id === 'merknad' || kolonne.title === 'Merknad';

/**
 * The table as a download holds it: headers and typed cells. A cell is null (empty), a string,
 * or {tall, desimaler, prosent, tusen} (a number rounded to the decimals the table shows).
 * @param {object[]} rader the query's rows
 * @param {{id: string, title?: string, fmt?: string, colGroup?: string, align?: string}[]} kolonner
 *   the table's columns (Evidence's Column props) in the order shown
 * @param {'nb'|'en'} sprak
 */
export function byggTabell(rader, kolonner, sprak = 'nb') {
	const merknadKolonne = kolonner.find(erMerknad);
	const data = kolonner.filter((k) => !erMerknad(k));
	const overskrift = (k) => {
		const tittel = oversett(k.title ?? k.id, sprak);
		return k.colGroup ? `${oversett(k.colGroup, sprak)} – ${tittel}` : tittel;
	};
	const overskrifter = data.map(overskrift);
	const formater = data.map((k) => tallformat(k.fmt));
	let harMerknad = Boolean(merknadKolonne);
	const celler = [];
	for (const rad of rader) {
		const skjulte = new Map(); // note -> headers of the cells hidden for it
		const ut = data.map((k, i) => {
			const v = rad[k.id];
			if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return null;
			if (typeof v === 'number') {
				const f = formater[i];
				// no format in the table: at most 3 decimals (as Evidence shows such numbers), never 16
				if (!f) return { tall: rund(v, 3), desimaler: null, prosent: false, tusen: false };
				const desimaler = f.prosent ? f.desimaler + 2 : f.desimaler;
				return { tall: rund(v, desimaler), ...f };
			}
			if (typeof v === 'boolean') return oversett(v ? 'Ja' : 'Nei', sprak);
			if (typeof v === 'bigint') return { tall: Number(v), desimaler: 0, prosent: false, tusen: true };
			if (v instanceof Date) return v.toISOString().slice(0, 10);
			if (typeof v === 'string' && !v.trim()) return null;
			const merknad = skjultMerknad(v);
			if (merknad) {
				if (!skjulte.has(merknad)) skjulte.set(merknad, []);
				skjulte.get(merknad).push(overskrifter[i]);
				return null;
			}
			// numbers the page printed as text (wide tables: a number or a "Skjult" label)
			if (k.align === 'right' || formater[i]) {
				const lest = lesTalltekst(v, sprak);
				if (lest) return { tall: lest.verdi, desimaler: lest.desimaler, prosent: false, tusen: Math.abs(lest.verdi) >= 1000 || lest.desimaler === 0 };
			}
			return String(v);
		});
		const merknader = [];
		const egen = merknadKolonne ? rad[merknadKolonne.id] : null;
		if (typeof egen === 'string' && egen.trim()) merknader.push(oversett(egen.trim(), sprak));
		for (const [merknad, hvor] of skjulte) {
			const tekst = oversett(merknad, sprak);
			// name the hidden cells unless every figure of the row is hidden for the same reason
			const alle = skjulte.size === 1 && hvor.length >= data.filter((k) => k.align === 'right' || k.fmt).length;
			merknader.push(alle ? tekst : `${tekst} (${hvor.join(', ')})`);
		}
		if (merknader.length) harMerknad = true;
		celler.push({ ut, merknad: merknader.join('; ') });
	}
	const hoder = harMerknad ? [...overskrifter, oversett('Merknad', sprak)] : overskrifter;
	const radene = celler.map(({ ut, merknad }) => (harMerknad ? [...ut, merknad || null] : ut));
	return { overskrifter: hoder, rader: radene };
}

/** ASCII file-name part: lower case, æ -> ae, ø -> o, å -> a, other letters without accents. */
export function slug(tekst) {
	return String(tekst ?? '')
		.toLowerCase()
		.replaceAll('æ', 'ae')
		.replaceAll('ø', 'o')
		.replaceAll('å', 'a')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

/**
 * The file name from the selection: the parts of `fil` ("rater_<sample>_<year>_<period>_<level>",
 * "_" between parts) each made ASCII, empty or undefined parts left out, plus the extension.
 */
export function filnavn(fil, endelse) {
	const deler = String(fil ?? '')
		.split('_')
		.filter((d) => d && d !== 'undefined' && d !== 'null')
		.map(slug)
		.filter(Boolean);
	return `${deler.length ? deler.join('_') : 'tabell'}.${endelse}`;
}

/** The suppression rule, as the pages explain it. */
export function skjuleregel(sprak = 'nb') {
	return sprak === 'en'
		? 'Figures of 1–4 are hidden to protect privacy: the cell is empty and the Note column says ' +
				'"Hidden: fewer than 5 ...". A larger figure is also hidden when a hidden one could otherwise ' +
				'be worked out from it (a total minus the other cells): "Hidden to protect another cell". ' +
				'A hidden figure is never 0. An empty cell without a note has no figure (e.g. a change ' +
				'from a year without figures).'
		: 'Tall på 1–4 vises ikke, av hensyn til personvernet: cellen er tom, og Merknad sier ' +
				'«Skjult: færre enn 5 …». Et større tall skjules også når et skjult tall ellers kunne ' +
				'regnes ut av det (en sum minus de andre cellene): «Skjult for å beskytte en annen celle». ' +
				'Et skjult tall er aldri 0. En tom celle uten merknad har ikke noe tall (for eksempel ' +
				'endring fra et år uten tall).';
}

/**
 * The lines that say what the file is (the "Om tallene" sheet, the CSV's closing block):
 * [label, text] pairs.
 * @param {{tittel?: string, valg?: string, kilde?: string, datastand?: string, syntetisk?: boolean,
 *   side?: string, lastetNed?: Date}} om
 */
export function omTallene(om, sprak = 'nb') {
	const en = sprak === 'en';
	const linjer = [];
	if (om.tittel) linjer.push([en ? 'Table' : 'Tabell', om.tittel]);
	for (const del of String(om.valg ?? '').split('|')) {
		const t = del.trim();
		if (!t || /undefined|null/.test(t)) continue;
		const kolon = t.indexOf(':');
		if (kolon > 0) linjer.push([oversett(t.slice(0, kolon).trim(), sprak), t.slice(kolon + 1).trim()]);
		else linjer.push([en ? 'Selection' : 'Utvalg', t]);
	}
	if (om.kilde) {
		const marts = om.kilde.split(/[\s,]+/).filter(Boolean).join(', ');
		linjer.push([en ? 'Source' : 'Kilde', en ? `Clinical dashboard warehouse, marts: ${marts}` : `Klinikkdashbordets datavarehus, martene ${marts}`]);
	}
	if (om.datastand) linjer.push([en ? 'Data as of' : 'Datastand', om.datastand]);
	if (om.side) linjer.push([en ? 'Page' : 'Side', om.side]);
	linjer.push([en ? 'Hidden figures' : 'Skjulte tall', skjuleregel(sprak)]);
	if (om.syntetisk) {
		linjer.push([
			en ? 'Note' : 'Merk',
			en
				? 'The figures are synthetic: made by a generator with the shape of the real registry extracts, not from patient data.'
				: 'Tallene er syntetiske: de er laget av en generator med samme form som de ekte registerutleveringene, ikke av pasientdata.'
		]);
	}
	if (om.lastetNed) linjer.push([en ? 'Downloaded' : 'Lastet ned', om.lastetNed.toISOString().slice(0, 16).replace('T', ' ') + ' UTC']);
	return linjer;
}

/** A number as CSV text: no thousands separator, "," (bokmål) or "." (English) as decimal mark. */
export function csvTall(celle, sprak = 'nb') {
	const d = celle.desimaler;
	// a percent cell holds the fraction (0.123); the CSV holds the percentage shown (12,3)
	const v = celle.prosent ? rund(celle.tall * 100, d) : celle.tall;
	const tekst = d === null ? String(v) : v.toFixed(d);
	return sprak === 'en' ? tekst : tekst.replace('.', ',');
}

/**
 * The CSV file's text: UTF-8 BOM, header row, rows, CRLF line ends; bokmål: ";" and decimal
 * comma (Norwegian Excel opens it by double-click), English: "," and decimal point. After an
 * empty line, the "Om tallene" lines (label; text).
 */
export function lagCsv(tabell, om, sprak = 'nb') {
	const skille = sprak === 'en' ? ',' : ';';
	const felt = (v) => {
		if (v === null || v === undefined) return '';
		const s = String(v);
		return s.includes(skille) || /["\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
	};
	// percent columns hold the percentage (12,3 for 12.3 %), so their header says (%) unless it
	// ends with it ("Endr. %", "(%)"); a "%" inside ("95 % konfidensintervall – Nedre") is not the unit
	const prosentKolonner = new Set();
	for (const rad of tabell.rader) rad.forEach((c, i) => c && typeof c === 'object' && c.prosent && prosentKolonner.add(i));
	const hoder = tabell.overskrifter.map((h, i) => (prosentKolonner.has(i) && !/%\)?$/.test(h) ? `${h} (%)` : h));
	const linjer = [hoder.map(felt).join(skille)];
	for (const rad of tabell.rader) {
		linjer.push(rad.map((c) => (c && typeof c === 'object' ? csvTall(c, sprak) : felt(c))).join(skille));
	}
	linjer.push('');
	for (const [navn, tekst] of omTallene(om, sprak)) linjer.push([felt(navn), felt(tekst)].join(skille));
	return `\ufeff${linjer.join('\r\n')}\r\n`;
}

/**
 * The workbook for write-excel-file: sheet 1 the table (bold header row, numeric cells with the
 * table's number format, empty hidden cells), sheet 2 "Om tallene" / "About the figures".
 * Returns the array of sheets writeExcelFile() takes.
 */
export function lagArk(tabell, om, sprak = 'nb') {
	const hode = tabell.overskrifter.map((h) => ({ value: h, fontWeight: 'bold', wrap: true }));
	const rader = tabell.rader.map((rad) =>
		rad.map((c) => {
			if (c === null || c === undefined) return null;
			if (typeof c === 'object') {
				const celle = { value: c.tall, type: Number };
				if (c.desimaler !== null) celle.format = excelFormat(c);
				return celle;
			}
			return { value: c, type: String };
		})
	);
	const bredder = tabell.overskrifter.map((h, i) => {
		let w = Math.min(h.length, 30);
		for (const rad of tabell.rader) {
			const c = rad[i];
			const n = c === null ? 0 : typeof c === 'object' ? String(c.tall).length + 3 : String(c).length;
			w = Math.max(w, Math.min(n, i === tabell.overskrifter.length - 1 ? 60 : 40));
		}
		return { width: Math.max(8, w + 2) };
	});
	const om2 = omTallene(om, sprak).map(([navn, tekst]) => [
		{ value: navn, fontWeight: 'bold' },
		{ value: tekst, wrap: true }
	]);
	return [
		{ data: [hode, ...rader], sheet: sprak === 'en' ? 'Table' : 'Tabell', columns: bredder, stickyRowsCount: 1 },
		{ data: om2, sheet: sprak === 'en' ? 'About the figures' : 'Om tallene', columns: [{ width: 18 }, { width: 100 }] }
	];
}
