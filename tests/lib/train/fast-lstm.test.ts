/**
 * The fast LSTM against the tfjs-layers LSTM (Keras maths, sigmoid recurrent activation) and against a
 * plain autodiff LSTM for what layers cannot do (song resets, recurrent dropout), on `cpu` and `wasm`,
 * in every cell mode (fused JS kernel, hybrid backend sigmoid + JS kernel, generic ops).
 */
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { lstmBackward, lstmForward } from '../../../src/lib/train/fast-lstm';
import {
	cellMode,
	gatherSteps,
	idsGrad,
	useCellMode,
	type CellMode
} from '../../../src/lib/train/lstm-kernels';
import { Rng } from '../../../src/lib/model/rng';
import { checkFastLstm, errors, naive, params, randomTensor } from '../../../src/lib/lab/lstm-kernels-check';

/** Largest absolute difference over the largest magnitude of the reference. */
const relErr = async (a: tf.Tensor, b: tf.Tensor) => (await errors(a, b)).rel;
const maxAbs = async (a: tf.Tensor, b: tf.Tensor) => (await errors(a, b)).abs;

const modes: CellMode[] = ['fused', 'hybrid', 'generic'];
const cases = (['cpu', 'wasm'] as const).flatMap((b) => modes.map((m) => [b, m] as const));

afterAll(() => useCellMode('auto'));

describe.each(cases)('fast LSTM on %s (cell: %s)', (backend, mode) => {
	async function setup() {
		await tf.setBackend(backend);
		await tf.ready();
		useCellMode(mode);
		expect(cellMode()).toBe(mode);
	}

	test('matches tf.layers.lstm (ids and dense) and an autodiff LSTM with resets and recurrent dropout; no leak', async () => {
		await setup();
		// The same comparisons the browser test runs in the worker (lstm-kernels-check.ts).
		const r = await checkFastLstm(mode, backend);
		expect(r.mode).toBe(mode);
		for (const [what, e] of Object.entries({ ids: r.layersIds, dense: r.layersDense, resets: r.resets })) {
			expect(e.outputs, `${what}: outputs`).toBeLessThan(1e-5);
			for (const k of ['kernel', 'recurrentKernel', 'bias', 'input'] as const)
				if (e[k] !== undefined) expect(e[k], `${what}: ${k} gradient`).toBeLessThan(1e-4);
		}
		for (const [k, e] of Object.entries(r.cell ?? {})) expect(e, `one cell step, ${k}`).toBeLessThan(1e-5);
		expect(r.leaked).toBe(0);
	});

	test('constant input: the same outputs and weight gradients as the autodiff LSTM, no input gradient; no leak', async () => {
		await setup();
		const rng = new Rng(`${backend}:resets`);
		const [T, B, D, N] = [6, 4, 3, 5];
		const p = params(rng, D, N);
		const x = randomTensor(rng, [T, B, D], 1) as tf.Tensor3D;
		const upstream = randomTensor(rng, [T, B, N], 1) as tf.Tensor3D;
		const keep = Array.from({ length: T }, (_, t) =>
			t === 2 || t === 4 ? (tf.tensor2d(t === 2 ? [1, 0, 1, 1] : [0, 1, 1, 0], [B, 1]) as tf.Tensor2D) : null
		);
		const rmask = tf.tensor2d(
			Array.from({ length: B * N }, () => (rng.next() < 0.3 ? 0 : 1 / 0.7)),
			[B, N]
		) as tf.Tensor2D;
		const f = (k: tf.Tensor, u: tf.Tensor, b: tf.Tensor, xx: tf.Tensor) =>
			tf.sum(
				tf.mul(
					naive(xx as tf.Tensor3D, k as tf.Tensor2D, u as tf.Tensor2D, b as tf.Tensor1D, keep, rmask),
					upstream
				)
			);
		const ref = tf.grads(f)([p.kernel, p.recurrentKernel, p.bias, x]);
		const refOut = naive(x, p.kernel, p.recurrentKernel, p.bias, keep, rmask);

		const before = tf.memory().numTensors;
		const zeros = tf.zeros([B, N]) as tf.Tensor2D;
		const fc = lstmForward({ x, constant: true }, p, zeros, zeros, {
			training: true,
			keep,
			recurrentMask: rmask
		});
		expect(await maxAbs(fc.outputs, refOut)).toBeLessThan(1e-5);
		const gc = lstmBackward(fc.cache!, p, upstream);
		expect(gc.input).toBeNull();
		expect(await relErr(gc.kernel, ref[0])).toBeLessThan(1e-4);
		expect(await relErr(gc.bias, ref[2])).toBeLessThan(1e-4);
		for (const t of [fc.outputs, fc.h, fc.c, gc.kernel, gc.recurrentKernel, gc.bias, zeros]) t.dispose();
		expect(tf.memory().numTensors).toBe(before);
	});
});

describe.each(['cpu', 'wasm'] as const)('row kernels on %s', (backend) => {
	test('an id outside the vocabulary is refused, not read from outside the kernel', async () => {
		await tf.setBackend(backend);
		await tf.ready();
		const kernel = tf.zeros([5, 8]) as tf.Tensor2D;
		const bias = tf.zeros([8]) as tf.Tensor1D;
		const ids = tf.tensor2d([[0, 5]], [1, 2], 'int32');
		expect(() => gatherSteps(kernel, bias, ids)).toThrow(/outside the vocabulary/);
		expect(() => idsGrad(tf.zeros([2, 8]) as tf.Tensor2D, tf.reshape(ids, [-1]), 5)).toThrow(
			/outside the vocabulary/
		);
		tf.dispose([kernel, bias, ids]);
	});
});
