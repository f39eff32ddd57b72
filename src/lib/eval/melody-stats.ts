/**
 * What a set of melodies is like, measured: pooled histograms of pitch, interval, rhythm, rests, range
 * and repetition, how long the melodies are and how they end, and the Jensen–Shannon divergence between
 * two sets. Likelihood says how well a model predicts real songs; these say whether what it *writes*
 * sounds like them (a melody that stops after a bar or sits on one pitch shows up here at once).
 *
 * Melodies are symbol sequences on the 16th grid in C major / A minor (pitches, `r`, `_`; a `/` ends
 * one). Notes are read as the encoding writes them: a pitch starts a note, `_` lengthens it, `r` starts a
 * rest; tied notes of the score are two notes here, as in the encoding.
 */
import type { EncodedSong } from '../encoding/song';
import { barPosition, songBarContext, type BarContext } from '../model/features';
import { Rng } from '../model/rng';
import { formatMeter, parseMeter } from '../music/meter';
import { estimateMode } from '../encoding/key';
import { isPitchSymbol } from '../music/pitch';

/** One melody to measure, with where its bars fall (null: free meter, no barlines known). */
export interface MeasuredMelody {
	symbols: readonly string[];
	bar: BarContext | null;
}

/** The histograms compared by Jensen–Shannon divergence, in the order they are reported. */
export const FEATURES = ['scaleDegree', 'interval', 'duration', 'rest', 'range', 'repeatRun'] as const;
export type Feature = (typeof FEATURES)[number];

/** Widest interval with a bin of its own (semitones); wider ones are pooled per direction. */
export const MAX_INTERVAL = 12;
/** Longest note (16ths), widest range (semitones) and longest run with a bin of their own. */
export const MAX_DURATION = 16;
export const MAX_RANGE = 24;
export const MAX_RUN = 8;

/**
 * Bin labels per feature, so a histogram can be printed and read: `interval` runs from "< −12" through
 * −12…+12 to "> +12"; the last bin of `duration`, `range` and `repeatRun` pools everything longer.
 */
export const BINS: Record<Feature, readonly string[]> = {
	scaleDegree: ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'],
	interval: [
		`< -${MAX_INTERVAL}`,
		...Array.from({ length: 2 * MAX_INTERVAL + 1 }, (_, i) => String(i - MAX_INTERVAL)),
		`> +${MAX_INTERVAL}`
	],
	duration: [...Array.from({ length: MAX_DURATION }, (_, i) => String(i + 1)), `> ${MAX_DURATION}`],
	rest: ['note', 'rest'],
	range: [...Array.from({ length: MAX_RANGE + 1 }, (_, i) => String(i)), `> ${MAX_RANGE}`],
	repeatRun: [...Array.from({ length: MAX_RUN }, (_, i) => String(i + 1)), `> ${MAX_RUN}`]
};

/** Pooled counts per feature (not normalised), and the per-melody facts. */
export interface MelodySetStats {
	melodies: number;
	histograms: Record<Feature, number[]>;
	/** Notes (pitch onsets) over all melodies. */
	notes: number;
	/** Melodies whose last note is the tonic and whose end falls on a barline. */
	endsOnTonic: number;
}

/** What one melody is made of: its notes (pitch, length in 16ths) and the steps taken by rests. */
function readMelody(symbols: readonly string[]): {
	pitches: number[];
	lengths: number[];
	restSteps: number;
	steps: number;
} {
	const pitches: number[] = [];
	const lengths: number[] = [];
	let restSteps = 0;
	let inRest = false;
	let steps = 0;
	for (const s of symbols) {
		if (s === '/') break;
		steps++;
		if (isPitchSymbol(s)) {
			pitches.push(Number(s));
			lengths.push(1);
			inRest = false;
		} else if (s === 'r') {
			restSteps++;
			inRest = true;
		} else if (s === '_') {
			if (inRest || lengths.length === 0) restSteps++;
			else lengths[lengths.length - 1]++;
		} else throw new Error(`“${s}” is not a symbol of the notation (MIDI numbers, r, _ and /).`);
	}
	return { pitches, lengths, restSteps, steps };
}

/** The tonic's pitch class for a melody in the encoding's keys: C (0) for major, A (9) for minor. */
export function tonicOf(symbols: readonly string[]): number {
	return estimateMode(symbols) === 'minor' ? 9 : 0;
}

/**
 * Whether a melody ends on its tonic on a barline: its last note is the tonic (the mode found from its
 * pitches, the same rule for real and generated melodies), and its end falls on a barline — after a full
 * bar, or where a pickup's bar is completed (a song with a 1-beat pickup in 3/4 ends after beat 2).
 */
