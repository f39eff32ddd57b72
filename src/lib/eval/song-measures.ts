/**
 * Tunes measured as wholes: how many notes a bar holds and how long they are, how much of the tune repeats
 * an earlier bar or phrase (its form), and on which scale degrees its phrases and the tune end (its
 * cadences). Pooled histograms (melody-stats.ts) hide all of this: a sampler whose notes are a quarter too
 * long in every meter, or whose tunes never repeat a phrase, passes them.
 *
 * A "bar" is a full bar between two barlines (a pickup and the short last bar it leaves are not one); a
 * two- or four-bar phrase is that many full bars from the first full barline on. Scale degrees are counted
 * from the tonic, C in major and A in minor (the encoding's keys; the mode found from the tune's own
 * pitches, as `tonicOf`).
 */
import { barPosition, type BarContext } from '../model/features';
import { isPitchSymbol } from '../music/pitch';
import { tonicOf, type MeasuredMelody } from './melody-stats';

/** Scale degrees as reported: the seven of the mode, and any other pitch. */
export const DEGREES = ['1', '2', '3', '4', '5', '6', '7', 'other'] as const;
export type Degree = (typeof DEGREES)[number];

/** Semitones above the tonic → degree (index into DEGREES), for major and for minor (natural, with the raised 6th and 7th). */
const MAJOR_DEGREE = [0, 7, 1, 7, 2, 3, 7, 4, 7, 5, 7, 6];
const MINOR_DEGREE = [0, 7, 1, 2, 7, 3, 7, 4, 5, 5, 6, 6];

/** The degree (index into DEGREES) of a MIDI pitch in a tune whose tonic's pitch class is `tonic`. */
export function degreeOf(pitch: number, tonic: number): number {
	const semis = (((pitch - tonic) % 12) + 12) % 12;
	return (tonic === 9 ? MINOR_DEGREE : MAJOR_DEGREE)[semis];
}

/** What one tune is, as a whole. Shares are null where the tune has nothing to share out (no full bars). */
export interface TuneMeasures {
	steps: number;
	stepsPerBar: number;
	notes: number;
	/** Notes per bar's worth of steps (pickup and short bars counted by their steps). */
	notesPerBar: number;
	/** Mean note length in 16ths (rests not counted). */
	meanNoteLength: number;
	/** Full bars, and those that are the same as an earlier full bar of the tune. */
	bars: number;
	barRepeats: number;
	/** Bars back to the nearest earlier bar each repeated bar repeats. */
	repeatDistances: number[];
	phrases2: number;
	phrase2Repeats: number;
	phrases4: number;
	phrase4Repeats: number;
	/** Degree (index into DEGREES) of the last note, −1 without notes. */
	lastDegree: number;
	/** Degree of the last note begun in each full two- and four-bar phrase (a phrase without a note: none). */
	phraseEnds2: number[];
	phraseEnds4: number[];
	/** The tonic's pitch class (0: C major, 9: A minor). */
	tonic: number;
	/** Whether the first step falls after the downbeat (an upbeat). */
	upbeat: boolean;
	/** Per-tune shares for the classifier (see FEATURE_NAMES). */
	features: number[];
}

/** Note lengths (16ths) with a share of their own in the features; others pool in "other". */
const LENGTHS = [1, 2, 3, 4, 6, 8, 12, 16];
/** Interval sizes (semitones, either direction) with a share of their own; wider pool. */
const INTERVALS = [0, 1, 2, 3, 4, 5, 7];

/** The classifier's features per tune, in order. */
export const FEATURE_NAMES: readonly string[] = [
	...DEGREES.map((d) => `degree ${d}`),
	...INTERVALS.map((i) => `interval ${i}`),
	'interval 6 or 8–12',
	'interval > 12',
	'upward share',
	'mean |interval|',
	...LENGTHS.map((l) => `length ${l}`),
	'length other',
	'mean note length',
	'notes per bar',
	'range',
	'mean pitch',
	'rest share',
	'rests per bar',
	'bar repeats',
	'2-bar repeats',
	'4-bar repeats',
	'ends on tonic',
	'ends on 1, 3 or 5',
	'2-bar phrase ends on tonic',
	'2-bar phrase ends on 1, 3 or 5',
	'4-bar phrase ends on tonic',
	'minor'
];

/** Steps at which a barline falls, from 0 to `steps` inclusive. */
function barlines(bar: BarContext, steps: number): number[] {
	const out: number[] = [];
	for (let s = 0; s <= steps; s++) if (barPosition(bar, s).position === 0) out.push(s);
	return out;
}

