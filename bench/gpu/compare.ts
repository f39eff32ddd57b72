/**
 * The GPU check's kernel comparison (bench/gpu/check.ts), apart so that a Node test runs it here: the same
 * seeded inputs on every backend, the outputs read back as arrays, compared by largest absolute error.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedCell, fusedCellGrad } from '../../src/lib/train/lstm-kernels';
import { lstmBackward, lstmForward, type LstmParams } from '../../src/lib/train/fast-lstm';
import { Rng } from '../../src/lib/model/rng';

/** Largest absolute difference allowed between a backend's kernels and cpu's. */
export const TOLERANCE = 1e-3;

/** Seeded values in ±scale, as plain arrays, so every backend gets the very same numbers. */
function values(rng: Rng, n: number, scale = 1): Float32Array {
	return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
}

/** One fused forward and backward step on the active backend; the outputs as arrays. */
export async function cellOutputs(B: number, n: number): Promise<Record<string, Float32Array>> {
	const rng = new Rng(`gpu-check:${B}:${n}`);
	const t = (shape: number[], scale = 1) => tf.tensor(values(rng, shape[0] * shape[1], scale), shape);
	const [mm, xp, cPrev] = [t([B, 4 * n]), t([B, 4 * n]), t([B, n])];
	const keep = tf.tensor1d(Array.from({ length: B }, (_, b) => (b % 3 === 1 ? 0 : 1)));
	const keepNext = tf.tensor1d(Array.from({ length: B }, (_, b) => (b % 4 === 2 ? 0 : 1)));
	const [dOut, dhNext, dcNext] = [t([B, n]), t([B, n]), t([B, n])];
	const [h, c, gates, tc] = fusedCell(mm, xp, cPrev, keep);
	const [dz, dcPrev] = fusedCellGrad(dOut, dhNext, dcNext, keepNext, gates, tc, cPrev, keep);
	const named = { h, c, gates, tc, dz, dcPrev };
	const result: Record<string, Float32Array> = {};
	for (const [k, x] of Object.entries(named)) result[k] = (await x.data()) as Float32Array;
	tf.dispose([mm, xp, cPrev, keep, keepNext, dOut, dhNext, dcNext, ...Object.values(named)]);
	return result;
}

/** A 16-step forward and backward pass of the fast LSTM (symbol ids, a song reset in two lanes). */
export async function passOutputs(B: number, n: number): Promise<Record<string, Float32Array>> {
	const rng = new Rng(`gpu-pass:${B}:${n}`);
	const T = 16;
	const V = 40;
	const p: LstmParams = {
		kernel: tf.tensor2d(values(rng, V * 4 * n, 0.1), [V, 4 * n]),
		recurrentKernel: tf.tensor2d(values(rng, n * 4 * n, 0.1), [n, 4 * n]),
		bias: tf.tensor1d(values(rng, 4 * n, 0.1))
	};
	const ids = tf.tensor2d(
		Int32Array.from({ length: T * B }, () => Math.floor(rng.next() * V)),
		[T, B],
		'int32'
	);
	const upstream = tf.tensor3d(values(rng, T * B * n), [T, B, n]);
	const h0 = tf.zeros([B, n]) as tf.Tensor2D;
	const keep = Array.from({ length: T }, (_, t) =>
		t === 8
			? tf.tensor2d(
					Array.from({ length: B }, (_, b) => (b < 2 ? 0 : 1)),
					[B, 1]
				)
			: null
	);
	const fwd = lstmForward({ ids }, p, h0, h0, { training: true, keep });
	const g = lstmBackward(fwd.cache!, p, upstream);
	const named = { outputs: fwd.outputs, kernel: g.kernel, recurrentKernel: g.recurrentKernel, bias: g.bias };
	const result: Record<string, Float32Array> = {};
	for (const [k, x] of Object.entries(named)) result[k] = (await x.data()) as Float32Array;
	tf.dispose([p.kernel, p.recurrentKernel, p.bias, ids, upstream, h0, fwd.h, fwd.c, ...Object.values(named)]);
	keep.forEach((k) => k?.dispose());
	return result;
}

export function largestError(
	a: Record<string, Float32Array>,
	ref: Record<string, Float32Array>
): Record<string, number> {
	const e: Record<string, number> = {};
	for (const k of Object.keys(ref)) {
		let m = 0;
		for (let i = 0; i < ref[k].length; i++) m = Math.max(m, Math.abs(a[k][i] - ref[k][i]));
		e[k] = a[k].length === ref[k].length ? m : Infinity;
	}
	return e;
}
