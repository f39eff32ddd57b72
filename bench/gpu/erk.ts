/**
 * Writes erk (`../shared/corpus/essen/deutschl/erk`, the reference's training songs) as the trainer reads
 * them — symbols, meter, bar phase, bars — to a gzipped JSON file, so the GPU machine needs no kern reader
 * and the repository carries no corpus. Usage: `npx tsx bench/gpu/erk.ts <out.json.gz>`.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ingest } from '../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../src/cli/files';
import { hasShared, shared } from '../../tests/shared';

const target = process.argv[2];
if (!target || !hasShared()) {
	console.error('Usage: npx tsx bench/gpu/erk.ts <out.json.gz>, with ../shared beside the repository.');
	process.exit(1);
}
const { songs } = await ingest(dropFromPaths([shared('corpus', 'essen', 'deutschl', 'erk')]));
const plain = songs.map(({ symbols, meter, barPhase, bars, meterChanges }) => ({
	symbols,
	meter,
	barPhase,
	bars,
	meterChanges
}));
writeFileSync(target, gzipSync(JSON.stringify(plain), { level: 9 }));
console.log(`erk: ${plain.length} songs written to ${target}`);