function share(part: number, whole: number): number {
	return whole > 0 ? part / whole : 0;
}

/** Shares of repeated phrases of `size` bars (aligned from the first full bar) among `bars`. */
function phraseRepeats(bars: readonly string[], size: number): { phrases: number; repeats: number } {
	const seen = new Set<string>();
	let phrases = 0;
	let repeats = 0;
	for (let k = 0; k + size <= bars.length; k += size) {
		const key = bars.slice(k, k + size).join('|');
		phrases++;
		if (seen.has(key)) repeats++;
		seen.add(key);
	}
	return { phrases, repeats };
}

/** A tune's measures; `bar` must know where its barlines fall. */
export function measureTune(melody: MeasuredMelody & { bar: BarContext }): TuneMeasures {
	const symbols = melody.symbols.slice(
		0,
		melody.symbols.indexOf('/') < 0 ? undefined : melody.symbols.indexOf('/')
	);
	const steps = symbols.length;
	const tonic = tonicOf(symbols);
	const pitches: number[] = [];
	const onsets: number[] = [];
	const lengths: number[] = [];
	let restSteps = 0;
	let rests = 0;
	let inRest = false;
	symbols.forEach((s, i) => {
		if (isPitchSymbol(s)) {
			pitches.push(Number(s));
			onsets.push(i);
			lengths.push(1);
			inRest = false;
		} else if (s === 'r') {
			restSteps++;
			rests++;
			inRest = true;
		} else if (inRest || lengths.length === 0) restSteps++;
		else lengths[lengths.length - 1]++;
	});
	const stepsPerBar = barPosition(melody.bar, 0).meter.stepsPerBar;
	const barsWorth = steps / stepsPerBar;
	const lines = barlines(melody.bar, steps);
	const bars: string[] = [];
	const barStarts: number[] = [];
	for (let k = 0; k + 1 < lines.length; k++) {
		bars.push(symbols.slice(lines[k], lines[k + 1]).join(' '));
		barStarts.push(lines[k]);
	}
	let barRepeats = 0;
	const repeatDistances: number[] = [];
	bars.forEach((b, k) => {
		const earlier = bars.lastIndexOf(b, k - 1);
		if (k > 0 && earlier >= 0) {
			barRepeats++;
			repeatDistances.push(k - earlier);
		}
	});
	const p2 = phraseRepeats(bars, 2);
	const p4 = phraseRepeats(bars, 4);
	/** Degree of the last note begun before `end`, −1 if none since `from`. */
	const lastBefore = (from: number, end: number) => {
		for (let n = onsets.length - 1; n >= 0; n--)
			if (onsets[n] < end) return onsets[n] >= from ? degreeOf(pitches[n], tonic) : -1;
		return -1;
	};
	const phraseEnds = (size: number) => {
		const out: number[] = [];
		for (let k = 0; k + size <= bars.length; k += size) {
			const d = lastBefore(barStarts[k], lines[k + size]);
			if (d >= 0) out.push(d);
		}
		return out;
	};
	const phraseEnds2 = phraseEnds(2);
	const phraseEnds4 = phraseEnds(4);
	const lastDegree = pitches.length ? degreeOf(pitches[pitches.length - 1], tonic) : -1;
	const notes = pitches.length;

	const degreeShares = DEGREES.map((_, d) =>
		share(pitches.filter((p) => degreeOf(p, tonic) === d).length, notes)
	);
	const intervals = pitches.slice(1).map((p, i) => p - pitches[i]);
	const sizes = intervals.map(Math.abs);
	const stable = (d: number) => d === 0 || d === 2 || d === 4;
	const features = [
		...degreeShares,
		...INTERVALS.map((k) => share(sizes.filter((s) => s === k).length, sizes.length)),
		share(sizes.filter((s) => s === 6 || (s >= 8 && s <= 12)).length, sizes.length),
		share(sizes.filter((s) => s > 12).length, sizes.length),
		share(intervals.filter((d) => d > 0).length, intervals.filter((d) => d !== 0).length),
		share(
			sizes.reduce((a, b) => a + b, 0),
			sizes.length
		),
		...LENGTHS.map((l) => share(lengths.filter((x) => x === l).length, notes)),
		share(lengths.filter((x) => !LENGTHS.includes(x)).length, notes),
		share(
			lengths.reduce((a, b) => a + b, 0),
			notes
		),
		share(notes, barsWorth),
		notes ? Math.max(...pitches) - Math.min(...pitches) : 0,
		notes ? pitches.reduce((a, b) => a + b, 0) / notes - 60 : 0,
		share(restSteps, steps),
		share(rests, barsWorth),
		share(barRepeats, bars.length),
		share(p2.repeats, p2.phrases),
		share(p4.repeats, p4.phrases),
		lastDegree === 0 ? 1 : 0,
		stable(lastDegree) ? 1 : 0,
		share(phraseEnds2.filter((d) => d === 0).length, phraseEnds2.length),
		share(phraseEnds2.filter(stable).length, phraseEnds2.length),
		share(phraseEnds4.filter((d) => d === 0).length, phraseEnds4.length),
		tonic === 9 ? 1 : 0
	];
	return {
		steps,
		stepsPerBar,
		notes,
		notesPerBar: share(notes, barsWorth),
		meanNoteLength: share(
			lengths.reduce((a, b) => a + b, 0),
			notes
		),
		bars: bars.length,
		barRepeats,
		repeatDistances,
		phrases2: p2.phrases,
		phrase2Repeats: p2.repeats,
		phrases4: p4.phrases,
		phrase4Repeats: p4.repeats,
		lastDegree,
		phraseEnds2,
		phraseEnds4,
		tonic,
		upbeat: barPosition(melody.bar, 0).position !== 0,
		features
	};
}

