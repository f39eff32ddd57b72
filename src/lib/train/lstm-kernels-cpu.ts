/**
 * The fused LSTM kernels for `cpu` and `wasm`: the whole gate arithmetic of one step, forward or
 * backward, in one kernel that reads and writes the backend's own memory in plain JS, replacing about ten
 * small ops per step; and row kernels (gather, gradient, column sums) that skip wasm's input copies.
 */
import * as tf from '#tf';
import {
	CELL,
	CELL_GRAD,
	CELL_REST,
	COL_SUM,
	GATHER_STEPS,
	GEMM,
	IDS_GRAD,
	PACK_RIGHT,
	SPLIT4,
	TRANSPOSE,
	UNSTACK
} from './lstm-kernel-names';
import { SimdKernels } from './lstm-simd';

type Info = tf.TensorInfo;
interface Memory {
	read(t: Info): Float32Array;
	/** Allocates all outputs, then returns views of inputs and outputs that stay valid together. */
	alloc(shapes: number[][], inputs: Info[]): { outs: Info[]; ins: Float32Array[]; views: Float32Array[] };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function cpuMemory(backend: any): Memory {
	const read = (t: Info) => backend.data.get(t.dataId).values as Float32Array;
	return {
		read,
		alloc(shapes, inputs) {
			const views = shapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)));
			const outs = shapes.map((s, i) => backend.makeTensorInfo(s, 'float32', views[i]) as Info);
			return { outs, ins: inputs.map(read), views };
		}
	};
}

