import { describe, expect, it } from 'vitest';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import {
	generate,
	generateAsync,
	generateReference,
	CancelledError
} from '../../../src/lib/generate/generate';
import {
	planTune,
	plannedSteps,
	MAX_SEED,
	MAX_STEPS,
	variationSeed,
	type GenerateSettings
} from '../../../src/lib/generate/settings';
import type { StepModel } from '../../../src/lib/model/types';
import { mulberry32 } from '../../../src/lib/generate/random';
import { sampleIndex, samplingDistribution } from '../../../src/lib/generate/sample';
import { favouring, referenceVocabulary, tinyModel } from './tiny-model';
import { barContext, barPosition } from '../../../src/lib/model/features';
import { parseMeter } from '../../../src/lib/music/meter';

const vocab = referenceVocabulary();
const model = new LstmStepModel(tinyModel(vocab, 16, 7));
const seed = '67 _ 67 _ 67 _ _ 65 64 _ 64 _ 64 _ _'.split(' ').filter((s) => vocab.includes(s));
const base: GenerateSettings & { steps: number; stopAtEnd: boolean } = {
	steps: 120,
	temperature: 1,
	stopAtEnd: false,
	variations: 1,
	randomSeed: 42
};

describe('stateful generation', () => {
	it('gives the same melody for the same random seed, and another for another seed', () => {
		const a = generate(model, seed, base)[0];
		const b = generate(model, seed, base)[0];
		const c = generate(model, seed, { ...base, randomSeed: 43 })[0];
		expect(a.symbols).toEqual(b.symbols);
		expect(a.symbols).not.toEqual(c.symbols);
		expect(a.symbols.slice(0, seed.length)).toEqual(seed);
		expect(a.seedLength).toBe(seed.length);
		expect(a.symbols).toHaveLength(seed.length + base.steps);
	});

	it('makes 1–8 variations from one seed, each made again from its own random seed', () => {
		const all = generate(model, seed, { ...base, variations: 8 });
		expect(all).toHaveLength(8);
		expect(new Set(all.map((m) => m.symbols.join(' '))).size).toBeGreaterThan(1);
		for (const m of all) {
			expect(m.randomSeed).toBe(variationSeed(42, m.variation));
			const again = generate(model, seed, { ...base, randomSeed: m.randomSeed })[0];
			expect(again.symbols).toEqual(m.symbols);
		}
		expect(() => generate(model, seed, { ...base, variations: 9 })).toThrow(/from 1 to 8, not 9/);
		expect(() => generate(model, seed, { ...base, variations: 0 })).toThrow(/from 1 to 8, not 0/);
	});

	it('draws exactly what the reference way draws while the window still covers everything', () => {
		// With the whole history inside the window, re-running it per symbol and carrying the state forward
		// compute the same distributions, so the same random stream must pick the same symbols.
		const primer = 4;
		const steps = 40;
		const ours = generate(model, seed, { ...base, steps, primer, temperature: 0.8 })[0];
		const theirs = generateReference(
			model,
			seed,
			{ ...base, steps, temperature: 0.8 },
			primer + seed.length + steps
		);
		expect(theirs.symbols).toEqual(ours.symbols);
	});

	it('never begins with a hold or an empty song, even from a model that prefers them', () => {
		const holdy = new LstmStepModel(favouring(favouring(tinyModel(vocab, 8, 3), '_', 6), '/', 5));
		for (let s = 0; s < 40; s++) {
			const [m] = generate(holdy, [], { ...base, steps: 20, stopAtEnd: true, randomSeed: s, temperature: 2 });
			expect(m.symbols.length).toBeGreaterThan(0);
			expect(m.symbols[0]).not.toBe('_');
			expect(m.symbols).not.toContain('/');
		}
	});

	it('stops at the end of a song when asked, and runs the full length when not', () => {
		const endy = new LstmStepModel(favouring(tinyModel(vocab, 8, 5), '/', 4));
		const stopped = generate(endy, seed, { ...base, stopAtEnd: true, variations: 4 });
		expect(stopped.some((m) => m.ended)).toBe(true);
		for (const m of stopped.filter((x) => x.ended))
			expect(m.symbols.length).toBeLessThan(seed.length + base.steps);
		const running = generate(endy, seed, { ...base, stopAtEnd: false, variations: 4 });
		for (const m of running) {
			expect(m.ended).toBe(false);
			expect(m.symbols).toHaveLength(seed.length + base.steps);
			expect(m.symbols).not.toContain('/');
		}
	});

	it('refuses a seed that begins with a hold or contains an end', () => {
		expect(() => generate(model, ['_', '60'], base)).toThrow(/begin/);
		expect(() => generate(model, ['60', '/'], base)).toThrow(/“\/”/);
	});

	it('caps every length in the core, whatever asks: steps, bars × steps per bar, seed, primer', async () => {
		// `generate --meter 1000/1 --bars 256`: 256 bars of 16,000 steps.
		const bars = { ...base, steps: undefined, bars: 256, meter: '1000/1' };
		expect(() => generate(model, [], bars)).toThrow(/4,096,000 steps; the most is 100,000/);
		await expect(generateAsync(model, [], bars)).rejects.toThrow(/the most is 100,000/);
		// Asked in steps, the settings' range says it (GENERATE_SETTINGS).
		expect(() => generate(model, seed, { ...base, steps: MAX_STEPS + 1 })).toThrow(
			/The length must be a whole number of steps from 0 to 100,000, not 100,001\./
		);
		expect(() => generate(model, seed, { ...base, steps: 2.5 })).toThrow(/whole number of steps/);
		expect(() => generate(model, seed, { ...base, steps: NaN })).toThrow(/whole number of steps/);
		expect(() => generate(model, seed, { ...base, primer: 1e9 })).toThrow(/primer/);
		expect(() => generate(model, seed, { ...base, temperature: NaN })).toThrow(/temperature/);
		expect(() => generate(model, seed, { ...base, variations: 1.5 })).toThrow(/Variations/);
		expect(() => generate(model, Array(MAX_SEED + 1).fill(seed[0]), base)).toThrow(/seed has/);
		expect(generate(model, seed, { ...base, steps: 0 })[0].symbols).toEqual(seed);
	});

	it('runs asynchronously with progress, the same melodies, and can be cancelled', async () => {
		const progress: number[] = [];
		const melodies = await generateAsync(
			model,
			seed,
			{ ...base, variations: 2 },
			{
				onProgress: (done, total) => {
					expect(total).toBe(2 * base.steps);
					progress.push(done);
				},
				chunk: 16
			}
		);
		expect(melodies.map((m) => m.symbols)).toEqual(
			generate(model, seed, { ...base, variations: 2 }).map((m) => m.symbols)
		);
		expect(progress.at(-1)).toBe(2 * base.steps);
		expect(progress).toEqual([...progress].sort((a, b) => a - b));
		// Cancel from inside the run (at its first progress report), so the outcome never depends on
		// whether the machine finishes 5,000 steps before the first yield.
		const controller = new AbortController();
		const heard: number[] = [];
		const run = generateAsync(
			model,
			seed,
			{ ...base, steps: 5000 },
			{
				signal: controller.signal,
				chunk: 8,
				onProgress: (done) => {
					heard.push(done);
					controller.abort();
				}
			}
		);
		await expect(run).rejects.toBeInstanceOf(CancelledError);
		expect(heard).toEqual([8]);
		// A signal aborted before the run starts cancels it too.
		const before = new AbortController();
		before.abort();
		await expect(
			generateAsync(model, seed, { ...base, steps: 5000 }, { signal: before.signal, chunk: 8 })
		).rejects.toBeInstanceOf(CancelledError);
	});
});

