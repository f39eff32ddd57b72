/**
 * The one vocabulary builder: the symbols of some songs in a fixed order, `/`, `_`, `r`, then MIDI
 * numbers ascending, then anything else sorted. (The reference numbered them in Python set order, which
 * no one can reproduce; the order does not change what a model learns.)
 */
import { HOLD, REST, SONG_END } from './symbols';

const isNumber = (x: string) => /^\d+$/.test(x);

/**
 * The symbols of `songs` in vocabulary order, always with `/`. `_` and `r` are included only when a song
 * uses them, unless `allSpecials` (the n-gram and the corpus summary want every symbol of the encoding).
 */
export function buildVocabulary(songs: Iterable<readonly string[]>, { allSpecials = false } = {}): string[] {
	const seen = new Set<string>();
	for (const s of songs) for (const x of s) seen.add(x);
	const specials = [HOLD, REST].filter((x) => allSpecials || seen.has(x));
	for (const x of [SONG_END, HOLD, REST]) seen.delete(x);
	const pitches = [...seen].filter(isNumber).sort((a, b) => Number(a) - Number(b));
	const other = [...seen].filter((x) => !isNumber(x)).sort();
	return [SONG_END, ...specials, ...pitches, ...other];
}
