/**
 * Where a tune sits: the model writes around middle C (most notes between B3 and A4), below the treble
 * staff for a quarter of them. A tune moved to a key is also moved by whole octaves into the range of the
 * voice that plays it, as high or low as reads best on the treble staff (fewest ledger lines).
 */
import { isPitchSymbol } from './pitch';
import type { Key } from './key';

/** A voice's playable range, MIDI note numbers, inclusive. */
export interface Range {
	low: number;
	high: number;
}

/**
 * The ranges of the page's voices (playback/voices ids), sounding pitch: a flute from middle C, a fiddle
 * or mandolin from G below it, an accordion's treble side from F below it; the piano's written for the
 * treble staff the score uses.
 */
export const VOICE_RANGES: Readonly<Record<string, Range>> = {
	piano: { low: 57, high: 88 },
	flute: { low: 60, high: 93 },
	plucked: { low: 55, high: 88 },
	reed: { low: 53, high: 89 }
};

/** The range for a voice the table does not name: the treble staff and a third either side. */
export const DEFAULT_RANGE: Range = { low: 57, high: 84 };

/** Ledger lines a note needs on the treble staff (E4–F5 on the staff, D4 and G5 hang beside it). */
export function ledgerLines(midi: number): number {
	if (midi < 62) return Math.ceil((62 - midi) / 3.5);
	if (midi > 79) return Math.ceil((midi - 79) / 3.5);
	return 0;
}

/**
 * Whole octaves (in semitones, a multiple of 12) to add to a melody already moved by `shift` so that it
 * lies in `range`: notes outside the range cost most, then ledger lines on the treble staff, then distance
 * from the middle of the range.
 */
export function octavesInto(symbols: readonly string[], shift: number, range: Range): number {
	const pitches = symbols.filter(isPitchSymbol).map((s) => Number(s) + shift);
	if (!pitches.length) return 0;
	const middle = (range.low + range.high) / 2;
	let best = 0;
	let bestCost = Infinity;
	for (let octave = -4; octave <= 4; octave++) {
		const moved = pitches.map((p) => p + 12 * octave);
		if (moved.some((p) => p < 0 || p > 127)) continue;
		let cost = 0;
		for (const p of moved) {
			cost += (p < range.low ? range.low - p : p > range.high ? p - range.high : 0) * 1000;
			cost += ledgerLines(p) * 10;
		}
		const centre = moved.reduce((a, b) => a + b, 0) / moved.length;
		cost += Math.abs(centre - middle) / 100;
		if (cost < bestCost) {
			bestCost = cost;
			best = 12 * octave;
		}
	}
	return best;
}

/** `key` moved by whole octaves so that a melody in the model's keys lies in `range` once moved to it. */
export function placeInRange(key: Key, symbols: readonly string[], range: Range): Key {
	return { ...key, shift: key.shift + octavesInto(symbols, key.shift, range) };
}
