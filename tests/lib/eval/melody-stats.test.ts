import { describe, expect, it } from 'vitest';
import {
	barPhases,
	BINS,
	compareWithRealSongs,
	divergences,
	endsOnTonic,
	FEATURES,
	jensenShannon,
	measureMelodies,
	realSong,
	tonicOf,
	type MeasuredMelody
} from '../../../src/lib/eval/melody-stats';
import { barContext } from '../../../src/lib/model/features';
import type { EncodedSong } from '../../../src/lib/encoding/song';
import { ingest } from '../../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../../src/cli/files';
import { Rng } from '../../../src/lib/model/rng';
import { hasShared, shared } from '../../shared';

const split = (s: string) => s.split(' ');
/** C D E (rest) G C in 4/4 from the downbeat: 16 steps, ends on the tonic on the barline. */
const tune = split('60 _ 62 _ 64 _ _ _ r _ 67 _ 60 _ _ _');
const inFourFour = (symbols: string[]): MeasuredMelody => ({ symbols, bar: barContext('4/4', 0) });

/** A histogram with `counts` at the named bins and 0 elsewhere. */
function hist(feature: (typeof FEATURES)[number], counts: Record<string, number>): number[] {
	return BINS[feature].map((b) => counts[b] ?? 0);
}

describe('melody histograms', () => {
	it('counts a hand-made tune exactly', () => {
		const s = measureMelodies([inFourFour(tune)]);
		expect(s.melodies).toBe(1);
		expect(s.notes).toBe(5);
		expect(s.histograms.scaleDegree).toEqual(hist('scaleDegree', { C: 2, D: 1, E: 1, G: 1 }));
		expect(s.histograms.interval).toEqual(hist('interval', { '2': 2, '3': 1, '-7': 1 }));
		expect(s.histograms.duration).toEqual(hist('duration', { '2': 3, '4': 2 }));
		expect(s.histograms.rest).toEqual([14, 2]);
		expect(s.histograms.range).toEqual(hist('range', { '7': 1 }));
		expect(s.histograms.repeatRun).toEqual(hist('repeatRun', { '1': 5 }));
		expect(s.endsOnTonic).toBe(1);
	});

	it('pools wide intervals, long notes and wide ranges; counts runs of one pitch across rests', () => {
		const wide = split(`60 _ 76 _ 60 _ 45 ${'_ '.repeat(17)}r _ 45 45 _ 45 72`);
		const s = measureMelodies([inFourFour(wide)]);
		// +16, −16, −15, 0, 0, 0, +27
		expect(s.histograms.interval).toEqual(hist('interval', { '> +12': 2, '< -12': 2, '0': 3 }));
		expect(s.histograms.duration).toEqual(hist('duration', { '2': 4, '> 16': 1, '1': 3 }));
		expect(s.histograms.range).toEqual(hist('range', { '> 24': 1 }));
		// 60 | 76 | 60 | 45 45 45 45 (the rest does not break the run) | 72
		expect(s.histograms.repeatRun).toEqual(hist('repeatRun', { '1': 4, '4': 1 }));
		expect(s.histograms.rest).toEqual([wide.length - 2, 2]);
	});

	it('reads a run of nine or more notes of one pitch into the last bin, and a melody of rests as no notes', () => {
		const s = measureMelodies([inFourFour(split('64 '.repeat(10).trim())), inFourFour(['r', '_', '_'])]);
		expect(s.histograms.repeatRun).toEqual(hist('repeatRun', { '> 8': 1 }));
		expect(s.histograms.range).toEqual(hist('range', { '0': 1 }));
		expect(s.histograms.rest).toEqual([10, 3]);
		expect(s.notes).toBe(10);
	});

	it('ends on the tonic only on the tonic and on a barline, counting a pickup’s bar', () => {
		expect(tonicOf(tune)).toBe(0);
		// Ends mid-bar: 14 steps.
		expect(endsOnTonic(inFourFour(tune.slice(0, 14)))).toBe(false);
		// Ends on G.
		expect(endsOnTonic(inFourFour(split('60 _ 62 _ 64 _ _ _ r _ 60 _ 67 _ _ _')))).toBe(false);
		// No meter: no barline to end on.
		expect(endsOnTonic({ symbols: tune, bar: null })).toBe(false);
		// A minor tune ends on A.
		const minor = split('69 _ 72 _ 76 _ 72 _ 69 _ _ _');
		expect(tonicOf(minor)).toBe(9);
		expect(endsOnTonic({ symbols: minor, bar: barContext('3/4', 0) })).toBe(true);
		// 3/4 with a one-beat pickup (the first step is at position 8): G | C B A G | C (half), 24 steps.
		const pickup = split('67 _ _ _ 72 _ _ _ 71 _ _ _ 69 _ 67 _ 72 _ _ _ _ _ _ _');
		expect(tonicOf(pickup)).toBe(0);
		expect(endsOnTonic({ symbols: pickup, bar: barContext('3/4', 8) })).toBe(true);
		expect(endsOnTonic({ symbols: pickup, bar: barContext('4/4', 0) })).toBe(false);
		expect(endsOnTonic({ symbols: pickup.slice(4), bar: barContext('3/4', 0) })).toBe(false);
	});
});

