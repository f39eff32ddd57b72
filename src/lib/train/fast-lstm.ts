/**
 * An LSTM for training whose time goes to arithmetic: the input projection for all steps in one product
 * (a row gather for one-hot input), one recurrent product per step, and a hand-written backward pass
 * whose weight gradients are one product over all steps. No gradient tape is involved.
 *
 * Maths and layout are Keras's: z = x·W + h·U + b, gates i, f, c, o along the last axis, sigmoid for
 * i, f, o, tanh for the candidate and the output. Tensors are time-major: [T, B, …].
 */
import * as tf from '#tf';
import {
	cellMode,
	cellRestStep,
	columnSums,
	fusedCell,
	fusedCellGrad,
	gatherSteps,
	hasRowKernels,
	idsGrad,
	matMulFast,
	matMulPacked,
	packRight,
	splitGates,
	transpose2d,
	unstack,
	type PackedRight
} from './lstm-kernels';
import { Rng } from '../model/rng';

/**
 * One-hot rows as float32. The wasm backend's OneHot writes int32 bits whatever dtype is asked for
 * (tfjs 4.22), so build it as int32 and cast.
 */
export function oneHotFloat(ids: tf.Tensor1D, depth: number): tf.Tensor2D {
	return tf.cast(tf.oneHot(ids, depth), 'float32') as tf.Tensor2D;
}

/**
 * A dropout mask of `count` floats: 0 where `new Rng(seed).next() < rate`, else 1 / (1 − rate), drawn in
 * order; the same values as calling `next()` per float, with the generator (sfc32) written out on locals.
 * Through the class it took 28 ms a batch for LSTM(256)'s [64, 64, 256] output mask (Node, 8 % of the
 * batch); on locals about 3.
 */
export function dropoutMask(count: number, rate: number, seed: number): Float32Array<ArrayBuffer> {
	const s = new Rng(seed).state();
	// int32 from the start (the state may hold uint32 above 2^31, which V8 keeps as doubles).
	let a = s[0] | 0;
	let b = s[1] | 0;
	let c = s[2] | 0;
	let d = s[3] | 0;
	const cut = rate * 4294967296;
	const keep = 1 / (1 - rate);
	const m = new Float32Array(count);
	for (let i = 0; i < count; i++) {
		// Rng.uint32 on int32 locals: every step keeps the same low 32 bits. u / 2^32 < rate ⇔ u < rate · 2^32
		// (both exact in doubles).
		let t = (a + b) | 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) | 0;
		c = (c << 21) | (c >>> 11);
		d = (d + 1) | 0;
		t = (t + d) | 0;
		c = (c + t) | 0;
		m[i] = t >>> 0 < cut ? 0 : keep;
	}
	return m;
}

/**
 * tanh as 2·sigmoid(2x) − 1 where the backend's tanh is slow: on wasm (tfjs 4.22) tanh of 64×256 took
 * 0.55 ms against 0.04 ms for sigmoid (best of 40), so four cheap ops beat one.
 */
function tanhOf(x: tf.Tensor, viaSigmoid: boolean): tf.Tensor {
	return viaSigmoid ? tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1) : tf.tanh(x);
}

/** One layer's trainable tensors, in Keras layout. */
export interface LstmParams {
	/** [inputSize, 4·units]. */
	kernel: tf.Tensor2D;
	/** [units, 4·units]. */
	recurrentKernel: tf.Tensor2D;
	/** [4·units]. */
	bias: tf.Tensor1D;
}

/**
 * The input of a layer: symbol ids (one-hot, projected by gathering kernel rows) or dense vectors. Mark
 * dense input that is data, not another layer's output (the first layer's one-hot symbol with bar
 * features), `constant`: its gradient, a product as large as the input projection, is then not computed.
 * Ids [T, B, K] are a multi-hot input (the symbol and its features' rows, −1 padding): backends with the
 * row kernels only (`hasRowKernels`).
 */
export type LstmInput = { ids: tf.Tensor2D | tf.Tensor3D } | { x: tf.Tensor3D; constant?: boolean };

/** Options of a forward pass. */
export interface ForwardOptions {
	/**
	 * Per step, either null or a [B, 1] tensor of 0/1 that multiplies the state before that step (0
	 * starts a new song in that lane).
	 */
	keep?: (tf.Tensor2D | null)[];
	/** [B, units] mask (already scaled by 1/(1−rate)) applied to h before the recurrent product. */
	recurrentMask?: tf.Tensor2D | null;
	/** Keep what the backward pass needs (training); false for inference. */
	training?: boolean;
}

