/**
 * Keys for export. The model writes in C major or A minor (the encoding moves every song there); an
 * export may move the melody to another key. The shift for a key is the inverse of the encoding's own
 * (60 − tonic for major, 69 − tonic for minor, tonic in octave 4), so that reading the export back with
 * the project's kern reader lands on exactly the symbols that were written.
 */
import { isPitchSymbol } from '../music/pitch';

export type Mode = 'major' | 'minor';

/** A key to export in. */
export interface ExportKey {
	/** `G major`, `E minor`. */
	name: string;
	mode: Mode;
	/** Pitch class of the tonic, 0 = C. */
	tonic: number;
	/** Sharps (> 0) or flats (< 0) in the signature. */
	fifths: number;
	/** Semitones added to the melody (C major / A minor → this key). */
	shift: number;
	/** Kern key designation without `*` and `:` (`G`, `e`, `B-`, `f#`). */
	kern: string;
}

const MAJOR: [number, string, number][] = [
	[0, 'C', 0],
	[1, 'D♭', -5],
	[2, 'D', 2],
	[3, 'E♭', -3],
	[4, 'E', 4],
	[5, 'F', -1],
	[6, 'F♯', 6],
	[7, 'G', 1],
	[8, 'A♭', -4],
	[9, 'A', 3],
	[10, 'B♭', -2],
	[11, 'B', 5]
];
const MINOR: [number, string, number][] = [
	[9, 'A', 0],
	[10, 'B♭', -5],
	[11, 'B', 2],
	[0, 'C', -3],
	[1, 'C♯', 4],
	[2, 'D', -1],
	[3, 'E♭', -6],
	[4, 'E', 1],
	[5, 'F', -4],
	[6, 'F♯', 3],
	[7, 'G', -2],
	[8, 'G♯', 5]
];

function kernName(name: string, mode: Mode): string {
	const k = name.replace('♭', '-').replace('♯', '#');
	return mode === 'major' ? k : k.toLowerCase();
}

/** Every major key (shift 0..11 from C) and every minor key (shift −9..2 from A). */
export const EXPORT_KEYS: readonly ExportKey[] = [
	...MAJOR.map(([tonic, n, fifths]) => ({
		name: `${n} major`,
		mode: 'major' as const,
		tonic,
		fifths,
		shift: tonic,
		kern: kernName(n, 'major')
	})),
	...MINOR.map(([tonic, n, fifths]) => ({
		name: `${n} minor`,
		mode: 'minor' as const,
		tonic,
		fifths,
		shift: tonic - 9,
		kern: kernName(n, 'minor')
	}))
];

/** The key the model writes in, for a melody of the given mode. */
export function homeKey(mode: Mode): ExportKey {
	return EXPORT_KEYS.find((k) => k.shift === 0 && k.mode === mode)!;
}

/** Finds a key by its name (`G major`) or kern designation (`G`, `e`). */
export function findKey(text: string): ExportKey | undefined {
	const t = text.trim().replace('b', '♭').replace('#', '♯');
	return EXPORT_KEYS.find((k) => k.name.toLowerCase() === t.toLowerCase() || k.kern === text.trim());
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
