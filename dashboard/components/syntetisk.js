// The banner of a synthetic delivery (components/Syntetisk.svelte, on every page through
// pages/+layout.svelte): its text from the delivery the marts are built from, dim_delivery,
// which `clinical-dashboard export` copies into the export manifest and
// scripts/prepare-sources.mjs into static/eksport.json ({delivery: {is_synthetic,
// population_fraction}}). A real delivery (is_synthetic false, or no delivery): no banner.

/** The scale as a percentage: 0.05 -> "5 %" (bokmål, no-break space) or "5%" (English). */
export function skala(fraction, lang = 'nb') {
	const percent = Number((fraction * 100).toPrecision(6));
	if (lang === 'en') return `${percent.toLocaleString('en-GB', { maximumFractionDigits: 4 })}%`;
	return `${percent.toLocaleString('nb-NO', { maximumFractionDigits: 4 }).replace(/\s/g, '\u00a0')}\u00a0%`;
}

/**
 * The banner's text for a delivery, or null when there is to be none (a real delivery).
 * @param {{is_synthetic?: boolean, population_fraction?: number} | null | undefined} delivery
 * @param {'nb' | 'en'} lang
 */
export function bannerText(delivery, lang = 'nb') {
	if (!delivery?.is_synthetic) return null;
	const fraction = Number(delivery.population_fraction ?? 1);
	const whole = !(fraction > 0) || fraction === 1;
	const head = lang === 'en'
		? 'Synthetic data: made by a generator, no real patients.'
		: 'Syntetiske data: laget av en generator, ingen virkelige pasienter.';
	if (whole) return `${head} ${lang === 'en' ? 'The extracts are at national volume.' : 'Uttrekkene har nasjonalt volum.'}`;
	const s = skala(fraction, lang);
	return lang === 'en'
		? `${head} The extracts are at scale ${s} of national volume, and the rates are computed against ${s} of ` +
			'the population, so their level is that of the whole country.'
		: `${head} Uttrekkene er i skala ${s} av nasjonalt volum, og ratene er regnet mot ${s} av befolkningen, ` +
			'så nivået er som for hele landet.';
}