describe('Jensen–Shannon divergence', () => {
	it('is 0 for the same distribution at any scale and 1 bit for disjoint ones', () => {
		expect(jensenShannon([2, 0, 6], [1, 0, 3])).toBe(0);
		expect(jensenShannon([5, 0], [0, 3])).toBeCloseTo(1, 12);
	});

	it('gives the known value H(m) − (H(p) + H(q)) / 2', () => {
		// p = (1, 0), q = (½, ½): m = (¾, ¼), H(m) = 0.811278…, H(p) = 0, H(q) = 1.
		const hm = -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25));
		expect(jensenShannon([4, 0], [3, 3])).toBeCloseTo(hm - 0.5, 12);
		expect(jensenShannon([3, 3], [4, 0])).toBeCloseTo(hm - 0.5, 12);
	});

	it('is NaN for an empty histogram and refuses histograms with other bins', () => {
		expect(jensenShannon([0, 0], [1, 2])).toBeNaN();
		expect(() => jensenShannon([1], [1, 2])).toThrow(/same bins/);
	});

	it('compares two sets feature by feature', () => {
		const one = measureMelodies([inFourFour(tune)]);
		const held = measureMelodies([inFourFour(split('60 _ _ _ 60 _ _ _ 60 _ _ _ 60 _ _ _'))]);
		const d = divergences(one, one);
		for (const f of FEATURES) expect(d[f]).toBe(0);
		const e = divergences(one, held);
		// Pitches: (2, 1, 1, 1)/5 against all C.
		const p = [0.4, 0.2, 0.2, 0.2];
		const m = [0.7, 0.1, 0.1, 0.1];
		const h = (x: number[]) => -x.reduce((s, v) => s + (v > 0 ? v * Math.log2(v) : 0), 0);
		expect(e.scaleDegree).toBeCloseTo(h(m) - h(p) / 2, 12);
		// Rests: (14, 2)/16 against (16, 0)/16.
		expect(e.rest).toBeCloseTo(h([15 / 16, 1 / 16]) - h([14 / 16, 2 / 16]) / 2, 12);
	});
});

/** A hand-made song as the corpus gives it. */
function song(symbols: string, meter: string | undefined, barPhase: number | undefined): EncodedSong {
	return { path: 'x.krn', symbols: split(symbols), meter, barPhase, transposition: 0 };
}