function wasmMemory(backend: any): Memory {
	const read = (t: Info) => backend.typedArrayFromHeap(t) as Float32Array;
	return {
		read,
		alloc(shapes, inputs) {
			// Allocation may grow the heap and detach earlier views: take views only afterwards.
			const outs = shapes.map((s) => backend.makeOutput(s, 'float32') as Info);
			return { outs, ins: inputs.map(read), views: outs.map(read) };
		}
	};
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Forward step. Inputs: mm = h·U [B,4n], xp = x·W + b [B,4n], cPrev [B,n], keep [B] (0 = this lane starts
 * a song: its state is taken as zero, so its row of mm is ignored). Outputs: h, c [B,n], gates [B,4n]
 * (activated i, f, g, o), tanh(c) [B,n].
 */
function cellForward(mem: Memory, inputs: Info[], simd: SimdKernels | null = null): Info[] {
	const [B, G] = inputs[0].shape;
	const n = G / 4;
	if (simd && n % 4 === 0)
		return simd.run(
			inputs,
			[
				[B, n],
				[B, n],
				[B, G],
				[B, n]
			],
			([mm, xp, cPrev, keep, h, c, gates, tc]) =>
				simd.exports.cell(mm, xp, cPrev, keep, h, c, gates, tc, B, n)
		);
	const { outs, ins, views } = mem.alloc(
		[
			[B, n],
			[B, n],
			[B, G],
			[B, n]
		],
		inputs
	);
	const [mm, xp, cPrev, keep] = ins;
	const [h, c, gates, tc] = views;
	for (let b = 0; b < B; b++) {
		const k = keep[b];
		const zr = b * G;
		const sr = b * n;
		for (let j = 0; j < n; j++) {
			const zi = xp[zr + j] + k * mm[zr + j];
			const zf = xp[zr + n + j] + k * mm[zr + n + j];
			const zc = xp[zr + 2 * n + j] + k * mm[zr + 2 * n + j];
			const zo = xp[zr + 3 * n + j] + k * mm[zr + 3 * n + j];
			const i = sigmoid(zi);
			const f = sigmoid(zf);
			const g = Math.tanh(zc);
			const o = sigmoid(zo);
			const cn = f * k * cPrev[sr + j] + i * g;
			const t = Math.tanh(cn);
			gates[zr + j] = i;
			gates[zr + n + j] = f;
			gates[zr + 2 * n + j] = g;
			gates[zr + 3 * n + j] = o;
			c[sr + j] = cn;
			tc[sr + j] = t;
			h[sr + j] = o * t;
		}
	}
	return outs;
}

/**
 * The hybrid forward step: the backend has already computed s = sigmoid(z) for all four gate blocks,
 * with the candidate block's pre-activation doubled (so tanh(z) = 2·s − 1), using its own SIMD sigmoid
 * over the whole [B, 4n] at once. Inputs: s [B,4n], cPrev [B,n], keep [B]. Outputs as `cellForward`.
 * Only tanh(c) is left to JS: a quarter of the transcendental work of the fully fused step.
 */
function cellRest(mem: Memory, inputs: Info[]): Info[] {
	const [B, G] = inputs[0].shape;
	const n = G / 4;
	const { outs, ins, views } = mem.alloc(
		[
			[B, n],
			[B, n],
			[B, G],
			[B, n]
		],
		inputs
	);
	const [s, cPrev, keep] = ins;
	const [h, c, gates, tc] = views;
	gates.set(s);
	for (let b = 0; b < B; b++) {
		const k = keep[b];
		const zr = b * G;
		const sr = b * n;
		for (let j = 0; j < n; j++) {
			const g = 2 * s[zr + 2 * n + j] - 1;
			gates[zr + 2 * n + j] = g;
			const cn = s[zr + n + j] * k * cPrev[sr + j] + s[zr + j] * g;
			const t = Math.tanh(cn);
			c[sr + j] = cn;
			tc[sr + j] = t;
			h[sr + j] = s[zr + 3 * n + j] * t;
		}
	}
	return outs;
}

/**
 * Backward step. Inputs: dOut [B,n] (from above), dhNext [B,n] (dz of the next step · Uᵀ), dcNext [B,n],
 * keepNext [B] (the next step's keep: masks what flows back through its reset), gates [B,4n], tc [B,n],
 * cPrev [B,n] (unmasked previous cell), keep [B]. Outputs: dz [B,4n], dcPrev [B,n] (already masked by keep).
 */
function cellBackward(mem: Memory, inputs: Info[], simd: SimdKernels | null = null): Info[] {
	const [B, G] = inputs[4].shape;
	const n = G / 4;
	if (simd && n % 4 === 0)
		return simd.run(
			inputs,
			[
				[B, G],
				[B, n]
			],
			([dOut, dhNext, dcNext, keepNext, gates, tc, cPrev, keep, dz, dcPrev]) =>
				simd.exports.cellGrad(dOut, dhNext, dcNext, keepNext, gates, tc, cPrev, keep, dz, dcPrev, B, n)
		);
	const { outs, ins, views } = mem.alloc(
		[
			[B, G],
			[B, n]
		],
		inputs
	);
	const [dOut, dhNext, dcNext, keepNext, gates, tc, cPrev, keep] = ins;
	const [dz, dcPrev] = views;
	for (let b = 0; b < B; b++) {
		const kn = keepNext[b];
		const k = keep[b];
		const zr = b * G;
		const sr = b * n;
		for (let j = 0; j < n; j++) {
			const i = gates[zr + j];
			const f = gates[zr + n + j];
			const g = gates[zr + 2 * n + j];
			const o = gates[zr + 3 * n + j];
			const t = tc[sr + j];
			const dh = dOut[sr + j] + kn * dhNext[sr + j];
			const dc = kn * dcNext[sr + j] + dh * o * (1 - t * t);
			dz[zr + j] = dc * g * i * (1 - i);
			dz[zr + n + j] = dc * k * cPrev[sr + j] * f * (1 - f);
			dz[zr + 2 * n + j] = dc * i * (1 - g * g);
			dz[zr + 3 * n + j] = dh * t * o * (1 - o);
			dcPrev[sr + j] = dc * f * k;
		}
	}
	return outs;
}

/**
 * Splits a float tensor along its first axis. The wasm backend's own slice (and so unstack and split)
 * copies the whole input out of the heap for every slice: unstacking [64, 64, 1024] took over a second.
 * This reads the heap in place: one copy of each row.
 */
function unstackRows(mem: Memory, x: Info): Info[] {
	const [T, ...rest] = x.shape;
	const size = rest.reduce((a, b) => a * b, 1);
	const { outs, ins, views } = mem.alloc(
		Array.from({ length: T }, () => rest),
		[x]
	);
	const src = ins[0];
	for (let t = 0; t < T; t++) views[t].set(src.subarray(t * size, (t + 1) * size));
	return outs;
}

/** Splits [B, 4n] into four [B, n] (the gates), reading the heap in place (see `unstackRows`). */
function split4(mem: Memory, x: Info): Info[] {
	const [B, G] = x.shape;
	const n = G / 4;
	const { outs, ins, views } = mem.alloc(
		[
			[B, n],
			[B, n],
			[B, n],
			[B, n]
		],
		[x]
	);
	const src = ins[0];
	for (let b = 0; b < B; b++)
		for (let k = 0; k < 4; k++) views[k].set(src.subarray(b * G + k * n, b * G + (k + 1) * n), b * n);
	return outs;
}

/**
 * The input projection of one-hot ids, per step: kernel rows picked by id plus the bias, as T tensors
 * [B, G]. tf.gather of [38, 1024] rows by 4,096 ids took about 190 ms on wasm (tfjs 4.22); copying rows
 * here takes a few.
 */
/** Refuses ids outside [0, V) before any output is allocated (a throw after would leak them). */
/** Row ids: each in 0…V−1, or −1 (no row: the padding of a multi-hot input with fewer ones). */
function checkIds(mem: Memory, ids: Info, V: number): void {
	const id = mem.read(ids) as unknown as Int32Array;
	for (let r = 0; r < id.length; r++)
		if (!(id[r] >= -1 && id[r] < V))
			throw new RangeError(`Symbol id ${id[r]} is outside the vocabulary (0–${V - 1}).`);
}

/**
 * Kernel rows plus bias per step, from ids [T, B] (one-hot input) or [T, B, K] (multi-hot: the symbol,
 * then the indices of its bar features, style and lookback, padded with −1): the sum of K rows instead
 * of a product with a mostly-zero input.
 */
function gatherStepsKernel(
	mem: Memory,
	kernel: Info,
	bias: Info,
	ids: Info,
	simd: SimdKernels | null
): Info[] {
	const [V, G] = kernel.shape;
	const [T, B] = ids.shape;
	const K = ids.shape[2] ?? 1;
	checkIds(mem, ids, V);
	if (simd && G % 4 === 0)
		return simd.run(
			[kernel, bias, ids],
			Array.from({ length: T }, () => [B, G]),
			([k, b, i, ...o]) => {
				for (let t = 0; t < T; t++) simd.exports.gather(k, b, i + 4 * t * B * K, o[t], B, K, G);
			}
		);
	const { outs, ins, views } = mem.alloc(
		Array.from({ length: T }, () => [B, G]),
		[kernel, bias, ids]
	);
	const [k, bias0] = ins;
	const id = ins[2] as unknown as Int32Array;
	for (let t = 0; t < T; t++) {
		const out = views[t];
		for (let b = 0; b < B; b++) {
			const at = (t * B + b) * K;
			const to = b * G;
			const from = id[at] * G;
			for (let j = 0; j < G; j++) out[to + j] = k[from + j] + bias0[j];
			for (let q = 1; q < K; q++) {
				const row = id[at + q];
				if (row < 0) continue;
				const more = row * G;
				for (let j = 0; j < G; j++) out[to + j] += k[more + j];
			}
		}
	}
	return outs;
}

/**
 * Gradients of the kernel and bias of a one-hot (or multi-hot) input from dZ [R, G] and the ids [R·K]:
 * each row of dZ is added to its ids' rows, and to the bias. Replaces onehotᵀ·dZ (a transpose and a
 * product) and a column sum, which the wasm backend does slowly along axis 0.
 */
function idsGradKernel(
	mem: Memory,
	dZ: Info,
	ids: Info,
	vocabulary: number,
	simd: SimdKernels | null
): Info[] {
	const [R, G] = dZ.shape;
	const K = ids.shape.reduce((a, b) => a * b, 1) / R;
	checkIds(mem, ids, vocabulary);
	if (simd && G % 4 === 0)
		return simd.run(
			[dZ, ids],
			[[vocabulary, G], [G]],
			([d, i, kg, bg]) => simd.exports.scatter(d, i, kg, bg, R, K, G),
			true
		);
	const { outs, ins, views } = mem.alloc([[vocabulary, G], [G]], [dZ, ids]);
	const dz = ins[0];
	const id = ins[1] as unknown as Int32Array;
	const [kg, bg] = views;
	kg.fill(0);
	bg.fill(0);
	for (let r = 0; r < R; r++) {
		const from = r * G;
		for (let j = 0; j < G; j++) bg[j] += dz[from + j];
		for (let q = 0; q < K; q++) {
			const row = id[r * K + q];
			if (row < 0) continue;
			const to = row * G;
			for (let j = 0; j < G; j++) kg[to + j] += dz[from + j];
		}
	}
	return outs;
}

/** The transpose of a float [R, C] as [C, R] (plain JS in 32 × 32 tiles where SIMD is missing). */
function transposeKernel(mem: Memory, x: Info, simd: SimdKernels | null): Info[] {
	const [R, C] = x.shape;
	if (simd) return simd.run([x], [[C, R]], ([src, dst]) => simd.exports.transpose(src, dst, R, C));
	const { outs, ins, views } = mem.alloc([[C, R]], [x]);
	const [src] = ins;
	const [dst] = views;
	for (let r0 = 0; r0 < R; r0 += 32)
		for (let c0 = 0; c0 < C; c0 += 32)
			for (let r = r0; r < Math.min(R, r0 + 32); r++)
				for (let c = c0; c < Math.min(C, c0 + 32); c++) dst[c * R + r] = src[r * C + c];
	return outs;
}

/** Column sums of [R, G] as [G] (the bias gradient of a dense input). */
function colSumKernel(mem: Memory, x: Info): Info[] {
	const [R, G] = x.shape;
	const { outs, ins, views } = mem.alloc([[G]], [x]);
	const src = ins[0];
	const out = views[0];
	out.fill(0);
	for (let r = 0; r < R; r++) {
		const from = r * G;
		for (let j = 0; j < G; j++) out[j] += src[from + j];
	}
	return outs;
}

/**
 * The right-hand operand of `gemmKernel` in its panels: b [k, n], or with `transposed` b = xᵀ for x [n, k].
 * wasm with the SIMD products only (`SimdKernels.products`; the op checks first).
 */
function packRightKernel(x: Info, transposed: boolean, simd: SimdKernels | null): Info[] {
	const [k, n] = transposed ? [x.shape[1], x.shape[0]] : x.shape;
	if (!simd?.products) throw new Error('FolkPackRight needs the wasm SIMD products');
	// Whole panels of 8 columns, the last one's columns from n on zero.
	const width = Math.ceil(n / 8) * 8;
	return simd.run([x], [[k * width]], ([src, dst]) => simd.exports.pack(src, dst, k, n, transposed ? 1 : 0));
}

/** a [m, k] · b [k, width] with b packed by `packRightKernel` (width: n rounded up to whole panels of 8). */
function gemmKernel(a: Info, packed: Info, width: number, simd: SimdKernels | null): Info[] {
	const [m, k] = a.shape;
	if (!simd?.products || width % 8 !== 0 || packed.shape[0] !== k * width)
		throw new Error('FolkGemm needs the wasm SIMD products and a packed operand of its width');
	return simd.run([a, packed], [[m, width]], ([pa, pb, pc]) => simd.exports.gemm(pa, pb, pc, m, k, width));
}

/** Registers the kernels for `cpu` and `wasm` (harmless for backends that are never loaded). */
export function registerCpuLstmKernels(): void {
	for (const [backendName, memory] of [
		['cpu', cpuMemory],
		['wasm', wasmMemory]
	] as const) {
		// The wasm backend runs the SIMD module where it loads (lstm-simd.ts); cpu keeps the JS reference.
		const simdOf = (backend: unknown) => (backendName === 'wasm' ? SimdKernels.for(backend) : null);
		tf.registerKernel({
			kernelName: CELL,
			backendName,
			kernelFunc: ({ inputs: x, backend }) =>
				cellForward(memory(backend), [x.mm, x.xp, x.cPrev, x.keep] as Info[], simdOf(backend))
		});
		tf.registerKernel({
			kernelName: TRANSPOSE,
			backendName,
			kernelFunc: ({ inputs: x, backend }) => transposeKernel(memory(backend), x.x as Info, simdOf(backend))
		});
		tf.registerKernel({
			kernelName: SPLIT4,
			backendName,
			kernelFunc: ({ inputs: x, backend }) => split4(memory(backend), x.x as Info)
		});
		tf.registerKernel({
			kernelName: UNSTACK,
			backendName,
			kernelFunc: ({ inputs: x, backend }) => unstackRows(memory(backend), x.x as Info)
		});
		tf.registerKernel({
			kernelName: CELL_REST,
			backendName,
			kernelFunc: ({ inputs: x, backend }) => cellRest(memory(backend), [x.s, x.cPrev, x.keep] as Info[])
		});
		tf.registerKernel({
			kernelName: GATHER_STEPS,
			backendName,
			kernelFunc: ({ inputs: x, backend }) =>
				gatherStepsKernel(memory(backend), x.kernel as Info, x.bias as Info, x.ids as Info, simdOf(backend))
		});
		tf.registerKernel({
			kernelName: IDS_GRAD,
			backendName,
			kernelFunc: ({ inputs: x, backend, attrs }) =>
				idsGradKernel(
					memory(backend),
					x.dZ as Info,
					x.ids as Info,
					(attrs as { vocabulary: number }).vocabulary,
					simdOf(backend)
				)
		});
		if (backendName === 'wasm') {
			tf.registerKernel({
				kernelName: PACK_RIGHT,
				backendName,
				kernelFunc: ({ inputs: x, backend, attrs }) =>
					packRightKernel(x.b as Info, (attrs as { transposed: boolean }).transposed, simdOf(backend))
			});
			tf.registerKernel({
				kernelName: GEMM,
				backendName,
				kernelFunc: ({ inputs: x, backend, attrs }) =>
					gemmKernel(x.a as Info, x.bp as Info, (attrs as { width: number }).width, simdOf(backend))
			});
		}
		tf.registerKernel({
			kernelName: COL_SUM,
			backendName,
			kernelFunc: ({ inputs: x, backend }) => colSumKernel(memory(backend), x.x as Info)
		});
		tf.registerKernel({
			kernelName: CELL_GRAD,
			backendName,
			kernelFunc: ({ inputs: x, backend }) =>
				cellBackward(
					memory(backend),
					[x.dOut, x.dhNext, x.dcNext, x.keepNext, x.gates, x.tc, x.cPrev, x.keep] as Info[],
					simdOf(backend)
				)
		});
	}
}
