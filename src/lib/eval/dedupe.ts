/**
 * Honest held-out sets: the Essen subsets share songs (allerkbd is mostly erk, dva and altdeu repeat
 * some), so a held-out song identical to a training song (same symbol sequence) would measure memory,
 * not prediction. These helpers drop them.
 */

/** A song's identity for duplicate detection: its symbols, exactly. */
export function songKey(symbols: readonly string[]): string {
	return symbols.join(' ');
}

/** Held-out songs split into those kept and those identical to a training song. */
export function removeDuplicates<T>(
	heldOut: readonly T[],
	training: readonly (readonly string[])[],
	symbolsOf: (song: T) => readonly string[]
): { kept: T[]; removed: T[] } {
	const seen = new Set(training.map(songKey));
	const kept: T[] = [];
	const removed: T[] = [];
	for (const s of heldOut) (seen.has(songKey(symbolsOf(s))) ? removed : kept).push(s);
	return { kept, removed };
}
