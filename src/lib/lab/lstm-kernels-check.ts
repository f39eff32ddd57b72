/**
 * Equivalence of the fast LSTM with the tfjs-layers LSTM on the active backend, measured rather than
 * asserted, so that the browser test (through the worker's `diagnostics/lstm-check`) and Node can run the
 * same check: forward outputs and gradients of the fast LSTM (fused cell kernels or generic ops) against
 * `tf.layers.lstm` (sigmoid recurrent activation, Glorot-uniform weights set explicitly), and, for what
 * layers cannot do (song resets, recurrent dropout), against an LSTM written with tf ops and
 * differentiated by TensorFlow.js's tape. Every read is `await data()` (GPU backends).
 */
import * as tf from '@tensorflow/tfjs';
import { lstmBackward, lstmForward, type LstmParams } from '../train/fast-lstm';
import {
	cellMode,
	cellRestStep,
	fusedCell,
	fusedCellGrad,
	useCellMode,
	type CellMode
} from '../train/lstm-kernels';
import { Rng } from '../model/rng';

/** Shapes of one check. Small by default: software WebGPU compiles every shader slowly. */
export interface CheckShape {
	steps: number;
	batch: number;
	inputSize: number;
	units: number;
}

/** Errors of one comparison: `outputs` absolute, the gradients relative to the reference's largest entry. */
export interface CheckErrors {
	outputs: number;
	kernel: number;
	recurrentKernel: number;
	bias: number;
	/** Gradient with respect to a dense input; absent for ids. */
	input?: number;
}

/** The result of `checkFastLstm`. */
export interface CheckResult {
	backend: string;
	/** The cell mode that ran (the one asked for, or 'generic' where the backend lacks its kernels). */
	mode: CellMode;
	/** Against tf.layers.lstm, one-hot ids input and dense input. */
	layersIds: CheckErrors;
	layersDense: CheckErrors;
	/** Against the autodiff LSTM, with song resets and a recurrent dropout mask (dense input). */
	resets: CheckErrors;
	/**
	 * One fused (or hybrid) step against the same step in tf ops, largest absolute error per output (forward: h, c,
	 * gates, tanh c; backward: dz, dcPrev); absent on the generic path. Says which output a failure is in.
	 */
	cell?: Record<string, number>;
	/** Tensors left over after everything was disposed (0 = no leak). */
	leaked: number;
	milliseconds: number;
}

/** Seeded uniform values in ±scale (shared with the Node tests). */
export function randomTensor(rng: Rng, shape: number[], scale = 0.5): tf.Tensor {
	const n = shape.reduce((a, b) => a * b, 1);
	const v = new Float32Array(n);
	for (let i = 0; i < n; i++) v[i] = (rng.next() * 2 - 1) * scale;
	return tf.tensor(v, shape);
}

/** Seeded LSTM weights. */
export function params(rng: Rng, d: number, n: number): LstmParams {
	return {
		kernel: randomTensor(rng, [d, 4 * n]) as tf.Tensor2D,
		recurrentKernel: randomTensor(rng, [n, 4 * n]) as tf.Tensor2D,
		bias: randomTensor(rng, [4 * n], 0.3) as tf.Tensor1D
	};
}

/** Largest absolute difference, and the same over the reference's largest magnitude. */
export async function errors(a: tf.Tensor, ref: tf.Tensor): Promise<{ abs: number; rel: number }> {
	const r = tf.tidy(() => tf.stack([tf.max(tf.abs(tf.sub(a, ref))), tf.max(tf.abs(ref))]));
	const [d, m] = await r.data();
	r.dispose();
	return { abs: d, rel: d / Math.max(m, 1e-12) };
}

/** The textbook LSTM with tf ops, differentiated by the tape: the reference for resets and masks. */
export function naive(
	x: tf.Tensor3D,
	k: tf.Tensor2D,
	u: tf.Tensor2D,
	b: tf.Tensor1D,
	keep: (tf.Tensor2D | null)[],
	rmask: tf.Tensor2D | null
): tf.Tensor3D {
	const [T, B] = x.shape;
	const n = u.shape[0];
	let h: tf.Tensor2D = tf.zeros([B, n]);
	let c: tf.Tensor2D = tf.zeros([B, n]);
	const hs: tf.Tensor2D[] = [];
	const xs = tf.unstack(x) as tf.Tensor2D[];
	for (let t = 0; t < T; t++) {
		const kt = keep[t];
		if (kt) {
			h = tf.mul(h, kt);
			c = tf.mul(c, kt);
		}
		const hin = rmask ? tf.mul(h, rmask) : h;
		const z = tf.add(tf.add(tf.matMul(xs[t], k), tf.matMul(hin, u)), b);
		const [zi, zf, zc, zo] = tf.split(z, 4, 1);
		c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zc)));
		h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
		hs.push(h);
	}
	return tf.stack(hs) as tf.Tensor3D;
}