/** What the backward pass needs from the forward pass. Disposed by `lstmBackward`. */
export interface LstmCache {
	input: LstmInput;
	keep: (tf.Tensor2D | null)[];
	recurrentMask: tf.Tensor2D | null;
	h0: tf.Tensor2D;
	c0: tf.Tensor2D;
	/** [T, B, units] copy of the outputs. */
	outputs: tf.Tensor3D;
	/** Per step: new cell state and gate activations (fused: `gates` [B,4n] holds i, f, g, o). */
	c: tf.Tensor2D[];
	gates: tf.Tensor2D[];
	i: tf.Tensor2D[];
	f: tf.Tensor2D[];
	g: tf.Tensor2D[];
	o: tf.Tensor2D[];
	tc: tf.Tensor2D[];
}

/** Result of a forward pass: outputs for every step and the final state. */
export interface ForwardResult {
	/** [T, B, units]. */
	outputs: tf.Tensor3D;
	h: tf.Tensor2D;
	c: tf.Tensor2D;
	cache: LstmCache | null;
}

/** Input projection for all steps at once: [T, B, 4·units], bias included. */
function project(input: LstmInput, p: LstmParams): tf.Tensor2D[] {
	if ('ids' in input && hasRowKernels()) return gatherSteps(p.kernel, p.bias, input.ids);
	return tf.tidy(() => {
		const g = p.kernel.shape[1];
		let flat: tf.Tensor2D;
		let t: number, b: number;
		if ('ids' in input) {
			if (input.ids.rank !== 2) throw new Error('A multi-hot input needs the row kernels (cpu or wasm).');
			[t, b] = input.ids.shape;
			flat = tf.add(tf.gather(p.kernel, tf.reshape(input.ids, [-1])), p.bias);
		} else {
			[t, b] = input.x.shape;
			const d = input.x.shape[2];
			flat = tf.add(tf.matMul(tf.reshape(input.x, [t * b, d]), p.kernel), p.bias);
		}
		return unstack(tf.reshape(flat, [t, b, g])) as tf.Tensor2D[];
	});
}

/**
 * Runs the layer over T steps from state (h0, c0), which stay the caller's. The caller owns everything
 * returned; with `training`, pass the cache to `lstmBackward`, which disposes it.
 */