describe('the comparison with real songs', () => {
	const real = song(tune.join(' ') + ' ' + tune.join(' '), '4/4', 0);

	it('asks for each drawn song’s meter and bars; a writer of those very songs is at 0 everywhere', async () => {
		const held = [real, real, real, real, song(tune.join(' '), 'MX', undefined)];
		const requests: { meter: string; bars: number }[] = [];
		const r = await compareWithRealSongs(
			held,
			[real, real],
			(request) => {
				requests.push(request);
				return { symbols: real.symbols, bar: barContext(request.meter, 0) };
			},
			{ samples: 3, randomSeed: 1, repeats: 3 }
		);
		expect(requests).toEqual(Array(3).fill({ meter: '4/4', bars: 2 }));
		expect(r.samples).toBe(3);
		// The song in free meter is left out.
		expect(r.real).toBe(4);
		expect(r.levels).toEqual({ floorSamples: 2, trainingSamples: 2, repeats: 3 });
		for (const f of FEATURES) expect(r.features[f]).toEqual({ jsd: 0, floor: 0, trainingLevel: 0 });
		expect(r.endsOnTonic).toEqual({ generated: 1, real: 1, training: 1 });
		expect(r.notesPerMelody).toEqual({ generated: 10, real: 10, training: 10 });
	});

	it('puts a writer that sits on one pitch far from the real songs', async () => {
		const r = await compareWithRealSongs(
			[real, real],
			[real],
			() => inFourFour(split('60 _ _ _ 60 _ _ _ 60 _ _ _ 60 _ _ _')),
			{ samples: 2, randomSeed: 5 }
		);
		const h = (x: number[]) => -x.reduce((s, v) => s + (v > 0 ? v * Math.log2(v) : 0), 0);
		expect(r.features.scaleDegree.jsd).toBeCloseTo(h([0.7, 0.1, 0.1, 0.1]) - h([0.4, 0.2, 0.2, 0.2]) / 2, 12);
		expect(r.endsOnTonic.generated).toBe(0);
		expect(r.notesPerMelody.generated).toBe(4);
	});

	it('reads a song’s bars from its length in its meter, a pickup and the short last bar counting as one', () => {
		expect(realSong(song('67 _ _ _ 72 _ _ _ 71 _ _ _ 69 _ 67 _ 72 _ _ _ _ _ _ _', '3/4', 8))).toMatchObject({
			meter: '3/4',
			bars: 2
		});
		expect(realSong(song('60', 'MX', undefined))).toBeNull();
	});

	it('lists where songs start in their bar, by meter, one entry a song; free meters left out', () => {
		const phases = barPhases([
			song('67 _ _ _ 72 _ _ _', '3/4', 8),
			song('60 _ _ _ 60 _ _ _', '3/4', 0),
			song(tune.join(' '), '4/4', 0),
			song('60', 'MX', undefined)
		]);
		expect([...phases.entries()]).toEqual([
			['3/4', [8, 0]],
			['4/4', [0]]
		]);
	});

	it.skipIf(!hasShared())(
		'on real songs: other real songs stay near the training level, one repeated pitch does not',
		async () => {
			const deutschl = shared('corpus', 'essen', 'deutschl');
			const read = async (dir: string) => (await ingest(dropFromPaths([`${deutschl}/${dir}`]))).songs;
			const [held, train] = await Promise.all([read('altdeu1'), read('kinder')]);
			const rng = new Rng(3);
			const others = train.map(realSong).filter((s) => s !== null);
			const realWriter = await compareWithRealSongs(
				held,
				train,
				(request) => {
					const same = others.filter((s) => s.meter === request.meter);
					const pick = (same.length ? same : others)[rng.int(same.length || others.length)];
					return { symbols: pick.symbols, bar: pick.bar };
				},
				{ samples: 60, randomSeed: 2 }
			);
			const dull = await compareWithRealSongs(
				held,
				train,
				(request) => ({
					symbols: split(`60 ${'_ '.repeat(7)}`.repeat(request.bars * 2).trim()),
					bar: barContext(request.meter, 0)
				}),
				{ samples: 60, randomSeed: 2 }
			);
			for (const f of FEATURES) {
				const x = realWriter.features[f];
				expect(x.floor).toBeGreaterThan(0);
				expect(x.jsd, f).toBeLessThan(3 * Math.max(x.trainingLevel, x.floor));
			}
			for (const f of ['scaleDegree', 'interval', 'repeatRun', 'range'] as const)
				expect(dull.features[f].jsd, f).toBeGreaterThan(5 * dull.features[f].trainingLevel);
		}
	);
});
