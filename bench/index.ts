/**
 * `npm run bench`: runs every benchmark in bench/*.bench.ts and prints measured figures. Targets are
 * compared against the reference design measured in the same run, never against numbers written here.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
	.filter((f) => f.endsWith('.bench.ts'))
	.filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
	.sort();
if (files.length === 0) console.log('no benchmarks yet');
for (const f of files) {
	console.log(`\n## ${f.replace('.bench.ts', '')}`);
	const mod = await import(join(dir, f));
	await mod.default();
}