async function againstLayers(rng: Rng, s: CheckShape, kind: 'ids' | 'dense'): Promise<CheckErrors> {
	const { steps: T, batch: B, inputSize: D, units: N } = s;
	const p = params(rng, D, N);
	const idValues = Int32Array.from({ length: T * B }, () => rng.int(D));
	const ids = tf.tensor2d(idValues, [T, B], 'int32');
	// The one-hot reference input is built here, not with tf.oneHot: that op is what is being tested.
	const oneHot = new Float32Array(T * B * D);
	idValues.forEach((id, k) => (oneHot[k * D + id] = 1));
	const x =
		kind === 'dense' ? (randomTensor(rng, [T, B, D], 1) as tf.Tensor3D) : tf.tensor3d(oneHot, [T, B, D]);
	const upstream = randomTensor(rng, [T, B, N], 1) as tf.Tensor3D;
	const layer = tf.layers.lstm({
		units: N,
		returnSequences: true,
		recurrentActivation: 'sigmoid',
		kernelInitializer: 'glorotUniform',
		recurrentInitializer: 'glorotUniform',
		inputShape: [T, D]
	});
	const model = tf.sequential({ layers: [layer] });
	layer.setWeights([p.kernel, p.recurrentKernel, p.bias]);
	const ref = tf.tidy(() => {
		const xb = tf.transpose(x, [1, 0, 2]);
		const ub = tf.transpose(upstream, [1, 0, 2]);
		const out = tf.transpose(model.predict(xb) as tf.Tensor, [1, 0, 2]);
		const { grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(xb) as tf.Tensor, ub)) as tf.Scalar);
		const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(model.apply(xx) as tf.Tensor, ub)))(xb);
		const gradOf = (suffix: string) => grads[Object.keys(grads).find((k) => k.endsWith(suffix))!];
		return {
			out,
			kernel: gradOf('/kernel'),
			recurrentKernel: gradOf('recurrent_kernel'),
			bias: gradOf('/bias'),
			input: tf.transpose(dx, [1, 0, 2])
		};
	});
	const zeros = tf.zeros([B, N]) as tf.Tensor2D;
	const fwd = lstmForward(kind === 'dense' ? { x } : { ids }, p, zeros, zeros, { training: true });
	const g = lstmBackward(fwd.cache!, p, upstream);
	const result: CheckErrors = {
		outputs: (await errors(fwd.outputs, ref.out)).abs,
		kernel: (await errors(g.kernel, ref.kernel)).rel,
		recurrentKernel: (await errors(g.recurrentKernel, ref.recurrentKernel)).rel,
		bias: (await errors(g.bias, ref.bias)).rel
	};
	if (kind === 'dense') result.input = (await errors(g.input!, ref.input)).rel;
	tf.dispose([fwd.outputs, fwd.h, fwd.c, g.kernel, g.recurrentKernel, g.bias, g.input ?? []]);
	tf.dispose([zeros, p.kernel, p.recurrentKernel, p.bias, ids, x, upstream, ...Object.values(ref)]);
	model.dispose();
	return result;
}

async function againstAutodiff(rng: Rng, s: CheckShape): Promise<CheckErrors> {
	const { steps: T, batch: B, inputSize: D, units: N } = s;
	const p = params(rng, D, N);
	const x = randomTensor(rng, [T, B, D], 1) as tf.Tensor3D;
	const upstream = randomTensor(rng, [T, B, N], 1) as tf.Tensor3D;
	// Lanes restart at two steps (different lanes each time).
	const keep = Array.from({ length: T }, (_, t) =>
		t === 2 || t === T - 2
			? (tf.tensor2d(
					Array.from({ length: B }, (_, b) => ((b + t) % 3 === 0 ? 0 : 1)),
					[B, 1]
				) as tf.Tensor2D)
			: null
	);
	const rmask = tf.tensor2d(
		Array.from({ length: B * N }, () => (rng.next() < 0.3 ? 0 : 1 / 0.7)),
		[B, N]
	) as tf.Tensor2D;
	const ref = tf.tidy(() => {
		const f = (k: tf.Tensor, u: tf.Tensor, b: tf.Tensor, xx: tf.Tensor) =>
			tf.sum(
				tf.mul(
					naive(xx as tf.Tensor3D, k as tf.Tensor2D, u as tf.Tensor2D, b as tf.Tensor1D, keep, rmask),
					upstream
				)
			);
		const [kernel, recurrentKernel, bias, input] = tf.grads(f)([p.kernel, p.recurrentKernel, p.bias, x]);
		return {
			out: naive(x, p.kernel, p.recurrentKernel, p.bias, keep, rmask),
			kernel,
			recurrentKernel,
			bias,
			input
		};
	});
	const zeros = tf.zeros([B, N]) as tf.Tensor2D;
	const fwd = lstmForward({ x }, p, zeros, zeros, { training: true, keep, recurrentMask: rmask });
	const g = lstmBackward(fwd.cache!, p, upstream);
	const result: CheckErrors = {
		outputs: (await errors(fwd.outputs, ref.out)).abs,
		kernel: (await errors(g.kernel, ref.kernel)).rel,
		recurrentKernel: (await errors(g.recurrentKernel, ref.recurrentKernel)).rel,
		bias: (await errors(g.bias, ref.bias)).rel,
		input: (await errors(g.input!, ref.input)).rel
	};
	tf.dispose([fwd.outputs, fwd.h, fwd.c, g.kernel, g.recurrentKernel, g.bias, g.input!]);
	tf.dispose([zeros, p.kernel, p.recurrentKernel, p.bias, x, upstream, rmask, ...Object.values(ref)]);
	tf.dispose(keep.filter((k): k is tf.Tensor2D => k !== null));
	return result;
}