export function lstmForward(
	input: LstmInput,
	p: LstmParams,
	h0: tf.Tensor2D,
	c0: tf.Tensor2D,
	options: ForwardOptions = {}
): ForwardResult {
	const training = options.training ?? false;
	const mode = cellMode();
	const n = p.recurrentKernel.shape[0];
	// Hybrid: the candidate block's columns doubled, so that one sigmoid over all four blocks also gives
	// tanh(z) = 2·sigmoid(2z) − 1 (the backend's tanh is slow on wasm).
	const doubled =
		mode === 'hybrid'
			? tf.tidy(() => {
					const scale = tf.concat([tf.ones([2 * n]), tf.fill([n], 2), tf.ones([n])]);
					return {
						kernel: tf.mul(p.kernel, scale) as tf.Tensor2D,
						recurrentKernel: tf.mul(p.recurrentKernel, scale) as tf.Tensor2D,
						bias: tf.mul(p.bias, scale) as tf.Tensor1D
					};
				})
			: null;
	const xp = project(input, doubled ?? p);
	const steps = xp.length;
	const keep = options.keep ?? [];
	const rmask = options.recurrentMask ?? null;
	const cs: tf.Tensor2D[] = [];
	const gates = {
		i: [] as tf.Tensor2D[],
		f: [] as tf.Tensor2D[],
		g: [] as tf.Tensor2D[],
		o: [] as tf.Tensor2D[]
	};
	const tcs: tf.Tensor2D[] = [];
	const hs: tf.Tensor2D[] = [];
	const gateList: tf.Tensor2D[] = [];
	let h = h0;
	let c = c0;
	const fused = mode !== 'generic';
	const viaSigmoid = tf.getBackend() === 'wasm';
	const ones = fused ? (tf.ones([h0.shape[0]]) as tf.Tensor1D) : null;
	// The recurrent kernel packed once for all steps' products where the SIMD products run.
	const packedU = fused && !doubled ? packRight(p.recurrentKernel) : null;
	for (let t = 0; t < steps; t++) {
		const k = keep[t] ?? null;
		const hPrev = h;
		const cPrev = c;
		if (fused) {
			const [hNew, cNew, gatesT, tc] = tf.tidy(() => {
				const keepFlat = k ? tf.reshape(k, [-1]) : ones!;
				if (doubled) {
					let hIn: tf.Tensor = k ? tf.mul(hPrev, k) : hPrev;
					if (rmask) hIn = tf.mul(hIn, rmask);
					const sg = tf.sigmoid(tf.add(tf.matMul(hIn as tf.Tensor2D, doubled.recurrentKernel), xp[t]));
					return cellRestStep(sg, cPrev, keepFlat);
				}
				const hIn = (rmask ? tf.mul(hPrev, rmask) : hPrev) as tf.Tensor2D;
				const mm = packedU ? matMulPacked(hIn, packedU) : tf.matMul(hIn, p.recurrentKernel);
				return fusedCell(mm, xp[t], cPrev, keepFlat);
			});
			xp[t].dispose();
			hs.push(hNew);
			if (training) {
				cs.push(cNew);
				gateList.push(gatesT);
				tcs.push(tc);
			} else {
				gatesT.dispose();
				tc.dispose();
				if (t > 0) cPrev.dispose();
			}
			h = hNew;
			c = cNew;
			continue;
		}
		const next = tf.tidy(() => {
			const hp = k ? tf.mul(hPrev, k) : hPrev;
			const cp = k ? tf.mul(cPrev, k) : cPrev;
			const hIn = rmask ? tf.mul(hp, rmask) : hp;
			const z = tf.add(tf.matMul(hIn, p.recurrentKernel), xp[t]);
			const [zi, zf, zc, zo] = splitGates(z as tf.Tensor2D);
			const i = tf.sigmoid(zi);
			const f = tf.sigmoid(zf);
			const g = tanhOf(zc, viaSigmoid) as tf.Tensor2D;
			const o = tf.sigmoid(zo);
			const cNew = tf.add(tf.mul(f, cp), tf.mul(i, g));
			const tc = tanhOf(cNew, viaSigmoid) as tf.Tensor2D;
			const hNew = tf.mul(o, tc);
			const out = (training ? { hNew, cNew, i, f, g, o, tc } : { hNew, cNew }) as Record<string, tf.Tensor2D>;
			return out;
		});
		xp[t].dispose();
		hs.push(next.hNew);
		if (training) {
			cs.push(next.cNew);
			gates.i.push(next.i!);
			gates.f.push(next.f!);
			gates.g.push(next.g!);
			gates.o.push(next.o!);
			tcs.push(next.tc!);
		} else if (t > 0) cPrev.dispose();
		h = next.hNew;
		c = next.cNew;
	}
	ones?.dispose();
	packedU?.packed.dispose();
	if (doubled) tf.dispose([doubled.kernel, doubled.recurrentKernel, doubled.bias]);
	const outputs = tf.stack(hs) as tf.Tensor3D;
	const hLast = tf.clone(h);
	const cLast = training ? tf.clone(c) : c;
	for (const x of hs) x.dispose();
	const cache: LstmCache | null = training
		? {
				input,
				keep,
				recurrentMask: rmask,
				h0: tf.clone(h0),
				c0: tf.clone(c0),
				outputs: tf.clone(outputs),
				c: cs,
				gates: gateList,
				...gates,
				tc: tcs
			}
		: null;
	return { outputs, h: hLast, c: cLast, cache };
}

/** Gradients of one layer. */
export interface LstmGrads {
	kernel: tf.Tensor2D;
	recurrentKernel: tf.Tensor2D;
	bias: tf.Tensor1D;
	/** Gradient with respect to a dense input, [T, B, inputSize]; null for ids and constant input. */
	input: tf.Tensor3D | null;
}

/**
 * Back-propagates `dOutputs` ([T, B, units]) through the steps of a forward pass (truncated at its
 * start: no gradient flows into h0 and c0). Disposes the cache.
 */
