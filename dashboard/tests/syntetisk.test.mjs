// The synthetic-data banner's text (components/syntetisk.js), without a browser: a synthetic
// delivery says so with its scale, in bokmål (5 %, 0,2 %) or English; a real delivery (or no
// delivery information) gets no banner. The e2e test (dashboard.test.mjs) checks every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bannerText, skala } from '../components/syntetisk.js';

test('the scale as a Norwegian or English percentage', () => {
	assert.equal(skala(0.05), '5\u00a0%');
	assert.equal(skala(0.002), '0,2\u00a0%');
	assert.equal(skala(0.05, 'en'), '5%');
	assert.equal(skala(0.002, 'en'), '0.2%');
});

test('a synthetic delivery gets the banner with its scale; a real one none', () => {
	const nb = bannerText({ is_synthetic: true, population_fraction: 0.05 });
	assert.match(nb, /^Syntetiske data: .*i skala 5\u00a0% av nasjonalt volum, og ratene er regnet mot 5\u00a0% av befolkningen/);
	assert.match(bannerText({ is_synthetic: true, population_fraction: 0.05 }, 'en'), /^Synthetic data: .*scale 5% of national volume/);
	assert.match(bannerText({ is_synthetic: true, population_fraction: 1 }), /^Syntetiske data: .*nasjonalt volum\.$/);
	assert.equal(bannerText({ is_synthetic: false, population_fraction: 1 }), null);
	assert.equal(bannerText(null), null);
	assert.equal(bannerText(undefined, 'en'), null);
});