export function endsOnTonic(melody: MeasuredMelody): boolean {
	const { pitches, steps } = readMelody(melody.symbols);
	if (pitches.length === 0 || !melody.bar) return false;
	if (((pitches[pitches.length - 1] % 12) + 12) % 12 !== tonicOf(melody.symbols)) return false;
	const { position, meter } = barPosition(melody.bar, steps);
	// A song that began with a pickup ends where its first bar began, completing that bar.
	return position === 0 || (!melody.bar.changes?.length && position === melody.bar.phase % meter.stepsPerBar);
}

function zeros(feature: Feature): number[] {
	return new Array<number>(BINS[feature].length).fill(0);
}

/** Pooled histograms and counts of a set of melodies. */
export function measureMelodies(melodies: readonly MeasuredMelody[]): MelodySetStats {
	const h = Object.fromEntries(FEATURES.map((f) => [f, zeros(f)])) as Record<Feature, number[]>;
	let notes = 0;
	let tonic = 0;
	for (const m of melodies) {
		const { pitches, lengths, restSteps, steps } = readMelody(m.symbols);
		notes += pitches.length;
		for (const p of pitches) h.scaleDegree[((p % 12) + 12) % 12]++;
		for (const l of lengths) h.duration[Math.min(l, MAX_DURATION + 1) - 1]++;
		h.rest[0] += steps - restSteps;
		h.rest[1] += restSteps;
		let run = 0;
		for (let i = 0; i < pitches.length; i++) {
			if (i > 0) {
				const d = pitches[i] - pitches[i - 1];
				h.interval[Math.max(-MAX_INTERVAL - 1, Math.min(MAX_INTERVAL + 1, d)) + MAX_INTERVAL + 1]++;
			}
			run++;
			if (i === pitches.length - 1 || pitches[i + 1] !== pitches[i]) {
				h.repeatRun[Math.min(run, MAX_RUN + 1) - 1]++;
				run = 0;
			}
		}
		if (pitches.length) h.range[Math.min(Math.max(...pitches) - Math.min(...pitches), MAX_RANGE + 1)]++;
		if (endsOnTonic(m)) tonic++;
	}
	return { melodies: melodies.length, histograms: h, notes, endsOnTonic: tonic };
}

/**
 * Jensen–Shannon divergence of two histograms (counts, normalised here), in bits: 0 for the same
 * distribution, 1 for disjoint ones. NaN when either histogram is empty.
 */
export function jensenShannon(a: readonly number[], b: readonly number[]): number {
	if (a.length !== b.length) throw new Error('Histograms to compare must have the same bins.');
	const sa = a.reduce((s, x) => s + x, 0);
	const sb = b.reduce((s, x) => s + x, 0);
	if (!(sa > 0) || !(sb > 0)) return NaN;
	let d = 0;
	for (let i = 0; i < a.length; i++) {
		const p = a[i] / sa;
		const q = b[i] / sb;
		const m = (p + q) / 2;
		if (p > 0) d += (p / 2) * Math.log2(p / m);
		if (q > 0) d += (q / 2) * Math.log2(q / m);
	}
	// Rounding can leave a tiny negative for identical histograms.
	return Math.max(0, d);
}

/** Divergence per feature between two measured sets. */
export function divergences(a: MelodySetStats, b: MelodySetStats): Record<Feature, number> {
	return Object.fromEntries(
		FEATURES.map((f) => [f, jensenShannon(a.histograms[f], b.histograms[f])])
	) as Record<Feature, number>;
}

/** A real song as the comparison uses it: its melody with its bars, and the meter and bars to ask for. */
export interface RealSong extends MeasuredMelody {
	bar: BarContext;
	/** The song's (first) meter, e.g. `3/4`. */
	meter: string;
	/** Its length in whole bars of that meter (a pickup and the bar it leaves short count as one). */
	bars: number;
}

/** A song fit for the comparison (a numeric meter and a known bar phase), or null. */
export function realSong(song: EncodedSong): RealSong | null {
	const bar = songBarContext(song);
	const meter = parseMeter(song.meter);
	if (!bar || !meter) return null;
	return {
		symbols: song.symbols,
		bar,
		meter: formatMeter(meter),
		bars: Math.max(1, Math.round(song.symbols.length / meter.stepsPerBar))
	};
}

/** Where the songs with a numeric meter start in their bar (0: on the downbeat), one entry a song, by meter. */
export function barPhases(songs: readonly EncodedSong[]): Map<string, number[]> {
	const out = new Map<string, number[]>();
	for (const s of songs.map(realSong)) {
		if (!s) continue;
		const list = out.get(s.meter) ?? [];
		list.push(s.bar.phase);
		out.set(s.meter, list);
	}
	return out;
}

/** Writes the melody for one drawn song, knowing only its meter and number of bars. */
export type MelodyWriter = (
	request: { meter: string; bars: number },
	index: number
) => MeasuredMelody | Promise<MeasuredMelody>;

