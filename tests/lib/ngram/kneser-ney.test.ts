import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { hasShared, shared } from '../../shared';
import { KneserNeyModel, estimateDiscounts } from '../../../src/lib/ngram/kneser-ney';
import { scoreStepModel } from '../../../src/lib/eval/score';

describe('Kneser-Ney n-gram', () => {
	// Two songs, `/ 60 62 /` and `/ 60 /`; the values below were worked out by hand from the
	// interpolated modified Kneser-Ney formulas (fallback discount n1 / (n1 + 2 n2) for so few counts).
	const toy = KneserNeyModel.train([['60', '62'], ['60']], { order: 2 });
	const v = (s: string) => toy.vocabulary.indexOf(s);

	it('orders the vocabulary like the trainer: /, _, r, pitches', () => {
		expect(toy.vocabulary).toEqual(['/', '_', 'r', '60', '62']);
	});

	it('matches hand-computed probabilities on a toy corpus', () => {
		const after60 = toy.step(toy.step(toy.initialState(), v('/')).state, v('60')).probabilities;
		expect(after60[v('62')]).toBeCloseTo(0.32, 6);
		expect(after60[v('/')]).toBeCloseTo(0.47, 6);
		expect(after60[v('60')]).toBeCloseTo(0.12, 6);
		expect(after60[v('r')]).toBeCloseTo(0.045, 6);
		const first = toy.step(toy.initialState(), v('/')).probabilities;
		expect(first[v('60')]).toBeCloseTo(0.76, 6);
	});

	it('estimates Chen & Goodman discounts', () => {
		// Y = 10 / (10 + 2*5) = 0.5: D1 = 1 - 2*0.5*5/10, D2 = 2 - 3*0.5*3/5, D3 = 3 - 4*0.5*2/3.
		const [d1, d2, d3] = estimateDiscounts([0, 10, 5, 3, 2]);
		expect(d1).toBeCloseTo(0.5, 9);
		expect(d2).toBeCloseTo(1.1, 9);
		expect(d3).toBeCloseTo(3 - 4 / 3, 9);
	});

	it('resets its context at "/" and keeps at most order - 1 symbols', () => {
		const m = KneserNeyModel.train([['60', '62', '64', '65']], { order: 3 });
		let s = m.initialState();
		for (const x of ['/', '60', '62', '64']) s = m.step(s, m.vocabulary.indexOf(x)).state;
		expect(s).toHaveLength(2);
		expect(m.step(s, 0).state).toEqual([0]);
	});
});

describe.skipIf(!hasShared())('Kneser-Ney n-gram on Essen songs', () => {
	const songs = () => {
		const dir = shared('fixtures', 'music21-erk');
		return readdirSync(dir)
			.sort((a, b) => Number(a) - Number(b))
			.map((f) => readFileSync(`${dir}/${f}`, 'utf8').trim().split(/\s+/));
	};

	it('gives distributions that sum to 1 and prefers longer contexts on held-out songs', () => {
		const all = songs();
		const train = all.filter((_, i) => i % 8 !== 0);
		const test = all.filter((_, i) => i % 8 === 0).slice(0, 60);
		const m8 = KneserNeyModel.train(train, { order: 8 });
		let s = m8.step(m8.initialState(), 0);
		for (const x of test[0]) {
			const sum = s.probabilities.reduce((a, b) => a + b, 0);
			expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
			expect(Math.min(...s.probabilities)).toBeGreaterThan(0);
			s = m8.step(s.state, m8.vocabulary.indexOf(x));
		}
		const bits = [1, 3, 8].map(
			(order) => scoreStepModel(KneserNeyModel.train(train, { order }), test).bitsPerStep
		);
		expect(bits[1]).toBeLessThan(bits[0]);
		expect(bits[2]).toBeLessThan(bits[1]);
		// A unigram over ~40 symbols cannot go below the entropy of the hold-heavy symbol mix.
		expect(bits[0]).toBeGreaterThan(1.5);
	});
});
