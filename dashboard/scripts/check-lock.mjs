// After `npm install`: checks that the install kept to the committed lock, then restores it.
// npm may add other platforms' optional binaries (e.g. @rollup/rollup-darwin-x64) to the lock,
// depending on what the registry and its cache hold, so a byte comparison would fail at random.
// What must hold: every package of the committed lock is still there with the same version and
// integrity, and whatever npm added is optional (a binary for another platform). Anything else
// means package.json and the lock disagree: run `npm install` and commit the new lock.
// Usage: node scripts/check-lock.mjs <committed lock copy> <lock after install>
import fs from 'node:fs';

const [beforeFile, afterFile] = process.argv.slice(2);
const before = JSON.parse(fs.readFileSync(beforeFile, 'utf8')).packages ?? {};
const after = JSON.parse(fs.readFileSync(afterFile, 'utf8')).packages ?? {};
const problems = [];
for (const [name, entry] of Object.entries(before)) {
	const now = after[name];
	if (!now) problems.push(`${name || '(root)'}: removed by npm install`);
	else if (now.version !== entry.version || now.integrity !== entry.integrity) {
		problems.push(`${name}: ${entry.version} in the lock, ${now.version} installed`);
	}
}
for (const [name, entry] of Object.entries(after)) {
	if (!(name in before) && !entry.optional) problems.push(`${name}: added by npm install (not optional)`);
}
fs.copyFileSync(beforeFile, afterFile);
if (problems.length) {
	console.error(`dashboard/package-lock.json is out of date with package.json:\n  ${problems.join('\n  ')}`);
	console.error('run `npm install` in dashboard/ and commit the new package-lock.json');
	process.exit(1);
}
