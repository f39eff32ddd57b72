/**
 * Generated tunes against real ones, as wholes: a classifier two-sample test and per-meter rhythm, form
 * and cadence, each beside the level two sets of real songs reach. The real songs come from ONE collection
 * split by whole songs: `held` (the songs the tunes are compared with; the generated tunes were written in
 * their meters and lengths) and `reference` (other songs of that collection, matched to the held songs by
 * meter and length). A classifier that tells generated from held-out tunes no better than reference from
 * held-out tunes finds nothing wrong with them; 50 % is chance.
 */
import { crossValidatedAccuracy, fitLogistic } from './logistic';
import type { MeasuredMelody, RealSong } from './melody-stats';
import { FEATURE_NAMES, measureTune, summariseTunes, type TuneSetSummary } from './song-measures';
import { Rng } from '../model/rng';
import type { BarContext } from '../model/features';

/** Meters reported on their own need at least this many held-out tunes. */
export const MIN_TUNES_PER_METER = 20;

/** Three sets side by side: generated, the held-out songs, and the reference songs matched to them. */
export interface Trio<T> {
	generated: T;
	held: T;
	reference: T;
}

/** A classifier's cross-validated accuracy at telling two sets apart, and the sets' sizes. */
export interface ClassifierResult {
	accuracy: number;
	/** Tunes in each of the two sets. */
	tunes: number;
}

export interface SongComparison {
	/** Generated against held-out tunes, and reference against held-out tunes (the real-vs-real level). */
	classifier: {
		generatedVsHeld: ClassifierResult;
		referenceVsHeld: ClassifierResult;
		folds: number;
		/** Cross-validations (fold deals) averaged. */
		repeats: number;
		/** The features that most tell generated from held-out tunes (a fit on all of them): the sign says
		 * which way (positive: more of it in generated tunes), in standard deviations of the feature; beside
		 * it the feature's mean over generated, held-out and reference tunes. */
		telling: ({ feature: string; weight: number } & Trio<number>)[];
	};
	/** All tunes. */
	all: Trio<TuneSetSummary>;
	/** Each meter with at least MIN_TUNES_PER_METER held-out tunes. */
	meters: ({ meter: string } & Trio<TuneSetSummary>)[];
}

/**
 * For each held song, an unused reference song of its meter whose length in bars is closest (ties: a
 * seeded random order); held songs left without one are paired with null.
 */
export function matchReference(
	held: readonly RealSong[],
	reference: readonly RealSong[],
	seed: number
): (RealSong | null)[] {
	const pool = new Map<string, RealSong[]>();
	for (const r of new Rng(seed).shuffle([...reference])) {
		const list = pool.get(r.meter) ?? [];
		list.push(r);
		pool.set(r.meter, list);
	}
	return held.map((h) => {
		const list = pool.get(h.meter);
		if (!list?.length) return null;
		let best = 0;
		for (let i = 1; i < list.length; i++)
			if (Math.abs(list[i].bars - h.bars) < Math.abs(list[best].bars - h.bars)) best = i;
		return list.splice(best, 1)[0];
	});
}

function twoSample(
	a: readonly number[][],
	b: readonly number[][],
	folds: number,
	repeats: number,
	seed: number
): ClassifierResult {
	const x = [...a, ...b];
	const labels = [...a.map(() => 1), ...b.map(() => 0)];
	let accuracy = 0;
	for (let r = 0; r < repeats; r++)
		accuracy += crossValidatedAccuracy(x, labels, { folds, seed: seed + r }) / repeats;
	return { accuracy, tunes: Math.min(a.length, b.length) };
}

/**
 * Compares `generated[i]` (written in the meter and length of `held[i]`) with the held-out songs, beside
 * reference songs of the same collection matched to them.
 */
export function compareSongs(
	held: readonly RealSong[],
	generated: readonly (MeasuredMelody & { bar: BarContext })[],
	reference: readonly RealSong[],
	options: { seed?: number; folds?: number; repeats?: number } = {}
): SongComparison {
	if (generated.length !== held.length)
		throw new Error('Each held-out song needs the one tune generated in its meter and length.');
	const seed = options.seed ?? 1;
	const folds = options.folds ?? 10;
	const repeats = options.repeats ?? 5;
	const matched = matchReference(held, reference, seed);
	const heldM = held.map(measureTune);
	const genM = generated.map(measureTune);
	const refM = matched.map((r) => (r ? measureTune(r) : null));
	const paired = heldM.flatMap((h, i) => (refM[i] ? [i] : []));

	const generatedVsHeld = twoSample(
		genM.map((t) => t.features),
		heldM.map((t) => t.features),
		folds,
		repeats,
		seed
	);
	const referenceVsHeld = twoSample(
		paired.map((i) => refM[i]!.features),
		paired.map((i) => heldM[i].features),
		folds,
		repeats,
		seed
	);
	const fit = fitLogistic(
		[...genM, ...heldM].map((t) => t.features),
		[...genM.map(() => 1), ...heldM.map(() => 0)]
	);
	const mean = (tunes: readonly { features: number[] }[], j: number) =>
		tunes.reduce((a, t) => a + t.features[j], 0) / Math.max(1, tunes.length);
	const telling = FEATURE_NAMES.map((feature, j) => ({
		feature,
		weight: fit.weights[j],
		generated: mean(genM, j),
		held: mean(heldM, j),
		reference: mean(
			paired.map((i) => refM[i]!),
			j
		)
	}))
		.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
		.slice(0, 8);

	const trio = (which: number[]) => ({
		generated: summariseTunes(which.map((i) => genM[i])),
		held: summariseTunes(which.map((i) => heldM[i])),
		reference: summariseTunes(which.flatMap((i) => (refM[i] ? [refM[i]!] : [])))
	});
	const byMeter = new Map<string, number[]>();
	held.forEach((h, i) => byMeter.set(h.meter, [...(byMeter.get(h.meter) ?? []), i]));
	const meters = [...byMeter]
		.filter(([, list]) => list.length >= MIN_TUNES_PER_METER)
		.sort((a, b) => b[1].length - a[1].length)
		.map(([meter, list]) => ({ meter, ...trio(list) }));
	return {
		classifier: { generatedVsHeld, referenceVsHeld, folds, repeats, telling },
		all: trio(held.map((_, i) => i)),
		meters
	};
}
