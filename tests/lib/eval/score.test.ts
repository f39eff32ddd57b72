import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { hasShared, shared } from '../../shared';
import {
	OOV_PROBABILITY,
	ScoreAccumulator,
	inputId,
	isOnset,
	scoreBarSongs,
	scoreStepModel
} from '../../../src/lib/eval/score';
import { fileURLToPath } from 'node:url';
import { ingest } from '../../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../../src/cli/files';
import { Trainer } from '../../../src/lib/train/trainer';
import { removeDuplicates } from '../../../src/lib/eval/dedupe';
import { scoreWindowed } from '../../../src/lib/eval/windowed';
import { scoreBatched } from '../../../src/lib/eval/batched';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import type { LstmModelWeights } from '../../../src/lib/model/types';
import { importKeras } from '../../../src/lib/keras/import';
import { KerasWindowedStepModel } from '../../../src/lib/keras/reference';
import type { StepModel } from '../../../src/lib/model/types';

/** Uniform over its vocabulary; records what it was fed. */
class Uniform implements StepModel<number[]> {
	fed: number[] = [];
	constructor(readonly vocabulary: string[]) {}
	initialState() {
		return [];
	}
	step(state: number[], id: number) {
		this.fed.push(id);
		return { state: [...state, id], probabilities: new Float32Array(this.vocabulary.length).fill(1 / 4) };
	}
}

describe('scoring protocol', () => {
	it('scores every symbol plus the final "/", feeding "/" first', () => {
		const m = new Uniform(['/', '_', 'r', '60']);
		const r = scoreStepModel(m, [['60', '_', 'r'], ['60']]);
		expect(r.songs).toBe(2);
		expect(r.steps).toBe(4 + 2);
		expect(r.bitsPerStep).toBeCloseTo(2, 9);
		expect(r.natsPerStep).toBeCloseTo(Math.log(4), 9);
		// Onsets: 60, r, 60 -> total bits 12 over 3 onsets.
		expect(r.bitsPerNote).toBeCloseTo(4, 9);
		// Each song is fed "/" then all but its last target.
		expect(m.fed).toEqual([0, 3, 1, 2, 0, 3]);
		// Ties go to the lowest id, "/": right only on the final "/" targets.
		expect(r.accuracy).toBeCloseTo(2 / 6, 9);
		expect(r.onsetAccuracy).toBe(0);
	});

	it('charges 1e-6 for targets outside the vocabulary and counts them wrong', () => {
		const m = new Uniform(['/', '_', 'r', '60']);
		const r = scoreStepModel(m, [['61']]);
		expect(r.oovTargets).toBe(1);
		expect(r.steps).toBe(2);
		expect(r.bitsPerStep).toBeCloseTo((-Math.log2(OOV_PROBABILITY) + 2) / 2, 9);
		// The unknown 61 is fed as the nearest pitch, 60.
		expect(m.fed).toEqual([0, 3]);
	});

	it('substitutes unknown inputs: nearest pitch (lower on a tie), else a rest', () => {
		const index = new Map(['/', '_', 'r', '60', '64'].map((s, i) => [s, i]));
		expect(inputId('62', index)).toBe(3);
		expect(inputId('63', index)).toBe(4);
		expect(inputId('x', index)).toBe(2);
		expect(isOnset('r') && isOnset('72') && !isOnset('_') && !isOnset('/')).toBe(true);
	});

	it('merges partial sums', () => {
		const a = new ScoreAccumulator();
		const b = new ScoreAccumulator();
		a.add('60', 0.5, true);
		b.add('_', 0.25, false);
		a.merge(b);
		expect(a.result().bitsPerStep).toBeCloseTo(1.5, 9);
	});

	it('drops held-out songs identical to training songs', () => {
		const { kept, removed } = removeDuplicates(
			[{ s: ['60', '_'] }, { s: ['60'] }],
			[['60', '_'], ['62']],
			(x) => x.s
		);
		expect(kept).toEqual([{ s: ['60'] }]);
		expect(removed).toHaveLength(1);
	});
});

