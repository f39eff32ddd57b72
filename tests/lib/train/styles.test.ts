/**
 * One model, several styles: the style slot after the bar features, style dropout, oversampling of small
 * styles, checkpoints and the model format keeping the styles, and going on from a trained model.
 */
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Trainer, styleRepeats, type TrainingSong } from '../../../src/lib/train/trainer';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { fromModelFiles, toModelFiles, type ModelMetadata } from '../../../src/lib/model/format';
import { carryWeights, initialWeights } from '../../../src/lib/model/init';
import { lookbackSize, METER_FEATURES, songBarContext } from '../../../src/lib/model/features';
import { ingest } from '../../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../../src/cli/files';
import { hasShared, shared } from '../../shared';

const config = {
	units: 8,
	seqLength: 16,
	batchSize: 4,
	epochs: 2,
	validation: 0.2,
	learningRate: 0.01,
	seed: 3
};
const corpus = { id: 'two', name: 'two styles', hash: 'h2' };

async function twoStyles(): Promise<TrainingSong[]> {
	const read = async (dir: string, style: string, n: number) =>
		(await ingest(dropFromPaths([shared('corpus', 'essen', ...dir.split('/'))]))).songs
			.slice(0, n)
			.map((s) => ({ ...s, style }));
	return [
		...(await read('seed-countries/romania', 'romania', 12)),
		...(await read('other/asia-china-xinhua', 'china', 6))
	];
}

test('small styles are read √(largest ÷ size) times per epoch, at most the cap', () => {
	expect(styleRepeats([2000, 140, 22, 2], 4)).toEqual([1, 3, 4, 4]);
	expect(styleRepeats([2000, 140, 22, 2], 1)).toEqual([1, 1, 1, 1]);
	expect(styleRepeats([10, 0], 4)).toEqual([1, 1]);
});

test('a style slot adds its kernel row: no style differs from each style, styles differ from each other', () => {
	const w = initialWeights(['/', '_', 'r', '60', '62'], 1, 6, 1, true, ['a', 'b']);
	expect(w.layers[0].inputSize).toBe(5 + METER_FEATURES + 2);
	const m = new LstmStepModel(w);
	const first = (x: LstmStepModel) => x.step(x.initialState(), 0).probabilities;
	const none = first(m);
	const a = first(m.withStyle('a'));
	const b = first(m.withStyle('b'));
	expect(a).not.toEqual(none);
	expect(a).not.toEqual(b);
	expect(first(m.withStyle('a').withStyle(null))).toEqual(none);
	expect(() => m.withStyle('c')).toThrow('This model has no style "c"; its styles are a, b.');
	expect(() => new LstmStepModel(initialWeights(['/', '60'], 1, 4, 1)).withStyle('a')).toThrow(
		/has no styles/
	);
});

test('going on from a model: shared symbols keep their weights, a new style starts at zero', () => {
	const from = initialWeights(['/', '_', '60', '62'], 1, 4, 1, true);
	const fresh = initialWeights(['/', '_', '59', '60', '62'], 1, 4, 9, true, ['x']);
	const w = carryWeights(from, fresh);
	const m = new LstmStepModel(w);
	const old = new LstmStepModel(from);
	// Same state after the same symbols, with no style and with the zero style row.
	const h = (x: LstmStepModel, ids: number[]) =>
		ids.reduce((s, id) => x.advance(s, id), x.initialState()).h[0];
	expect(Array.from(h(m, [0, 3, 1, 4]))).toEqual(Array.from(h(old, [0, 2, 1, 3])));
	expect(Array.from(h(m.withStyle('x'), [0, 3]))).toEqual(Array.from(h(old, [0, 2])));
	// A new symbol is less likely than any the old model knew.
	expect(w.denseBias[2]).toBeLessThan(Math.min(...from.denseBias));
	expect(() => carryWeights(from, initialWeights(['/', '60'], 1, 6, 1, true))).toThrow(/4 units/);
});

describe.skipIf(!hasShared())('training with styles', () => {
	test('learns a style per corpus; the model, its checkpoint and its files keep them', async () => {
		await tf.setBackend('cpu');
		const data = await twoStyles();
		const t = Trainer.create(data, { ...config, styleDropout: 0.3, styleOversample: 4 }, corpus);
		expect(t.styles).toEqual(['romania', 'china']);
		await t.run({ yieldEachBatch: false });
		expect(t.history).toHaveLength(2);
		const w = await t.weights();
		expect(w.styles).toEqual(['romania', 'china']);
		expect(w.lookback).toBe(true);
		expect(w.layers[0].inputSize).toBe(
			w.vocabulary.length + METER_FEATURES + 2 + lookbackSize(w.vocabulary.length)
		);
		const cp = structuredClone(await t.checkpoint());
		t.dispose();
		const resumed = Trainer.resume(data, cp, corpus.hash);
		expect(resumed.styles).toEqual(['romania', 'china']);
		resumed.dispose();
		const metadata: ModelMetadata = {
			format: 'folk-studio-model',
			version: 1,
			name: 'two',
			createdAt: 1,
			vocabulary: w.vocabulary,
			songStart: '/',
			design: 'sequence',
			config: cp.config,
			history: cp.history,
			corpus,
			styles: ['romania', 'china']
		};
		const back = fromModelFiles(toModelFiles(w, metadata)).weights;
		expect(back.styles).toEqual(['romania', 'china']);
		expect(back.layers[0].kernel).toEqual(w.layers[0].kernel);
		expect(() => toModelFiles(w, { ...metadata, styles: ['china'] })).toThrow(/different styles/);
		// The trained style rows moved away from their initial values and differ per style.
		const song = data[0] as TrainingSong & { symbols: string[] };
		const m = new LstmStepModel(back).withBar(songBarContext(song as Parameters<typeof songBarContext>[0]));
		const p = (s: string) => m.withStyle(s).step(m.initialState(), 0).probabilities;
		expect(Array.from(p('romania'))).not.toEqual(Array.from(p('china')));
	});

	test('style dropout and oversampling change what an epoch reads, seeded', async () => {
		await tf.setBackend('cpu');
		const data = await twoStyles();
		const batches = (c: object) => {
			const t = Trainer.create(data.slice(0, 14), { ...config, validation: 0, ...c }, corpus);
			const n = t.batchesPerEpoch();
			t.dispose();
			return n;
		};
		// 12 romania + 2 china songs: china is read ⌊√6⌋ = 2 times with oversampling on.
		expect(batches({ styleOversample: 4 })).toBeGreaterThan(batches({ styleOversample: 1 }));
		expect(batches({ styleOversample: 4 })).toBe(batches({ styleOversample: 4 }));
	});
});
