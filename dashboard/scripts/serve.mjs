// A minimal static file server for the built site (no dependencies): `make dashboard` serves
// the site with it on 127.0.0.1, and the end-to-end test starts one on a free port.
// Usage: node scripts/serve.mjs <site-dir> [port] [host]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.woff': 'font/woff',
	'.woff2': 'font/woff2',
	'.wasm': 'application/wasm',
	'.parquet': 'application/octet-stream',
	'.arrow': 'application/octet-stream',
	'.txt': 'text/plain; charset=utf-8',
	'.webmanifest': 'application/manifest+json'
};

/** Resolves a URL path to a file of root: the file, <path>/index.html or <path>.html. */
function resolveFile(root, urlPath) {
	let rel;
	try {
		rel = decodeURIComponent(urlPath.split('?')[0]);
	} catch {
		return null;
	}
	const full = path.normalize(path.join(root, rel));
	if (!full.startsWith(root)) return null;
	for (const candidate of [full, path.join(full, 'index.html'), `${full}.html`]) {
		if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
	}
	return null;
}

/** Starts the server; resolves once it listens. port 0 = a free port (server.address().port). */
export function serveStatic(siteDir, { host = '127.0.0.1', port = 3000 } = {}) {
	const root = path.resolve(siteDir);
	const server = http.createServer((req, res) => {
		const file = resolveFile(root, req.url ?? '/');
		if (!file) {
			const notFound = path.join(root, '404.html');
			res.writeHead(404, { 'content-type': TYPES['.html'] });
			res.end(fs.existsSync(notFound) ? fs.readFileSync(notFound) : 'not found');
			return;
		}
		// Caching: the files under _app/immutable/ have a content hash in their name (the 18 MB
		// DuckDB wasm, the JS chunks), so a browser may keep them; every other file (pages, the
		// parquet data) is revalidated on each use, and an unchanged one costs a 304, not a download.
		const stat = fs.statSync(file);
		const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
		const rel = path.relative(root, file).split(path.sep).join('/');
		const headers = {
			'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
			'cache-control': rel.startsWith('_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache',
			etag,
			'last-modified': stat.mtime.toUTCString()
		};
		if (req.headers['if-none-match'] === etag) {
			res.writeHead(304, headers);
			res.end();
			return;
		}
		res.writeHead(200, { ...headers, 'content-length': stat.size });
		if (req.method === 'HEAD') res.end();
		else fs.createReadStream(file).pipe(res);
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(server));
	});
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const [siteDir, port = '3000', host = '127.0.0.1'] = process.argv.slice(2);
	if (!siteDir || !fs.existsSync(path.join(siteDir, 'index.html'))) {
		console.error(`usage: node scripts/serve.mjs <site-dir> [port] [host]  (no index.html in ${siteDir})`);
		process.exit(2);
	}
	const server = await serveStatic(siteDir, { host, port: Number(port) });
	console.log(`dashboard: http://${host}:${server.address().port}/  (Ctrl-C stops)`);
}
