/**
 * Label smoothing: on songs whose next symbol is always certain, a plain run learns to be nearly sure of
 * it, while a smoothed run stays near (1 − ε) + ε / V however long it trains, and still predicts as well.
 */
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Trainer } from '../../../src/lib/train/trainer';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { resolveConfig, type TrainConfig } from '../../../src/lib/model/config';

const phrase = ['60', '_', '62', '_', '64', '_', '65', '_'];
const songs = Array.from({ length: 8 }, () => [...phrase, ...phrase]);
const corpus = { id: 'phrase', name: 'one phrase', hash: 'p' };

/** Mean probability the trained model gives each next symbol of the phrase (song end excluded). */
async function confidence(labelSmoothing: number): Promise<{ mean: number; right: number }> {
	const config: Partial<TrainConfig> = {
		units: 16,
		seqLength: 8,
		batchSize: 8,
		epochs: 40,
		validation: 0,
		dropout: 0,
		learningRate: 0.05,
		learningRateDecay: 1,
		meterInput: false,
		seed: 3,
		labelSmoothing
	};
	const trainer = Trainer.create(songs, config, corpus);
	await trainer.run({ yieldEachBatch: false });
	const model = new LstmStepModel(await trainer.weights());
	trainer.dispose();
	const id = (s: string) => model.vocabulary.indexOf(s);
	let state = model.initialState();
	let sum = 0;
	let right = 0;
	let p = model.step(state, id('/'));
	for (const s of songs[0]) {
		sum += p.probabilities[id(s)];
		if (Math.max(...p.probabilities) === p.probabilities[id(s)]) right++;
		state = p.state;
		p = model.step(state, id(s));
	}
	return { mean: sum / songs[0].length, right: right / songs[0].length };
}

describe('label smoothing', () => {
	test('is off by default and checked like every setting', () => {
		expect(resolveConfig().labelSmoothing).toBe(0);
		expect(() => resolveConfig({ labelSmoothing: 0.7 })).toThrow(/Label smoothing.*from 0 to 0\.5/);
	});

	test('keeps the model from being sure of a certain next note', async () => {
		await tf.setBackend('cpu');
		const plain = await confidence(0);
		const smoothed = await confidence(0.3);
		const vocabulary = 6; // '/', '_', 60, 62, 64, 65
		expect(plain.mean).toBeGreaterThan(0.9);
		expect(smoothed.mean).toBeLessThan(1 - 0.3 + 0.3 / vocabulary + 0.02);
		expect(smoothed.mean).toBeGreaterThan(0.5);
		expect(smoothed.right).toBe(plain.right);
	}, 120_000);
});
