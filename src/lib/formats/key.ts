/**
 * Keys for export. The model writes in C major or A minor (the encoding moves every song there); an
 * export may move the melody to another key. The shift for a key is the inverse of the encoding's own
 * (60 − tonic for major, 69 − tonic for minor, tonic in octave 4), so that reading the export back with
 * the project's kern reader lands on exactly the symbols that were written.
 */
import { isPitchSymbol } from '../music/pitch';
import { keyOf, modeFamily, parseKey, type Key, type Mode } from '../music/key';

// The descriptor lives in music/ so that every level (generation included) can name a key.
export { keyOf, modeFamily, parseKey, MODES, type ExportKey, type Key, type Mode } from '../music/key';

/** The model's two keys' tonics: C for major-like tunes, A for minor-like ones. */
const MAJOR_TONICS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const MINOR_TONICS = [9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7, 8];

/** Every major key (shift 0..11 from C) and every minor key (shift −9..2 from A). */
export const EXPORT_KEYS: readonly Key[] = [
	...MAJOR_TONICS.map((t) => keyOf(t, 'major')),
	...MINOR_TONICS.map((t) => keyOf(t, 'minor'))
];

/** The key the model writes in, for a melody of the given mode (C for major-like, A for minor-like). */
export function homeKey(mode: Mode): Key {
	return keyOf(modeFamily(mode) === 'major' ? 0 : 9, mode);
}

/**
 * Finds a key by its name (`G major`, `D Dorian`, `Bb`) or kern designation (`G`, `e`, `B-`). Major and
 * minor keys come from `EXPORT_KEYS`; any other mode is made on demand.
 */
export function findKey(text: string): Key | undefined {
	const t = text.trim().replace('b', '♭').replace('#', '♯');
	return (
		EXPORT_KEYS.find((k) => k.name.toLowerCase() === t.toLowerCase() || k.kern === text.trim()) ??
		parseKey(text)
	);
}

// Whether a melody in the model's keys reads as C major or A minor (the key an export defaults to).
export { estimateMode } from '../encoding/key';

/** Moves every pitch by `semitones`; throws if one leaves the MIDI range. */
export function transposeSymbols(symbols: readonly string[], semitones: number): string[] {
	if (semitones === 0) return [...symbols];
	return symbols.map((s) => {
		if (!isPitchSymbol(s)) return s;
		const p = Number(s) + semitones;
		if (p < 0 || p > 127)
			throw new Error(`Transposing by ${semitones} semitones takes ${s} outside MIDI's range.`);
		return String(p);
	});
}

/**
 * A kern key designation as a musician writes it, keeping its spelling: `B-` → `B♭ major`, `e` →
 * `E minor`, `a-` → `A♭ minor`, `d:dor` → `D Dorian`. Anything else comes back as it is.
 */
export function kernKeyName(designation: string): string {
	const m = /^\*?([A-Ga-g])([#-]?)(?::([a-z]*))?$/.exec(designation.trim());
	if (!m) return designation;
	const [, letter, accidental, mode] = m;
	const root = letter.toUpperCase() + (accidental === '#' ? '♯' : accidental === '-' ? '♭' : '');
	const named = mode ? parseKey(`C${mode}`) : undefined;
	if (named) return `${root} ${named.name.split(' ')[1]}`;
	return `${root} ${letter === letter.toUpperCase() ? 'major' : 'minor'}`;
}
