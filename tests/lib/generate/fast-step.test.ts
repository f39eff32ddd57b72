import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FastLstmStepModel } from '../../../src/lib/generate/fast-step';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { generate } from '../../../src/lib/generate/generate';
import { mulberry32 } from '../../../src/lib/generate/random';
import type { LstmModelWeights } from '../../../src/lib/model/types';
import { hasShared, shared } from '../../shared';
import { importKeras, KerasStepModel } from '../../../src/lib/keras';
import { referenceVocabulary, tinyModel } from './tiny-model';

/** Two stacked layers with odd sizes, so the unrolled loops' remainders are exercised. */
function stacked(): LstmModelWeights {
	const one = tinyModel(referenceVocabulary(), 13, 21);
	const r = mulberry32(5);
	const fill = (n: number) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * 0.5);
	const u2 = 7;
	return {
		...one,
		layers: [
			one.layers[0],
			{
				inputSize: 13,
				units: u2,
				kernel: fill(13 * 4 * u2),
				recurrentKernel: fill(u2 * 4 * u2),
				bias: fill(4 * u2)
			}
		],
		denseKernel: fill(u2 * one.vocabulary.length)
	};
}

describe('the fast step model used for generation', () => {
	it('computes what the plain LSTM computes, one and two layers', () => {
		for (const weights of [tinyModel(referenceVocabulary(), 16, 3), stacked()]) {
			const a = new LstmStepModel(weights);
			const b = new FastLstmStepModel(weights);
			let sa = a.initialState();
			let sb = b.initialState();
			const r = mulberry32(8);
			for (let t = 0; t < 100; t++) {
				const id = Math.floor(r() * weights.vocabulary.length);
				const ra = a.step(sa, id);
				const rb = b.step(sb, id);
				ra.probabilities.forEach((p, i) => expect(rb.probabilities[i]).toBeCloseTo(p, 5));
				sa = ra.state;
				sb = rb.state;
			}
			const settings = { steps: 200, temperature: 0.9, stopAtEnd: false, variations: 2, randomSeed: 4 };
			expect(generate(b, [], settings).map((m) => m.symbols)).toEqual(
				generate(a, [], settings).map((m) => m.symbols)
			);
		}
	});

	it.skipIf(!hasShared())('starts like the Keras step model after 63 `/` and continues the same way', () => {
		const dir = shared('fixtures', 'seed-keras');
		const { weights } = importKeras(
			readFileSync(`${dir}/model.h5`),
			readFileSync(`${dir}/mapping.json`, 'utf8')
		);
		const seed = '67 _ 67 _ 67 _ _ 65 64 _ 64 _ 64 _ _'.split(' ');
		const settings = { steps: 150, temperature: 0.3, stopAtEnd: true, variations: 1, randomSeed: 2 };
		expect(generate(new FastLstmStepModel(weights, 63), seed, settings)[0].symbols).toEqual(
			generate(new KerasStepModel(weights), seed, settings)[0].symbols
		);
	});
});
