// `evidence sources` for this project's sources, without the row-by-row trip through JavaScript.
// Evidence 39 reads every source query into JS objects, builds Arrow vectors from them and writes
// parquet (about 30 CPU s for the test warehouse's 850,000 rows). Here DuckDB writes the same
// files: each query's columns cast to the types Evidence's writer gives them (numbers DOUBLE,
// text VARCHAR, booleans BOOLEAN, or DOUBLE when all null), then Evidence's own last step (its
// duckdb-wasm COPY ... CODEC 'ZSTD') writes <data>/<source>/<query>/<query>.parquet; beside it
// <query>.schema.json (the DuckDB connector's types) and <data>/manifest.json.
// Anything this does not cover (another connector, a file DuckDB source, a column type other than
// those, several statements, an empty result, subfolders) runs `evidence sources` instead.
// Usage (in dashboard/): node scripts/sources.mjs
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { DuckDBInstance } from '@duckdb/node-api';

const dashboardDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(dashboardDir, process.env.EVIDENCE_DATA_DIR ?? '.evidence/template/static/data');
const urlPrefix = process.env.EVIDENCE_DATA_URL_PREFIX ?? 'static/data';
const metaDir = path.join(dashboardDir, '.evidence', 'meta');

class Unsupported extends Error {}

// The DuckDB connector's type names (@evidence-dev/duckdb, duckdbDescribeToEvidenceType) that this
// writes itself; VARCHAR only for text (other types become text through JS, not through a cast).
const NUMBER = /^(DOUBLE|FLOAT|TINYINT|UTINYINT|SMALLINT|USMALLINT|INTEGER|UINTEGER|BIGINT|UBIGINT|HUGEINT|DECIMAL.*)$/;
function evidenceType(duckType) {
	if (NUMBER.test(duckType)) return 'number';
	if (duckType === 'VARCHAR') return 'string';
	if (duckType === 'BOOLEAN') return 'boolean';
	throw new Unsupported(`column type ${duckType}`);
}

const ident = (name) => `"${name.replaceAll('"', '""')}"`;
const literal = (text) => `'${text.replaceAll("'", "''")}'`;

async function rows(conn, sql) {
	return (await conn.runAndReadAll(sql)).getRowObjectsJS();
}

/** The sources (folders of sources/), each checked to be one this script covers. */
function plan() {
	const sourcesDir = path.join(dashboardDir, 'sources');
	return fs.readdirSync(sourcesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => {
		const dir = path.join(sourcesDir, e.name);
		const connection = yaml.load(fs.readFileSync(path.join(dir, 'connection.yaml'), 'utf8'));
		if (connection?.type !== 'duckdb' || connection?.options?.filename !== ':memory:') {
			throw new Unsupported(`source ${e.name}: not an in-memory DuckDB source`);
		}
		const entries = fs.readdirSync(dir, { withFileTypes: true });
		if (entries.some((f) => f.isDirectory() || f.name === 'initialize.sql')) throw new Unsupported(`source ${e.name}: subfolders or initialize.sql`);
		const queries = entries.filter((f) => f.name.endsWith('.sql')).map((f) => {
			// whole-line comments off (the query is wrapped in other SQL), a trailing ";" off
			const sql = fs.readFileSync(path.join(dir, f.name), 'utf8').split('\n').filter((l) => !/^\s*--/.test(l))
				.join('\n').trim().replace(/;+$/, '');
			if (sql.includes(';')) throw new Unsupported(`${e.name}/${f.name}: several statements`);
			return { name: f.name.slice(0, -4), sql };
		});
		return { name: e.name, queries };
	});
}

async function writeSources(sources) {
	const { initDB, query } = await import('@evidence-dev/universal-sql/client-duckdb');
	await initDB();
	const db = await DuckDBInstance.create(':memory:');
	const conn = await db.connect();
	const rendered = {};
	for (const source of sources) {
		rendered[source.name] = [];
		console.log(`  [Processing] ${source.name}`);
		for (const { name, sql } of source.queries) {
			const described = await rows(conn, `describe ${sql}`);
			const columns = described.map((c) => ({ name: c.column_name, evidenceType: evidenceType(c.column_type), typeFidelity: 'precise' }));
			const [counts] = await rows(conn, `select count(*)::bigint as n${columns.map((c, i) => `, count(${ident(c.name)})::bigint as c${i}`).join('')} from (${sql})`);
			if (Number(counts.n) === 0) throw new Unsupported(`${source.name}.${name}: no rows`);
			const select = columns.map((c, i) => {
				const cast = c.evidenceType === 'number' || (c.evidenceType === 'boolean' && Number(counts[`c${i}`]) === 0) ? 'double'
					: c.evidenceType === 'boolean' ? 'boolean' : 'varchar';
				return `cast(${ident(c.name)} as ${cast}) as ${ident(c.name)}`;
			});
			const tmpDir = path.join(metaDir, source.name, name, 'tmp');
			const outDir = path.join(dataDir, source.name, name);
			fs.rmSync(tmpDir, { recursive: true, force: true });
			fs.rmSync(outDir, { recursive: true, force: true });
			fs.mkdirSync(tmpDir, { recursive: true });
			fs.mkdirSync(outDir, { recursive: true });
			const tmp = path.join(tmpDir, `${name}.0.parquet`);
			await conn.run(`copy (select ${select.join(', ')} from (${sql})) to ${literal(tmp)} (format parquet)`);
			const out = path.join(outDir, `${name}.parquet`);
			query(`COPY (SELECT * FROM read_parquet([${literal(tmp.replaceAll('\\', '/'))}])) TO ${literal(out)} (FORMAT 'PARQUET', CODEC 'ZSTD');`);
			fs.chmodSync(out, 0o644);
			fs.writeFileSync(path.join(outDir, `${name}.schema.json`), JSON.stringify(columns));
			rendered[source.name].push(`${urlPrefix}/${source.name}/${name}/${name}.parquet`);
			console.log(`  ${name} ✔ wrote ${Number(counts.n)} rows`);
		}
		rendered[source.name].sort((a, b) => a.localeCompare(b));
	}
	conn.disconnectSync();
	db.closeSync();
	fs.writeFileSync(path.join(dataDir, 'manifest.json'), JSON.stringify({ renderedFiles: rendered }));
}

let sources;
try {
	sources = plan();
} catch (err) {
	if (!(err instanceof Unsupported)) throw err;
	console.log(`sources.mjs: ${err.message}; running evidence sources`);
}
if (sources) {
	try {
		await writeSources(sources);
		console.log('  ✅ Done!');
		process.exit(0);
	} catch (err) {
		if (!(err instanceof Unsupported)) throw err;
		console.log(`sources.mjs: ${err.message}; running evidence sources`);
	}
}
const run = spawnSync('npx', ['evidence', 'sources'], { cwd: dashboardDir, stdio: 'inherit' });
process.exit(run.status ?? 1);
