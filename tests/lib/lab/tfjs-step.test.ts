import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TfjsStepModel } from '../../../src/lib/lab/tfjs-step';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { generate } from '../../../src/lib/generate/generate';
import { referenceVocabulary, tinyModel } from '../generate/tiny-model';

describe('TensorFlow.js step model', () => {
	it('computes what the plain-JS LSTM computes and generates the same melody', async () => {
		await tf.setBackend('cpu');
		const weights = tinyModel(referenceVocabulary(), 16, 9);
		const a = new LstmStepModel(weights);
		const b = new TfjsStepModel(weights);
		tf.engine().startScope();
		let sa = a.initialState();
		let sb = b.initialState();
		for (const id of [0, 3, 5, 1, 7]) {
			const ra = a.step(sa, id);
			const rb = b.step(sb, id);
			ra.probabilities.forEach((p, i) => expect(rb.probabilities[i]).toBeCloseTo(p, 5));
			sa = ra.state;
			sb = rb.state;
		}
		const settings = { steps: 60, temperature: 0.7, stopAtEnd: false, variations: 1, randomSeed: 3 };
		expect(generate(b, [], settings)[0].symbols).toEqual(generate(a, [], settings)[0].symbols);
		tf.engine().endScope();
		b.dispose();
	});
});