/** One fused forward and backward step against tf ops, with a reset lane. */
async function cellStep(rng: Rng, s: CheckShape, mode: CellMode): Promise<Record<string, number>> {
	const { batch: B, units: n } = s;
	const r = (shape: number[], scale = 1) => randomTensor(rng, shape, scale);
	const [mm, xp, cPrev] = [r([B, 4 * n]), r([B, 4 * n]), r([B, n])];
	const keep = tf.tensor1d(Array.from({ length: B }, (_, b) => (b % 3 === 1 ? 0 : 1)));
	const keepNext = tf.tensor1d(Array.from({ length: B }, (_, b) => (b % 4 === 2 ? 0 : 1)));
	const [dOut, dhNext, dcNext] = [r([B, n]), r([B, n]), r([B, n])];
	const got =
		mode === 'hybrid'
			? tf.tidy(() => {
					// The hybrid step's input: sigmoid of z with the candidate block doubled.
					const z = tf.add(xp, tf.mul(mm, tf.reshape(keep, [B, 1])));
					const [zi, zf, zc, zo] = tf.split(z, 4, 1);
					return cellRestStep(tf.sigmoid(tf.concat([zi, zf, tf.mul(zc, 2), zo], 1)), cPrev, keep);
				})
			: fusedCell(mm, xp, cPrev, keep);
	const grad = fusedCellGrad(dOut, dhNext, dcNext, keepNext, got[2], got[3], cPrev, keep);
	const ref = tf.tidy(() => {
		const k = tf.reshape(keep, [B, 1]);
		const kn = tf.reshape(keepNext, [B, 1]);
		const [zi, zf, zc, zo] = tf.split(tf.add(xp, tf.mul(mm, k)), 4, 1);
		const [i, f, g, o] = [tf.sigmoid(zi), tf.sigmoid(zf), tf.tanh(zc), tf.sigmoid(zo)];
		const cp = tf.mul(cPrev, k);
		const c = tf.add(tf.mul(f, cp), tf.mul(i, g));
		const tc = tf.tanh(c);
		const dh = tf.add(dOut, tf.mul(dhNext, kn));
		const dc = tf.add(tf.mul(dcNext, kn), tf.mul(dh, tf.mul(o, tf.sub(1, tf.square(tc)))));
		const sd = (x: tf.Tensor) => tf.mul(x, tf.sub(1, x));
		const dz = tf.concat(
			[
				tf.mul(dc, tf.mul(g, sd(i))),
				tf.mul(dc, tf.mul(cp, sd(f))),
				tf.mul(dc, tf.mul(i, tf.sub(1, tf.square(g)))),
				tf.mul(dh, tf.mul(tc, sd(o)))
			],
			1
		);
		return {
			h: tf.mul(o, tc),
			c,
			gates: tf.concat([i, f, g, o], 1),
			tc,
			dz,
			dcPrev: tf.mul(tf.mul(dc, f), k)
		};
	});
	const outs = { h: got[0], c: got[1], gates: got[2], tc: got[3], dz: grad[0], dcPrev: grad[1] };
	const result: Record<string, number> = {};
	for (const [name, t] of Object.entries(outs))
		result[name] = (await errors(t, ref[name as keyof typeof ref])).abs;
	tf.dispose([mm, xp, cPrev, keep, keepNext, dOut, dhNext, dcNext, ...got, ...grad, ...Object.values(ref)]);
	return result;
}

/** Default shapes: big enough that the GPU backends run every op on the GPU (over 1,000 elements). */
export const CHECK_SHAPE: CheckShape = { steps: 5, batch: 8, inputSize: 12, units: 32 };

/**
 * Runs all comparisons on the active backend in one cell mode (see `cellMode`; a backend without that
 * mode's kernels runs generic, and the result says so), seeded by `seed`. Leaves the mode on 'auto'.
 */
export async function checkFastLstm(
	mode: CellMode,
	seed = 'lstm-check',
	shape: CheckShape = CHECK_SHAPE
): Promise<CheckResult> {
	const started = performance.now();
	const rng = new Rng(seed);
	useCellMode(mode);
	const before = tf.memory().numTensors;
	try {
		const active = cellMode();
		const layersIds = await againstLayers(rng, shape, 'ids');
		const layersDense = await againstLayers(rng, shape, 'dense');
		const resets = await againstAutodiff(rng, shape);
		const cell = active !== 'generic' ? await cellStep(rng, shape, active) : undefined;
		return {
			backend: tf.getBackend(),
			mode: active,
			layersIds,
			layersDense,
			resets,
			cell,
			leaked: tf.memory().numTensors - before,
			milliseconds: performance.now() - started
		};
	} finally {
		useCellMode('auto');
	}
}