/**
 * A hand-made model over `/ _ r 60 62 64`: right after a 60 it ends the song with probability `end`
 * (with `onBarline`, only when that 60 closes a 4/4 bar), anywhere else with `elsewhere`; the other
 * symbols share the rest evenly. Its state is the last symbol and the steps since the song began.
 */
function cadenceModel(end: number, elsewhere = 1e-4, onBarline = false): StepModel<{ t: number }> {
	const vocabulary = ['/', '_', 'r', '60', '62', '64'];
	return {
		vocabulary,
		initialState: () => ({ t: 0 }),
		step: (state, id) => {
			const t = id === 0 ? 0 : state.t + 1;
			const e = vocabulary[id] === '60' && (!onBarline || t % 16 === 0) ? end : elsewhere;
			const p = new Float32Array(vocabulary.length).fill((1 - e) / (vocabulary.length - 1));
			p[0] = e;
			return { state: { t }, probabilities: p };
		}
	};
}

describe('whole tunes', () => {
	const tune: GenerateSettings = { bars: 4, temperature: 1, variations: 1, randomSeed: 1 };

	it('are exactly the bars asked, in any meter, from the seed on, and end on a barline', () => {
		for (const [meter, spb] of [
			['4/4', 16],
			['3/4', 12],
			['6/8', 12],
			['3/2', 24]
		] as const) {
			const all = generate(model, seed, { ...tune, meter, variations: 4 });
			for (const m of all) {
				expect(m.symbols).toHaveLength(4 * spb);
				expect(m.symbols.slice(0, seed.length)).toEqual(seed);
				expect(m.symbols).not.toContain('/');
				expect(m.ended).toBe(true);
			}
		}
	});

	it('end a tune with a pickup where its bar is completed, and give a seed that fills them one more bar', () => {
		// A one-beat pickup in 4/4 starts 12 steps into its bar: 4 + 16 + 12 steps, the last bar a short one.
		expect(planTune(3, { ...tune, bars: 3, barPhase: 12 })).toMatchObject({ total: 48, endingFrom: 16 });
		const [upbeat] = generate(model, ['60', '_', '_'], { ...tune, bars: 3, barPhase: 12 });
		expect(upbeat.symbols).toHaveLength(48);
		// Read as a song with that upbeat, it ends on the position its pickup began at, as real songs do.
		expect(barPosition(barContext('4/4', 12)!, upbeat.symbols.length).position).toBe(12);
		for (const meter of ['3/4', '6/8', '2/4'])
			expect(generate(model, [], { ...tune, meter, barPhase: 4 })[0].symbols).toHaveLength(
				4 * parseMeter(meter)!.stepsPerBar
			);
		// A seed of 5 bars asked for 4: the tune goes to the end of bar 6.
		const long = Array.from({ length: 80 }, (_, i) => (i % 4 === 0 ? '60' : '_'));
		const [m] = generate(model, long, tune);
		expect(m.symbols).toHaveLength(96);
		expect(m.symbols.slice(0, 80)).toEqual(long);
	});

	it('are made again from the same random seed, and differ with another', () => {
		const a = generate(model, [], { ...tune, variations: 3 });
		expect(generate(model, [], { ...tune, variations: 3 })).toEqual(a);
		for (const m of a)
			expect(generate(model, [], { ...tune, randomSeed: m.randomSeed })[0].symbols).toEqual(m.symbols);
		expect(generate(model, [], { ...tune, randomSeed: 2 })[0].symbols).not.toEqual(a[0].symbols);
	});

	it('end where the model itself ends them: on the note after which it draws “/”', () => {
		const cadence = cadenceModel(0.5);
		const lastIsC = (m: { symbols: string[] }) => m.symbols.at(-1) === '60';
		const runs = (endings: number) =>
			Array.from({ length: 40 }, (_, s) => generate(cadence, [], { ...tune, endings, randomSeed: s })[0]);
		const eight = runs(8);
		for (const m of eight) expect(m.symbols).toHaveLength(64);
		// A candidate's last symbol is 60 one time in five, and ending after it is 5000 times likelier than
		// after anything else: with 8 candidates, 1 − 0.8⁸ = 83 % of tunes end on it; with one, 20 %.
		expect(eight.filter(lastIsC).length).toBeGreaterThanOrEqual(28);
		expect(runs(1).filter(lastIsC).length).toBeLessThanOrEqual(14);
	});

	it('go on where the model would end them early: a bar that sounded final is drawn again', () => {
		// This model always ends a song on a bar closed by 60: a free draw stops at the first such bar.
		const cadence = cadenceModel(0.999, 1e-4, true);
		const open = generate(cadence, [], {
			steps: 64,
			stopAtEnd: true,
			temperature: 1,
			variations: 8,
			randomSeed: 3
		});
		expect(open.filter((m) => m.symbols.length < 64).length).toBeGreaterThanOrEqual(4);
		const tunes = generate(cadence, [], { ...tune, variations: 8, randomSeed: 3 });
		for (const m of tunes) {
			expect(m.symbols).toHaveLength(64);
			// No bar inside the tune closes on 60.
			expect([16, 32, 48].map((t) => m.symbols[t - 1])).not.toContain('60');
		}
		// The last bar does wherever one of the 8 candidate endings did (1 − 0.8⁸ = 83 %).
		expect(tunes.filter((m) => m.symbols[63] === '60').length).toBeGreaterThanOrEqual(5);
		// A model that always ends still gives the whole length.
		const always = cadenceModel(0.99, 0.99);
		for (const m of generate(always, [], { ...tune, variations: 4 })) expect(m.symbols).toHaveLength(64);
	});

	it('run asynchronously with progress to the end, giving the same tunes', async () => {
		const progress: number[] = [];
		const all = await generateAsync(
			model,
			seed,
			{ ...tune, variations: 2 },
			{
				onProgress: (done, total) => {
					expect(done).toBeLessThanOrEqual(total);
					progress.push(done);
				},
				chunk: 8
			}
		);
		expect(all).toEqual(generate(model, seed, { ...tune, variations: 2 }));
		expect(progress.at(-1)).toBe(2 * plannedSteps(seed.length, tune));
		expect(progress).toEqual([...progress].sort((a, b) => a - b));
	});

	it('refuse a length that is not whole bars, or a meter the app cannot write', () => {
		expect(() => generate(model, [], { ...tune, bars: 0 })).toThrow(/whole number of bars/);
		expect(() => generate(model, [], { ...tune, bars: 2.5 })).toThrow(/whole number of bars/);
		expect(() => generate(model, [], { ...tune, meter: 'MX' })).toThrow(/not a meter/);
		expect(() => generate(model, [], { ...tune, topP: 0 })).toThrow(/Top-p/);
	});
});

