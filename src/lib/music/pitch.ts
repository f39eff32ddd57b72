/**
 * Pitch names for people: MIDI numbers to `C4`-style names and back (C4 = 60, as in the encoding).
 */
import { HOLD, REST, SONG_END } from './symbols';

const SHARP_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
const FLAT_NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B'];
const LETTER_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** `60` → `C4`; sharps by default, flats when asked. */
export function pitchName(midi: number, flats = false): string {
	const pc = ((midi % 12) + 12) % 12;
	return `${(flats ? FLAT_NAMES : SHARP_NAMES)[pc]}${Math.floor(midi / 12) - 1}`;
}

/** `C4`, `f#5`, `Bb3`, `E♭4` → MIDI number; null when the text is not a pitch name. */
export function parsePitchName(text: string): number | null {
	const m = /^([A-Ga-g])([#♯b♭]*)(-?\d)$/.exec(text.trim());
	if (!m) return null;
	let pc = LETTER_PC[m[1].toUpperCase()];
	for (const a of m[2]) pc += a === '#' || a === '♯' ? 1 : -1;
	const midi = (Number(m[3]) + 1) * 12 + pc;
	return midi >= 0 && midi <= 127 ? midi : null;
}

/** True for a MIDI-number symbol (`60`), false for `_`, `r`, `/`. */
export function isPitchSymbol(symbol: string): boolean {
	return /^\d{1,3}$/.test(symbol);
}

/** A symbol as a person reads it: `67` → `G4 (67)`, `r` → `rest`, `_` → `hold`, `/` → `end`. */
export function describeSymbol(symbol: string): string {
	if (symbol === REST) return 'rest';
	if (symbol === HOLD) return 'hold';
	if (symbol === SONG_END) return 'end of song';
	return isPitchSymbol(symbol) ? `${pitchName(Number(symbol))} (${symbol})` : symbol;
}