export function lstmBackward(cache: LstmCache, p: LstmParams, dOutputs: tf.Tensor3D): LstmGrads {
	const steps = cache.c.length;
	const fused = cache.gates.length > 0;
	const [, b, n] = cache.outputs.shape;
	// h entering each step (shifted by one, reset where a lane starts a song, recurrent mask applied), for
	// the recurrent kernel's gradient in one product.
	const HP = tf.tidy(() => {
		let hp = tf.concat([tf.expandDims(cache.h0, 0), cache.outputs.slice([0, 0, 0], [steps - 1, b, n])], 0);
		if (cache.keep.some((k) => k)) {
			const ones = tf.ones([b, 1]);
			hp = tf.mul(hp, tf.stack(cache.keep.slice(0, steps).map((k) => k ?? ones)));
		}
		if (cache.recurrentMask) hp = tf.mul(hp, cache.recurrentMask);
		return hp as tf.Tensor3D;
	});
	// Transpose flags are slow on wasm (a transposed-A product took seconds there); transpose once instead,
	// or pack Uᵀ once for the SIMD products.
	const packedUT = fused ? packRight(p.recurrentKernel, true) : null;
	const UT = packedUT ? null : transpose2d(p.recurrentKernel);
	const dz = fused ? backwardFused(cache, packedUT ?? UT!, dOutputs) : backwardGeneric(cache, UT!, dOutputs);
	UT?.dispose();
	packedUT?.packed.dispose();
	for (const list of [cache.i, cache.f, cache.g, cache.o, cache.tc, cache.c, cache.gates])
		for (const x of list) x.dispose();
	cache.h0.dispose();
	cache.c0.dispose();
	cache.outputs.dispose();
	const grads = tf.tidy(() => {
		const g = 4 * n;
		const dZ = tf.reshape(tf.stack(dz), [steps * b, g]) as tf.Tensor2D;
		for (const x of dz) x.dispose();
		const hpFlat = tf.reshape(HP, [steps * b, n]) as tf.Tensor2D;
		HP.dispose();
		// Weight gradients as (dZᵀ·M)ᵀ, not Mᵀ·dZ: the wasm backend's products repack their right-hand
		// operand whenever it is a new tensor, and dZ [T·B, 4n] is the largest; one transpose of dZ
		// costs less (recipe shape: 26–32 → 22–23 ms CPU a batch for both products in Node, wasm).
		const dZT = transpose2d(dZ);
		const recurrentKernel = transpose2d(matMulFast(dZT, hpFlat));
		const rows = hasRowKernels();
		let bias: tf.Tensor1D;
		let kernel: tf.Tensor2D;
		let input: tf.Tensor3D | null = null;
		if ('ids' in cache.input && rows) {
			[kernel, bias] = idsGrad(dZ, tf.reshape(cache.input.ids, [-1]), p.kernel.shape[0]);
		} else if ('ids' in cache.input) {
			bias = tf.sum(dZ, 0) as tf.Tensor1D;
			const v = p.kernel.shape[0];
			const oneHot = oneHotFloat(tf.reshape(cache.input.ids, [-1]) as tf.Tensor1D, v);
			kernel = tf.matMul(tf.transpose(oneHot), dZ);
		} else {
			// The wasm backend's sum along axis 0 is slow (about 50 ms for 4096×1024).
			bias = rows ? columnSums(dZ) : (tf.sum(dZ, 0) as tf.Tensor1D);
			const d = cache.input.x.shape[2];
			const X = tf.reshape(cache.input.x, [steps * b, d]) as tf.Tensor2D;
			kernel = transpose2d(matMulFast(dZT, X));
			if (!cache.input.constant)
				input = tf.reshape(matMulFast(dZ, p.kernel, true), [steps, b, d]) as tf.Tensor3D;
		}
		const out: Record<string, tf.Tensor> = { kernel, recurrentKernel, bias };
		if (input) out.input = input;
		return out;
	});
	return {
		kernel: grads.kernel as tf.Tensor2D,
		recurrentKernel: grads.recurrentKernel as tf.Tensor2D,
		bias: grads.bias as tf.Tensor1D,
		input: (grads.input as tf.Tensor3D | undefined) ?? null
	};
}

/** The recurrence with the fused cell kernel: one kernel and one product per step. Returns dz per step. */
function backwardFused(
	cache: LstmCache,
	UT: tf.Tensor2D | PackedRight,
	dOutputs: tf.Tensor3D
): tf.Tensor2D[] {
	const steps = cache.c.length;
	const [, b, n] = cache.outputs.shape;
	const dOut = unstack(dOutputs) as tf.Tensor2D[];
	const ones = tf.ones([b]);
	const zeros = tf.zeros([b, n]);
	const keepFlat = cache.keep.map((k) => (k ? tf.reshape(k, [-1]) : null));
	const dz: tf.Tensor2D[] = new Array(steps);
	let dcNext: tf.Tensor = zeros;
	for (let t = steps - 1; t >= 0; t--) {
		const dcIn = dcNext;
		const [dzt, dcPrev] = tf.tidy(() => {
			let dhNext: tf.Tensor = zeros;
			if (t < steps - 1) {
				dhNext = 'packed' in UT ? matMulPacked(dz[t + 1], UT) : tf.matMul(dz[t + 1], UT);
				if (cache.recurrentMask) dhNext = tf.mul(dhNext, cache.recurrentMask);
			}
			return fusedCellGrad(
				dOut[t],
				dhNext,
				dcIn,
				(t < steps - 1 ? keepFlat[t + 1] : null) ?? ones,
				cache.gates[t],
				cache.tc[t],
				t > 0 ? cache.c[t - 1] : cache.c0,
				keepFlat[t] ?? ones
			);
		});
		if (dcIn !== zeros) dcIn.dispose();
		dOut[t].dispose();
		dz[t] = dzt;
		dcNext = dcPrev;
	}
	if (dcNext !== zeros) dcNext.dispose();
	for (const k of keepFlat) k?.dispose();
	ones.dispose();
	zeros.dispose();
	return dz;
}

