/**
 * The key of a melody when its file does not designate one where music21 looks: music21's `analyze('key')`,
 * the Pearson correlation of the duration-weighted pitch-class histogram with the 24 rotations of the
 * Aarden-Essen profiles (docs/reference.md, step 5). The weights are music21's.
 */
import type { KernEvent } from '../kern/token';
import { isPitchSymbol } from '../music/pitch';
import { REST, SONG_END } from '../music/symbols';

/** Aarden-Essen major profile, tonic first (music21's AardenEssen weights). */
export const AARDEN_ESSEN_MAJOR = [
	17.7661, 0.145624, 14.9265, 0.160186, 19.8049, 11.3587, 0.291248, 22.062, 0.145624, 8.15494, 0.232998,
	4.95122
];
/** Aarden-Essen minor profile, tonic first. */
export const AARDEN_ESSEN_MINOR = [
	18.2648, 0.737619, 14.0499, 16.8599, 0.702494, 14.4362, 0.702494, 18.6161, 4.56621, 1.93186, 7.37619,
	1.75623
];

/** An estimated key: tonic pitch class (C = 0) and mode, with its correlation. */
export interface EstimatedKey {
	tonic: number;
	mode: 'major' | 'minor';
	correlation: number;
}

/** Pitch-class names as music21 spells estimated tonics (its preferred enharmonic for each mode). */
const MAJOR_NAMES = ['C', 'D-', 'D', 'E-', 'E', 'F', 'F#', 'G', 'A-', 'A', 'B-', 'B'];
const MINOR_NAMES = ['c', 'c#', 'd', 'e-', 'e', 'f', 'f#', 'g', 'g#', 'a', 'b-', 'b'];

/** Name of an estimated key in kern style: upper case major, lower case minor. */
export function keyName(k: { tonic: number; mode: 'major' | 'minor' }): string {
	return (k.mode === 'major' ? MAJOR_NAMES : MINOR_NAMES)[k.tonic];
}

function mean(xs: number[]): number {
	let s = 0;
	for (const x of xs) s += x;
	return s / xs.length;
}

function pstdev(xs: number[], m: number): number {
	let s = 0;
	for (const x of xs) s += (x - m) * (x - m);
	return Math.sqrt(s / xs.length);
}

/** Duration-weighted pitch-class histogram of the notes (rests do not count). */
export function pitchClassHistogram(events: KernEvent[]): number[] {
	const h = new Array<number>(12).fill(0);
	for (const e of events)
		if (e.kind === 'note' && e.midi !== undefined) h[((e.midi % 12) + 12) % 12] += e.quarterLength;
	return h;
}

/** The best of the 24 keys for a histogram, or null when there are no notes. */
export function estimateKey(histogram: number[]): EstimatedKey | null {
	const hMean = mean(histogram);
	const hStd = pstdev(histogram, hMean);
	if (hStd === 0) return null;
	const candidates: EstimatedKey[] = [];
	for (const [mode, weights] of [
		['major', AARDEN_ESSEN_MAJOR],
		['minor', AARDEN_ESSEN_MINOR]
	] as const) {
		const wMean = mean(weights);
		const wStd = pstdev(weights, wMean);
		for (let tonic = 0; tonic < 12; tonic++) {
			let cov = 0;
			for (let n = 0; n < 12; n++) cov += (weights[(n - tonic + 12) % 12] - wMean) * (histogram[n] - hMean);
			candidates.push({ tonic, mode, correlation: cov / 12 / (wStd * hStd) });
		}
	}
	// music21 sorts (coefficient, pitch, mode) descending: on a tie the higher pitch class, then 'minor', wins.
	candidates.sort(
		(a, b) =>
			b.correlation - a.correlation ||
			b.tonic - a.tonic ||
			(a.mode === b.mode ? 0 : a.mode === 'minor' ? -1 : 1)
	);
	return candidates[0];
}

function pearson(a: readonly number[], b: readonly number[]): number {
	const n = a.length;
	const ma = mean([...a]);
	const mb = mean([...b]);
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
 * Whether an encoded melody (already in C major or A minor) reads as C major or A minor: its pitch
 * classes weighted by duration, against the Aarden-Essen profiles of those two keys.
 */
export function estimateMode(symbols: readonly string[]): 'major' | 'minor' {
	const hist = Array<number>(12).fill(0);
	let pc = -1;
	for (const s of symbols) {
		if (isPitchSymbol(s)) pc = Number(s) % 12;
		else if (s === REST || s === SONG_END) pc = -1;
		if (pc >= 0) hist[pc]++;
	}
	const minor = AARDEN_ESSEN_MINOR.map((_, i) => AARDEN_ESSEN_MINOR[(i - 9 + 12) % 12]);
	return pearson(hist, minor) > pearson(hist, AARDEN_ESSEN_MAJOR) ? 'minor' : 'major';
}