/** One feature's divergence beside the two levels that give it meaning. */
export interface FeatureComparison {
	/** Generated melodies against all held-out songs. */
	jsd: number;
	/** Two disjoint random sets of held-out songs against each other: what chance alone gives. */
	floor: number;
	/** Random training songs against the held-out songs: what a perfect sampler of the training corpus reaches. */
	trainingLevel: number;
}

/** The result of `compareWithRealSongs`, as `cli melody-stats --json` prints it. */
export interface MelodyStatsReport {
	/** Melodies generated (one per drawn held-out song). */
	samples: number;
	/** Held-out songs compared against. */
	real: number;
	features: Record<Feature, FeatureComparison>;
	/** Share of melodies that end on the tonic on a barline. */
	endsOnTonic: { generated: number; real: number; training: number };
	/** Mean notes per melody. */
	notesPerMelody: { generated: number; real: number; training: number };
	/** The pooled histograms (counts; bins as in BINS) of the generated melodies and the held-out songs. */
	histograms: { generated: Record<Feature, number[]>; real: Record<Feature, number[]> };
	/** Sizes behind `floor` (each of the two sets) and `trainingLevel`, and the draws averaged for each. */
	levels: { floorSamples: number; trainingSamples: number; repeats: number };
}

/** Draws `n` of `items` without replacement. */
function draw<T>(items: readonly T[], n: number, rng: Rng): T[] {
	return rng.shuffle([...items]).slice(0, n);
}

/**
 * The fair comparison of a melody writer with real songs. Draw `samples` held-out songs at random and
 * write one melody for each in that song's meter and number of bars (nothing else from the song);
 * compare those melodies with all held-out songs. Beside each divergence: the noise floor (two disjoint
 * random sets of `samples` held-out songs, fewer when there are not twice as many) and the real-songs
 * level (`samples` random training songs against the held-out songs), each the mean over `repeats`
 * draws so that one unlucky draw does not set the bar. Songs without a numeric meter are left out of
 * every set (where they would end, and how long they are in bars, is not defined).
 */
export async function compareWithRealSongs(
	heldOut: readonly EncodedSong[],
	training: readonly EncodedSong[],
	write: MelodyWriter,
	options: {
		samples: number;
		randomSeed: number;
		repeats?: number;
		/** Given the drawn held-out songs and the melody written for each (for further measures). */
		onWritten?: (drawn: readonly RealSong[], melodies: readonly MeasuredMelody[]) => void;
	}
): Promise<MelodyStatsReport> {
	const held = heldOut.map(realSong).filter((s): s is RealSong => s !== null);
	const train = training.map(realSong).filter((s): s is RealSong => s !== null);
	if (held.length < 2) throw new Error('At least two held-out songs with a meter are needed to compare.');
	if (train.length === 0) throw new Error('No training song has a meter to compare with.');
	const repeats = options.repeats ?? 20;
	const rng = new Rng(options.randomSeed);
	const drawn = draw(held, Math.min(options.samples, held.length), rng);
	const generated: MeasuredMelody[] = [];
	for (let i = 0; i < drawn.length; i++)
		generated.push(await write({ meter: drawn[i].meter, bars: drawn[i].bars }, i));
	options.onWritten?.(drawn, generated);

	const all = measureMelodies(held);
	const gen = measureMelodies(generated);
	const floorSamples = Math.min(options.samples, Math.floor(held.length / 2));
	const trainingSamples = Math.min(options.samples, train.length);
	const floor = Object.fromEntries(FEATURES.map((f) => [f, 0])) as Record<Feature, number>;
	const level = { ...floor };
	for (let r = 0; r < repeats; r++) {
		const both = draw(held, 2 * floorSamples, rng);
		const f = divergences(
			measureMelodies(both.slice(0, floorSamples)),
			measureMelodies(both.slice(floorSamples))
		);
		const t = divergences(measureMelodies(draw(train, trainingSamples, rng)), all);
		for (const k of FEATURES) {
			floor[k] += f[k] / repeats;
			level[k] += t[k] / repeats;
		}
	}
	const jsd = divergences(gen, all);
	const trained = measureMelodies(train);
	return {
		samples: generated.length,
		real: held.length,
		features: Object.fromEntries(
			FEATURES.map((k) => [k, { jsd: jsd[k], floor: floor[k], trainingLevel: level[k] }])
		) as Record<Feature, FeatureComparison>,
		endsOnTonic: {
			generated: gen.endsOnTonic / gen.melodies,
			real: all.endsOnTonic / all.melodies,
			training: trained.endsOnTonic / trained.melodies
		},
		notesPerMelody: {
			generated: gen.notes / gen.melodies,
			real: all.notes / all.melodies,
			training: trained.notes / trained.melodies
		},
		histograms: { generated: gen.histograms, real: all.histograms },
		levels: { floorSamples, trainingSamples, repeats }
	};
}