/** What a set of tunes is, as the comparison reports it (pooled over the tunes). */
export interface TuneSetSummary {
	tunes: number;
	/** Notes over bars' worth of steps, and mean note length in 16ths (over all notes). */
	notesPerBar: number;
	meanNoteLength: number;
	/** Share of full bars that repeat an earlier bar of their tune; of 2- and 4-bar phrases likewise. */
	barRepeats: number;
	phrase2Repeats: number;
	phrase4Repeats: number;
	/** Mean bars back from a repeated bar to the bar it repeats. */
	repeatDistance: number;
	/** Share of tunes whose last note is the tonic; share of 2- and 4-bar phrases ending on it. */
	endsOnTonic: number;
	phrase2EndsOnTonic: number;
	phrase4EndsOnTonic: number;
	/** Share of tunes starting on an upbeat. */
	upbeat: number;
	/** Counts per degree (DEGREES) of the last note, and of the note ending each 2- and 4-bar phrase. */
	lastDegrees: number[];
	phrase2Ends: number[];
	phrase4Ends: number[];
}

/** Pooled summary of measured tunes. */
export function summariseTunes(tunes: readonly TuneMeasures[]): TuneSetSummary {
	const sum = (f: (t: TuneMeasures) => number) => tunes.reduce((s, t) => s + f(t), 0);
	const counts = (list: number[]) => {
		const c = new Array<number>(DEGREES.length).fill(0);
		for (const d of list) if (d >= 0) c[d]++;
		return c;
	};
	const ends2 = tunes.flatMap((t) => t.phraseEnds2);
	const ends4 = tunes.flatMap((t) => t.phraseEnds4);
	const distances = tunes.flatMap((t) => t.repeatDistances);
	return {
		tunes: tunes.length,
		notesPerBar: share(
			sum((t) => t.notes),
			sum((t) => t.steps / t.stepsPerBar)
		),
		meanNoteLength: share(
			sum((t) => t.meanNoteLength * t.notes),
			sum((t) => t.notes)
		),
		barRepeats: share(
			sum((t) => t.barRepeats),
			sum((t) => t.bars)
		),
		phrase2Repeats: share(
			sum((t) => t.phrase2Repeats),
			sum((t) => t.phrases2)
		),
		phrase4Repeats: share(
			sum((t) => t.phrase4Repeats),
			sum((t) => t.phrases4)
		),
		repeatDistance: share(
			distances.reduce((a, b) => a + b, 0),
			distances.length
		),
		endsOnTonic: share(
			sum((t) => (t.lastDegree === 0 ? 1 : 0)),
			tunes.length
		),
		phrase2EndsOnTonic: share(ends2.filter((d) => d === 0).length, ends2.length),
		phrase4EndsOnTonic: share(ends4.filter((d) => d === 0).length, ends4.length),
		upbeat: share(
			sum((t) => (t.upbeat ? 1 : 0)),
			tunes.length
		),
		lastDegrees: counts(tunes.map((t) => t.lastDegree)),
		phrase2Ends: counts(ends2),
		phrase4Ends: counts(ends4)
	};
}
