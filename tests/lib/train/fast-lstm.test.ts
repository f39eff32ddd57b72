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

	test('a multi-hot input as row ids gives the outputs and weight gradients of the same dense input', async () => {
		await tf.setBackend(backend);
		await tf.ready();
		const rng = new Rng(`${backend}:multi-hot`);
		const [T, B, D, N, K] = [5, 3, 9, 4, 3];
		const p = params(rng, D, N);
		// Per row: a symbol id (0–3), then up to two feature rows (4–8), −1 where a row has fewer.
		const ids = new Int32Array(T * B * K).fill(-1);
		const dense = new Float32Array(T * B * D);
		for (let r = 0; r < T * B; r++) {
			const on = [Math.floor(rng.next() * 4), ...(rng.next() < 0.7 ? [4 + Math.floor(rng.next() * 5)] : [])];
			if (rng.next() < 0.5) on.push(4 + ((on.at(-1)! + 1) % 5));
			const unique = [...new Set(on)];
			unique.forEach((i, q) => {
				ids[r * K + q] = i;
				dense[r * D + i] = 1;
			});
		}
		const upstream = randomTensor(rng, [T, B, N], 1) as tf.Tensor3D;
		const zeros = tf.zeros([B, N]) as tf.Tensor2D;
		const x = tf.tensor3d(dense, [T, B, D]);
		const idTensor = tf.tensor3d(ids, [T, B, K], 'int32');
		const before = tf.memory().numTensors;
		const viaIds = lstmForward({ ids: idTensor }, p, zeros, zeros, { training: true });
		const viaX = lstmForward({ x, constant: true }, p, zeros, zeros, { training: true });
		expect(await maxAbs(viaIds.outputs, viaX.outputs)).toBeLessThan(1e-5);
		const gi = lstmBackward(viaIds.cache!, p, upstream);
		const gx = lstmBackward(viaX.cache!, p, upstream);
		expect(await maxAbs(gi.kernel, gx.kernel)).toBeLessThan(1e-5);
		expect(await maxAbs(gi.bias, gx.bias)).toBeLessThan(1e-5);
		expect(await maxAbs(gi.recurrentKernel, gx.recurrentKernel)).toBeLessThan(1e-5);
		for (const r of [viaIds, viaX]) tf.dispose([r.outputs, r.h, r.c]);
		for (const g of [gi, gx]) tf.dispose([g.kernel, g.recurrentKernel, g.bias]);
		expect(tf.memory().numTensors).toBe(before);
		tf.dispose([zeros, x, idTensor, upstream]);
	});
});
