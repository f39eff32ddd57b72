/**
 * The training loop on real songs with a tiny model: resuming from a checkpoint (at an epoch boundary or
 * mid-epoch) gives exactly the losses of an uninterrupted run, memory stays flat, a non-finite loss stops
 * the run, and both designs learn.
 */
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { learningRateAt, Trainer } from '../../../src/lib/train/trainer';
import type { Checkpoint } from '../../../src/lib/model/checkpoint';
import { resolveConfig, type TrainConfig } from '../../../src/lib/model/config';
import { hasShared, shared } from '../../shared';

const corpus = { id: 'erk-24', name: 'erk (24 songs)', hash: 'h24' };
const config: Partial<TrainConfig> = {
	units: 8,
	seqLength: 16,
	batchSize: 4,
	epochs: 3,
	validation: 0.2,
	dropout: 0.2,
	recurrentDropout: 0.1,
	learningRate: 0.01,
	seed: 7
};

function songs(): string[][] {
	const dir = shared('fixtures', 'music21-erk');
	return readdirSync(dir)
		.sort((a, b) => Number(a) - Number(b))
		.slice(0, 24)
		.map((f) => readFileSync(`${dir}/${f}`, 'utf8').trim().split(/\s+/));
}

describe('the learning rate within an epoch', () => {
	test('falls along a half cosine from the epoch rate towards its floor, and restarts each epoch', () => {
		const c = resolveConfig({ learningRate: 0.01, learningRateDecay: 0.9, learningRateFloor: 0.1 });
		const rates = Array.from({ length: 100 }, (_, k) => learningRateAt(c, 0, k, 100));
		expect(rates[0]).toBeCloseTo(0.01, 12);
		expect(rates[50]).toBeCloseTo(0.01 * 0.55, 12);
		expect(rates[99]).toBeGreaterThan(0.001);
		expect(rates[99]).toBeLessThan(0.0011);
		for (let k = 1; k < 100; k++) expect(rates[k]).toBeLessThan(rates[k - 1]);
		// The next epoch starts again from its own (decayed) rate.
		expect(learningRateAt(c, 2, 0, 100)).toBeCloseTo(0.01 * 0.81, 12);
		// A floor of 1 is the constant rate of each epoch.
		const flat = { ...c, learningRateFloor: 1 };
		for (const k of [0, 37, 99]) expect(learningRateAt(flat, 1, k, 100)).toBeCloseTo(0.009, 12);
	});
});

describe.skipIf(!hasShared())('trainer', () => {
	test('resuming from an epoch checkpoint or a mid-epoch pause gives the same losses as not stopping', async () => {
		await tf.setBackend('cpu');
		const data = songs();
		const straight = Trainer.create(data, config, corpus);
		await straight.run({ yieldEachBatch: false });
		straight.dispose();
		expect(straight.history).toHaveLength(3);

		// Stop after epoch 1, keep only a structured clone of the checkpoint (what IndexedDB stores).
		const first = Trainer.create(data, config, corpus);
		let stop = false;
		await first.run({
			yieldEachBatch: false,
			control: () => (stop ? 'stop' : null),
			onEpoch: () => void (stop = true)
		});
		const cp1: Checkpoint = structuredClone(await first.checkpoint());
		first.dispose();
		expect(cp1.epoch).toBe(1);
		const second = Trainer.resume(data, cp1, corpus.hash);
		// Pause in the middle of epoch 2, resume from that checkpoint.
		let batches = 0;
		expect(
			await second.run({ yieldEachBatch: false, control: () => (batches++ === 2 ? 'pause' : null) })
		).toBe('paused');
		const cp2: Checkpoint = structuredClone(await second.checkpoint());
		second.dispose();
		expect(cp2.position?.batch).toBe(2);
		const third = Trainer.resume(data, cp2, corpus.hash);
		expect(await third.run({ yieldEachBatch: false })).toBe('finished');
		third.dispose();
		expect(third.history.map((h) => [h.trainLoss, h.valLoss])).toEqual(
			straight.history.map((h) => [h.trainLoss, h.valLoss])
		);
	});

	test('numTensors is flat from epoch to epoch, and nothing is left after dispose', async () => {
		await tf.setBackend('cpu');
		const before = tf.memory().numTensors;
		const t = Trainer.create(songs(), { ...config, epochs: 4, layers: 2 }, corpus);
		const counts: number[] = [];
		await t.run({ yieldEachBatch: false, onEpoch: () => void counts.push(tf.memory().numTensors) });
		expect(new Set(counts).size).toBe(1);
		t.dispose();
		expect(tf.memory().numTensors).toBe(before);
	});

	test('a non-finite loss stops the run with a message and applies no update', async () => {
		await tf.setBackend('cpu');
		const data = songs();
		const t = Trainer.create(data, { ...config, epochs: 1 }, corpus);
		const cp = await t.checkpoint();
		t.dispose();
		// Finite weights (a NaN is refused on resume) whose logits overflow float32 on the first batch.
		cp.weights.denseKernel.fill(3e38);
		cp.weights.denseBias.fill(3e38);
		const broken = Trainer.resume(data, cp, corpus.hash);
		expect(await broken.run({ yieldEachBatch: false })).toBe('failed');
		expect(broken.message).toMatch(/non-finite/);
		const after = await broken.checkpoint();
		expect(Array.from(after.weights.layers[0].kernel)).toEqual(Array.from(cp.weights.layers[0].kernel));
		broken.dispose();
	});

	test('both designs learn: the validation loss falls', async () => {
		await tf.setBackend('cpu');
		for (const design of ['sequence', 'window'] as const) {
			const t = Trainer.create(
				songs(),
				{
					...config,
					design,
					epochs: 2,
					dropout: 0,
					recurrentDropout: 0,
					maxBatchesPerEpoch: 30,
					batchSize: 16
				},
				corpus
			);
			await t.run({ yieldEachBatch: false });
			t.dispose();
			expect(t.history[1].valLoss!).toBeLessThan(t.history[0].valLoss!);
		}
	});

	test('refuses a checkpoint of another corpus or with truncated weights', async () => {
		await tf.setBackend('cpu');
		const data = songs();
		const t = Trainer.create(data, { ...config, epochs: 1 }, corpus);
		const cp = await t.checkpoint();
		t.dispose();
		expect(() => Trainer.resume(data, cp, 'another-hash')).toThrow(/changed or is missing/);
		const cut = structuredClone(cp);
		cut.weights.layers[0].recurrentKernel = cut.weights.layers[0].recurrentKernel.slice(0, 10);
		expect(() => Trainer.resume(data, cut, corpus.hash)).toThrow(/truncated/);
	});
});