describe.skipIf(!hasShared())('windowed scoring of the Keras reference', () => {
	it('batched TensorFlow.js windows give the plain-JS windowed scores', async () => {
		await tf.setBackend('wasm');
		const d = shared('fixtures', 'seed-keras');
		const { weights } = importKeras(readFileSync(`${d}/model.h5`), readFileSync(`${d}/mapping.json`, 'utf8'));
		const dir = shared('fixtures', 'music21-erk');
		const songs = readdirSync(dir)
			.sort((a, b) => Number(a) - Number(b))
			.slice(0, 2)
			.map((f) => readFileSync(`${dir}/${f}`, 'utf8').trim().split(/\s+/).slice(0, 40));
		const batched = await scoreWindowed(weights, songs, { batchSize: 64 });
		const plain = scoreStepModel(new KerasWindowedStepModel(weights), songs);
		expect(batched.steps).toBe(plain.steps);
		expect(batched.accuracy).toBe(plain.accuracy);
		expect(Math.abs(batched.bitsPerStep - plain.bitsPerStep)).toBeLessThan(1e-4);
		expect(Math.abs(batched.onsetAccuracy - plain.onsetAccuracy)).toBe(0);
	}, 120_000);
});

/** A small random two-layer LSTM from a seeded generator. */
function randomWeights(vocabulary: string[], units: number[], seed: number): LstmModelWeights {
	let x = seed;
	const rand = () => {
		x = (x * 1103515245 + 12345) % 2147483648;
		return (x / 2147483648 - 0.5) * 1.5;
	};
	const arr = (n: number) => Float32Array.from({ length: n }, rand);
	let input = vocabulary.length;
	const layers = units.map((n) => {
		const l = {
			inputSize: input,
			units: n,
			kernel: arr(input * 4 * n),
			recurrentKernel: arr(n * 4 * n),
			bias: arr(4 * n)
		};
		input = n;
		return l;
	});
	return {
		vocabulary,
		layers,
		denseKernel: arr(input * vocabulary.length),
		denseBias: arr(vocabulary.length)
	};
}

describe('batched stateful scoring', () => {
	it('gives the same scores as one song at a time in plain JS', async () => {
		await tf.setBackend('cpu');
		const vocab = ['/', '_', 'r', '60', '62', '64', '65', '67'];
		const weights = randomWeights(vocab, [12, 9], 7);
		const songs = [
			['60', '_', '62', '64', '_', '_', 'r', '67'],
			['64', '65', '_', '67', '60', '_', '_', '_', '62', '64', '60', '_'],
			['62'],
			['61', '_', '60']
		];
		const batched = await scoreBatched(weights, songs, { batchSize: 3 });
		const plain = scoreStepModel(new LstmStepModel(weights), songs);
		expect(batched.steps).toBe(plain.steps);
		expect(batched.oovTargets).toBe(1);
		expect(batched.accuracy).toBe(plain.accuracy);
		expect(batched.onsetAccuracy).toBe(plain.onsetAccuracy);
		expect(Math.abs(batched.bitsPerStep - plain.bitsPerStep)).toBeLessThan(1e-5);
	});
});

describe('scoring with bars (scoreBarSongs)', () => {
	it.each([false, true])(
		"equals the trainer's validation loss on its validation songs, so the two figures compare (lookback %s)",
		async (lookback) => {
			// Songs the repository holds itself: the demo corpus, with meters and barlines.
			const root = new URL('../../../static/demo/deutschl/', import.meta.url);
			const paths = readdirSync(root, { recursive: true })
				.map(String)
				.filter((p) => p.endsWith('.krn'))
				.sort()
				.map((p) => fileURLToPath(new URL(p, root)));
			const { songs } = await ingest(dropFromPaths(paths));
			await tf.setBackend('cpu');
			const trainer = Trainer.create(
				songs,
				{
					units: 12,
					seqLength: 16,
					batchSize: 4,
					epochs: 1,
					validation: 0.25,
					dropout: 0,
					seed: 3,
					lookback
				},
				{ id: 'demo', name: 'demo', hash: 'demo' }
			);
			await trainer.run({ yieldEachBatch: false });
			const weights = await trainer.weights();
			const val = trainer.split.val.map((i) => songs[i]);
			trainer.dispose();
			expect(weights.meterInput).toBe(true);
			expect(weights.lookback === true).toBe(lookback);
			expect(val.some((s) => s.bars?.length)).toBe(true);
			const r = scoreBarSongs(new LstmStepModel(weights), val);
			expect(r.steps).toBe(val.reduce((n, s) => n + s.symbols.length + 1, 0));
			expect(r.natsPerStep).toBeCloseTo(trainer.history[0].valLoss!, 4);
		}
	);
});
