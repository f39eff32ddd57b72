/**
 * Keys for export. The model writes in C major or A minor (the encoding moves every song there); an
 * export may move the melody to another key. The shift for a key is the inverse of the encoding's own
 * (60 − tonic for major, 69 − tonic for minor, tonic in octave 4), so that reading the export back with
 * the project's kern reader lands on exactly the symbols that were written.
 */
import { isPitchSymbol } from '../music/pitch';
import { REST, SONG_END } from '../music/symbols';

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

// Aarden-Essen key profiles (as music21 uses them), indexed from the tonic.
const AARDEN_MAJOR = [
	17.7661, 0.145624, 14.9265, 0.160186, 19.8049, 11.3587, 0.291248, 22.062, 0.145624, 8.15494, 0.232998,
	4.95122
];
const AARDEN_MINOR = [
	18.2648, 0.737619, 14.0499, 16.8599, 0.702494, 14.4362, 0.702494, 18.6161, 4.56621, 1.93186, 7.37619,
	1.75623
];

function pearson(a: number[], b: number[]): number {
	const n = a.length;
	const ma = a.reduce((s, x) => s + x, 0) / n;
	const mb = b.reduce((s, x) => s + x, 0) / n;
	let num = 0;
	let da = 0;
	let db = 0;
	for (let i = 0; i < n; i++) {
		num += (a[i] - ma) * (b[i] - mb);
		da += (a[i] - ma) ** 2;
		db += (b[i] - mb) ** 2;
	}
	return da && db ? num / Math.sqrt(da * db) : 0;
}

/**
 * Whether a melody in the model's keys reads as C major or A minor: duration-weighted pitch classes
 * against the Aarden-Essen profiles of those two keys.
 */
export function estimateMode(symbols: readonly string[]): Mode {
	const hist = Array<number>(12).fill(0);
	let pc = -1;
	for (const s of symbols) {
		if (isPitchSymbol(s)) pc = Number(s) % 12;
		else if (s === REST || s === SONG_END) pc = -1;
		if (pc >= 0) hist[pc]++;
	}
	const minor = AARDEN_MINOR.map((_, i) => AARDEN_MINOR[(i - 9 + 12) % 12]);
	return pearson(hist, minor) > pearson(hist, AARDEN_MAJOR) ? 'minor' : 'major';
}

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
