/**
 * The erk songs of ../shared as the app keeps them, and the same songs written by the app as one ABC
 * book: what the round-trip and abc2midi tests read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../src/lib/corpus/ingest';
import type { EncodedSong } from '../../../src/lib/encoding/song';
import { toAbc } from '../../../src/lib/formats/abc';
import { DEFAULT_METER, parseMeter } from '../../../src/lib/music/meter';
import { shared } from '../../shared';

/** erk's directory in ../shared (callers skip where `hasShared()` is false). */
export const erkDir = () => shared('corpus/essen/deutschl/erk');

/** erk's kern songs as ingest keeps them, in file order; every `every`-th file only. */
export async function erkSongs(every = 1): Promise<EncodedSong[]> {
	const dir = erkDir();
	const files = readdirSync(dir)
		.filter((f) => f.endsWith('.krn'))
		.sort()
		.filter((_, i) => i % every === 0);
	const dropped = files.map((f) => {
		const b = new Uint8Array(readFileSync(join(dir, f)));
		return { path: f, size: b.length, read: () => b };
	});
	return (await ingest(dropped)).songs;
}

/** The songs as one ABC book, one tune per song in order (`X:` 1, 2, …), each titled by its path. */
export function abcBook(songs: readonly EncodedSong[]): string {
	return songs
		.map((s, i) => {
			const meter = parseMeter(s.meter) ?? DEFAULT_METER;
			const pickup = s.barPhase ? meter.stepsPerBar - s.barPhase : 0;
			return toAbc(s.symbols, { meter, pickup, title: s.path }).replace(/^X:1$/m, `X:${i + 1}`);
		})
		.join('\n');
}
