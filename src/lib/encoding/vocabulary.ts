/**
 * From encoded songs to the training sequence: songs joined, each followed by 64 `/` (the reference's
 * sequence length), and a vocabulary built from the corpus.
 */
import { DELIMITER, HOLD, REST } from './encode';

/** Delimiters after each song: the reference's sequence length. */
export const SEQUENCE_LENGTH = 64;

/**
 * The symbols of a corpus in a fixed order: MIDI numbers ascending, then `r`, `_`, `/`. (The reference
 * numbered them in Python set order, which no one can reproduce; the order does not change what a model
 * learns.)
 */
export function buildVocabulary(songs: readonly { symbols: readonly string[] }[]): string[] {
	const pitches = new Set<number>();
	for (const s of songs)
		for (const sym of s.symbols)
			if (sym !== HOLD && sym !== REST && sym !== DELIMITER) pitches.add(Number(sym));
	return [...[...pitches].sort((a, b) => a - b).map(String), REST, HOLD, DELIMITER];
}

/** All songs in one sequence, each followed by `delimiters` `/` symbols. */
export function joinSongs(
	songs: readonly { symbols: readonly string[] }[],
	delimiters = SEQUENCE_LENGTH
): string[] {
	const out: string[] = [];
	for (const s of songs) {
		for (const sym of s.symbols) out.push(sym);
		for (let i = 0; i < delimiters; i++) out.push(DELIMITER);
	}
	return out;
}
