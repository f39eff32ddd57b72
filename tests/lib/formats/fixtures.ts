/** The reference encodings of erk songs (fixtures/music21-erk), as symbol arrays. */
import { readdirSync, readFileSync } from 'node:fs';
import { shared } from '../../shared';

/** Every `every`-th fixture song, in name order. */
export function erkSongs(every = 1): string[][] {
	const dir = shared('fixtures', 'music21-erk');
	return readdirSync(dir)
		.sort((a, b) => Number(a) - Number(b))
		.filter((_, i) => i % every === 0)
		.map((f) => readFileSync(`${dir}/${f}`, 'utf8').trim().split(/\s+/));
}