describe('temperature', () => {
	const p = Float32Array.from([0.5, 0.3, 0.15, 0.05, 0]);

	it('leaves the distribution as it is at T = 1 and sharpens or flattens it otherwise', () => {
		const same = samplingDistribution(p, 1);
		p.forEach((x, i) => expect(same[i]).toBeCloseTo(x, 6));
		const cold = samplingDistribution(p, 0.05);
		expect(cold[0]).toBeGreaterThan(0.99);
		const hot = samplingDistribution(p, 2);
		expect(hot[3]).toBeGreaterThan(p[3]);
		expect(hot[0]).toBeLessThan(p[0]);
		// softmax(log p / T) is p^(1/T) normalized.
		const z = Array.from(p).reduce((s, x) => s + x ** 2, 0);
		expect(samplingDistribution(p, 0.5)[1]).toBeCloseTo(0.3 ** 2 / z, 6);
		expect(hot[4]).toBe(0);
	});

	it('draws symbols as often as the reshaped distribution says', () => {
		const random = mulberry32(9);
		const counts = [0, 0, 0, 0, 0];
		const n = 20000;
		for (let i = 0; i < n; i++) counts[sampleIndex(p, 0.7, random)]++;
		const expected = samplingDistribution(p, 0.7);
		counts.forEach((c, i) => expect(Math.abs(c / n - expected[i])).toBeLessThan(0.015));
		expect(counts[4]).toBe(0);
	});

	it('keeps to the nucleus: the most probable symbols holding top-p of the probability', () => {
		const at = (topP: number, banned = new Set<number>()) =>
			Array.from(samplingDistribution(p, 1, banned, topP));
		// 0.5 + 0.3 reach 0.8: the rest is cut and the two shares renormalised.
		at(0.8).forEach((x, i) => expect(x).toBeCloseTo([0.625, 0.375, 0, 0, 0][i], 6));
		at(0.81).forEach((x, i) => expect(x).toBeCloseTo([0.5, 0.3, 0.15, 0, 0].map((v) => v / 0.95)[i], 6));
		expect(at(1)).toEqual(Array.from(samplingDistribution(p, 1)));
		// Banned first, then the nucleus of what is left: 0.3, 0.15, 0.05 → 0.6, 0.3, 0.1.
		at(0.6, new Set([0])).forEach((x, i) => expect(x).toBeCloseTo([0, 1, 0, 0, 0][i], 6));
		// Ties at the edge stay in.
		const tied = Array.from(samplingDistribution(Float32Array.from([0.4, 0.3, 0.3]), 1, new Set(), 0.5));
		tied.forEach((x, i) => expect(x).toBeCloseTo([0.4, 0.3, 0.3][i], 6));
		// Temperature first: at T = 0.5 the shares are p² normalised (0.25, 0.09, … of 0.365).
		const cold = Array.from(samplingDistribution(p, 0.5, new Set(), 0.9));
		expect(cold[2]).toBe(0);
		expect(cold[0]).toBeCloseTo(0.25 / 0.34, 6);
	});

	it('draws only from the nucleus', () => {
		const random = mulberry32(4);
		const counts = [0, 0, 0, 0, 0];
		for (let i = 0; i < 5000; i++) counts[sampleIndex(p, 1, random, new Set(), 0.8)]++;
		expect(counts[2] + counts[3] + counts[4]).toBe(0);
		expect(counts[0] / 5000).toBeCloseTo(0.625, 1);
	});

	it('never draws a banned symbol', () => {
		const random = mulberry32(1);
		for (let i = 0; i < 2000; i++) expect(sampleIndex(p, 2, random, new Set([0, 1]))).not.toBeLessThan(2);
	});
});
