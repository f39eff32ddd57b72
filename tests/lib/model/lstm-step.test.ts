import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { useWasmMatvec } from '../../../src/lib/model/matvec';
import { generate } from '../../../src/lib/generate/generate';
import { mulberry32 } from '../../../src/lib/generate/random';
import type { LstmModelWeights } from '../../../src/lib/model/types';
import { referenceVocabulary, tinyModel } from '../generate/tiny-model';

/** Two stacked layers with odd sizes, so the unrolled dot products' remainders are exercised. */
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

/** The same network in tf.layers (Keras maths: sigmoid gates), run over a whole sequence at once. */
function layersModel(w: LstmModelWeights): tf.Sequential {
	const model = tf.sequential();
	w.layers.forEach((l, i) =>
		model.add(
			tf.layers.lstm({
				units: l.units,
				returnSequences: true,
				recurrentActivation: 'sigmoid',
				kernelInitializer: 'zeros',
				recurrentInitializer: 'zeros',
				...(i === 0 ? { inputShape: [null, l.inputSize] } : {})
			})
		)
	);
	model.add(tf.layers.dense({ units: w.vocabulary.length, activation: 'softmax' }));
	const top = w.layers[w.layers.length - 1].units;
	model.setWeights([
		...w.layers.flatMap((l) => [
			tf.tensor2d(l.kernel, [l.inputSize, 4 * l.units]),
			tf.tensor2d(l.recurrentKernel, [l.units, 4 * l.units]),
			tf.tensor1d(l.bias)
		]),
		tf.tensor2d(w.denseKernel, [top, w.vocabulary.length]),
		tf.tensor1d(w.denseBias)
	]);
	return model;
}

describe('LstmStepModel, the step-by-step LSTM of generation and scoring', () => {
	it.each([
		['WebAssembly SIMD', true],
		['plain JS', false]
	])('matches tf.layers.lstm step by step, one and two layers (within 1e-5): %s', async (_, wasm) => {
		await tf.setBackend('cpu');
		useWasmMatvec(wasm);
		for (const weights of [tinyModel(referenceVocabulary(), 16, 3), stacked()]) {
			const v = weights.vocabulary.length;
			const r = mulberry32(8);
			const ids = Array.from({ length: 40 }, () => Math.floor(r() * v));
			const model = layersModel(weights);
			const expected = tf.tidy(
				() => model.predict(tf.oneHot(tf.tensor2d([ids], [1, ids.length], 'int32'), v)) as tf.Tensor
			);
			const want = (await expected.array()) as number[][][];
			expected.dispose();
			const step = new LstmStepModel(weights);
			let state = step.initialState();
			ids.forEach((id, t) => {
				const out = step.step(state, id);
				state = out.state;
				out.probabilities.forEach((p, i) => expect(Math.abs(p - want[0][t][i])).toBeLessThan(1e-5));
			});
			model.dispose();
		}
		useWasmMatvec(true);
	});

	it('starting after k slashes equals reading k slashes from the zero state', () => {
		const weights = stacked();
		const slash = weights.vocabulary.indexOf('/');
		const zero = new LstmStepModel(weights);
		let state = zero.initialState();
		for (let k = 0; k < 63; k++) state = zero.advance(state, slash);
		const padded = new LstmStepModel(weights, 63);
		const settings = { steps: 120, temperature: 0.9, stopAtEnd: false, variations: 1, randomSeed: 4 };
		expect(padded.output(padded.initialState())).toEqual(zero.output(state));
		// Generation from either start gives the same melody.
		const fromPadded = generate(padded, [], settings)[0].symbols;
		const fromZero = generate(
			{ vocabulary: zero.vocabulary, initialState: () => state, step: (s, id) => zero.step(s, id) },
			[],
			settings
		)[0].symbols;
		expect(fromPadded).toEqual(fromZero);
	});
});
