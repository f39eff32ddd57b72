import { describe, expect, it } from 'vitest';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import {
	generate,
	generateAsync,
	generateReference,
	CancelledError,
	MAX_SEED,
	MAX_STEPS,
	variationSeed,
	type GenerateSettings
} from '../../../src/lib/generate/generate';
import { mulberry32 } from '../../../src/lib/generate/random';
import { sampleIndex, temperatureDistribution } from '../../../src/lib/generate/sample';
import { favouring, referenceVocabulary, tinyModel } from './tiny-model';

const vocab = referenceVocabulary();
const model = new LstmStepModel(tinyModel(vocab, 16, 7));
const seed = '67 _ 67 _ 67 _ _ 65 64 _ 64 _ 64 _ _'.split(' ').filter((s) => vocab.includes(s));
const base: GenerateSettings = {
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
		expect(() => generate(model, seed, { ...base, variations: 9 })).toThrow(/between 1 and 8/);
		expect(() => generate(model, seed, { ...base, variations: 0 })).toThrow(/between 1 and 8/);
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
		const bars = { ...base, steps: 256 * 16_000 };
		expect(() => generate(model, seed, bars)).toThrow(/4,096,000 steps; the most is 100,000/);
		await expect(generateAsync(model, seed, bars)).rejects.toThrow(/the most is 100,000/);
		expect(() => generate(model, seed, { ...base, steps: MAX_STEPS + 1 })).toThrow(/the most is/);
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
		const controller = new AbortController();
		const run = generateAsync(model, seed, { ...base, steps: 5000 }, { signal: controller.signal, chunk: 8 });
		controller.abort();
		await expect(run).rejects.toBeInstanceOf(CancelledError);
	});
});

describe('temperature', () => {
	const p = Float32Array.from([0.5, 0.3, 0.15, 0.05, 0]);

	it('leaves the distribution as it is at T = 1 and sharpens or flattens it otherwise', () => {
		const same = temperatureDistribution(p, 1);
		p.forEach((x, i) => expect(same[i]).toBeCloseTo(x, 6));
		const cold = temperatureDistribution(p, 0.05);
		expect(cold[0]).toBeGreaterThan(0.99);
		const hot = temperatureDistribution(p, 2);
		expect(hot[3]).toBeGreaterThan(p[3]);
		expect(hot[0]).toBeLessThan(p[0]);
		// softmax(log p / T) is p^(1/T) normalized.
		const z = Array.from(p).reduce((s, x) => s + x ** 2, 0);
		expect(temperatureDistribution(p, 0.5)[1]).toBeCloseTo(0.3 ** 2 / z, 6);
		expect(hot[4]).toBe(0);
	});

	it('draws symbols as often as the reshaped distribution says', () => {
		const random = mulberry32(9);
		const counts = [0, 0, 0, 0, 0];
		const n = 20000;
		for (let i = 0; i < n; i++) counts[sampleIndex(p, 0.7, random)]++;
		const expected = temperatureDistribution(p, 0.7);
		counts.forEach((c, i) => expect(Math.abs(c / n - expected[i])).toBeLessThan(0.015));
		expect(counts[4]).toBe(0);
	});

	it('never draws a banned symbol', () => {
		const random = mulberry32(1);
		for (let i = 0; i < 2000; i++) expect(sampleIndex(p, 2, random, new Set([0, 1]))).not.toBeLessThan(2);
	});
});