/** The recurrence with generic ops (webgl, webgpu): seven ops per step, the rest batched over all steps. */
function backwardGeneric(cache: LstmCache, UT: tf.Tensor2D, dOutputs: tf.Tensor3D): tf.Tensor2D[] {
	const steps = cache.c.length;
	const [, b, n] = cache.outputs.shape;
	const pre = tf.tidy(() => {
		const I = tf.stack(cache.i);
		const F = tf.stack(cache.f);
		const G = tf.stack(cache.g);
		const O = tf.stack(cache.o);
		const TC = tf.stack(cache.tc);
		const C = tf.stack(cache.c) as tf.Tensor3D;
		let CP = tf.concat([tf.expandDims(cache.c0, 0), C.slice([0, 0, 0], [steps - 1, b, n])], 0);
		if (cache.keep.some((k) => k)) {
			const ones = tf.ones([b, 1]);
			CP = tf.mul(CP, tf.stack(cache.keep.slice(0, steps).map((k) => k ?? ones)));
		}
		const one = tf.scalar(1);
		// dz = [dc·Ci, dc·Cf, dc·Cg, dh·Ao] with dc = dcNext + dh·Bc.
		const Ci = tf.mul(G, tf.mul(I, tf.sub(one, I)));
		const Cf = tf.mul(CP, tf.mul(F, tf.sub(one, F)));
		const Cg = tf.mul(I, tf.sub(one, tf.square(G)));
		const Ao = tf.mul(TC, tf.mul(O, tf.sub(one, O)));
		const Bc = tf.mul(O, tf.sub(one, tf.square(TC)));
		return {
			K: unstack(tf.concat([Ci, Cf, Cg, Ao], 2)) as tf.Tensor2D[],
			Bc: unstack(Bc) as tf.Tensor2D[],
			F: unstack(F) as tf.Tensor2D[],
			dOut: unstack(dOutputs) as tf.Tensor2D[]
		};
	});
	const dz: tf.Tensor2D[] = new Array(steps);
	let dhNext: tf.Tensor2D | null = null;
	let dcNext: tf.Tensor2D | null = null;
	const rmask = cache.recurrentMask;
	for (let t = steps - 1; t >= 0; t--) {
		const k = cache.keep[t] ?? null;
		const prevH: tf.Tensor2D | null = dhNext;
		const prevC: tf.Tensor2D | null = dcNext;
		const r = tf.tidy((): Record<string, tf.Tensor2D> => {
			const dh: tf.Tensor2D = prevH ? tf.add(pre.dOut[t], prevH) : pre.dOut[t];
			const dhc: tf.Tensor2D = tf.mul(dh, pre.Bc[t]);
			const dc: tf.Tensor2D = prevC ? tf.add(dhc, prevC) : dhc;
			const dzt = tf.mul(tf.concat([dc, dc, dc, dh], 1), pre.K[t]) as tf.Tensor2D;
			if (t === 0) return { dzt } as Record<string, tf.Tensor2D>;
			let dhp: tf.Tensor2D = tf.matMul(dzt, UT);
			if (rmask) dhp = tf.mul(dhp, rmask);
			let dcp: tf.Tensor2D = tf.mul(dc, pre.F[t]);
			if (k) {
				dhp = tf.mul(dhp, k);
				dcp = tf.mul(dcp, k);
			}
			return { dzt, dh: dhp, dc: dcp } as Record<string, tf.Tensor2D>;
		});
		prevH?.dispose();
		prevC?.dispose();
		pre.dOut[t].dispose();
		pre.Bc[t].dispose();
		pre.F[t].dispose();
		pre.K[t].dispose();
		dz[t] = r.dzt;
		dhNext = r.dh ?? null;
		dcNext = r.dc ?? null;
	}
	return dz;
}
