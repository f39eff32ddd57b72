/**
 * The fused LSTM kernels as ops: registered for `cpu` and `wasm` (lstm-kernels-cpu.ts) and, the cell
 * only, for `webgpu` (lstm-kernels-webgpu.ts); which forward step runs where is `cellMode()`.
 */
import * as tf from '#tf';
import { registerCpuLstmKernels } from './lstm-kernels-cpu';
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
import { registerWebGpuLstmKernels } from './lstm-kernels-webgpu';
import { SimdKernels } from './lstm-simd';

let registered = false;

/** Registers the fused kernels once (harmless for backends that are never loaded). */
export function registerLstmKernels(): void {
	if (registered) return;
	registered = true;
	registerWebGpuLstmKernels();
	registerCpuLstmKernels();
}

/**
 * How a forward step is computed. 'fused': one kernel for the whole cell (JS on cpu, WGSL on webgpu).
 * 'hybrid': the backend's own matMul, add and sigmoid over [B, 4n], then one JS kernel for the rest
 * (wasm: its SIMD sigmoid beats Math.exp, and four ops beat eighteen). 'generic': tf ops only. The fused
 * and hybrid steps keep the activated gates, so their backward pass is the fused backward kernel.
 */
export type CellMode = 'fused' | 'hybrid' | 'generic';

/**
 * The measured default per backend (bench/lstm-kernels.bench.ts, LSTM(256), batch 64, on a loaded
 * 2-core machine): cpu fused (about 13 % faster than generic). webgpu fused: 6 dispatches a step instead
 * of about 25, 3–7 % faster on the software adapter, where dispatches are cheap. wasm generic: hybrid
 * and generic were within the noise of each other (Chromium worker 554 vs 570 ms in one run, 764 vs
 * 524 in another) and the JS fused step was slower (Math.exp against the backend's SIMD sigmoid); its
 * SIMD fused step (lstm-simd.wat) is faster than both, see `defaultCellMode`. Others (webgl) run generic.
 */
const DEFAULT_MODE: Record<string, CellMode> = { cpu: 'fused', webgpu: 'fused' };
let forced: CellMode | null = null;

/**
 * The mode a backend runs unless one is forced (before checking that its kernels exist). wasm runs fused
 * where its SIMD kernels load (lstm-simd.ts): the recipe's batch took 28.5 ms against 32.9 generic with
 * the same SIMD row kernels and 56.9 before them (Node, 1 thread, best of three interleaved rounds).
 */
export function defaultCellMode(backend: string): CellMode {
	if (backend === 'wasm' && tf.getBackend() === 'wasm' && SimdKernels.for(tf.backend())) return 'fused';
	return DEFAULT_MODE[backend] ?? 'generic';
}

/** Forces a cell mode (tests, comparisons), or back to the measured default ('auto'). */
export function useCellMode(mode: CellMode | 'auto'): void {
	forced = mode === 'auto' ? null : mode;
}

/** The cell mode for the active backend: the forced or default one, or 'generic' where its kernels are missing. */
export function cellMode(): CellMode {
	registerLstmKernels();
	const backend = tf.getBackend();
	const want = forced ?? defaultCellMode(backend);
	if (want === 'fused' && tf.getKernel(CELL, backend) === undefined) return 'generic';
	if (want === 'hybrid' && tf.getKernel(CELL_REST, backend) === undefined) return 'generic';
	return want;
}

/** `tf.unstack` along axis 0 for float32 tensors, without the wasm backend's per-slice copy of the input. */
export function unstack(x: tf.Tensor): tf.Tensor[] {
	registerLstmKernels();
	if (x.dtype !== 'float32' || tf.getKernel(UNSTACK, tf.getBackend()) === undefined) return tf.unstack(x);
	return tf.engine().runKernel(UNSTACK, { x }) as unknown as tf.Tensor[];
}

/**
 * The transpose of a float [R, C]. On wasm a SIMD kernel (lstm-simd.wat): the backend's own took 50 of
 * LSTM(256)'s 445 ms a batch (Node, 1 thread), mostly for dZ [4096, 1024]. Other backends: `tf.transpose`.
 */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
	registerLstmKernels();
	if (x.dtype !== 'float32' || tf.getBackend() !== 'wasm') return tf.transpose(x);
	return (tf.engine().runKernel(TRANSPOSE, { x }) as unknown as tf.Tensor2D[])[0];
}

/** Splits [B, 4n] into the four gate blocks (`tf.split(x, 4, 1)` without wasm's input copy). */
export function splitGates(x: tf.Tensor2D): tf.Tensor2D[] {
	registerLstmKernels();
	if (x.dtype !== 'float32' || tf.getKernel(SPLIT4, tf.getBackend()) === undefined)
		return tf.split(x, 4, 1) as tf.Tensor2D[];
	return tf.engine().runKernel(SPLIT4, { x }) as unknown as tf.Tensor2D[];
}

/** Runs the fused forward step: [h, c, gates, tanh c]. */
export function fusedCell(mm: tf.Tensor, xp: tf.Tensor, cPrev: tf.Tensor, keep: tf.Tensor): tf.Tensor2D[] {
	return tf.engine().runKernel(CELL, { mm, xp, cPrev, keep }) as unknown as tf.Tensor2D[];
}

/** Runs the rest of a hybrid forward step from s = sigmoid(z) (candidate doubled): [h, c, gates, tanh c]. */
export function cellRestStep(s: tf.Tensor, cPrev: tf.Tensor, keep: tf.Tensor): tf.Tensor2D[] {
	return tf.engine().runKernel(CELL_REST, { s, cPrev, keep }) as unknown as tf.Tensor2D[];
}

/** Runs the fused backward step: [dz, dcPrev]. */
export function fusedCellGrad(
	dOut: tf.Tensor,
	dhNext: tf.Tensor,
	dcNext: tf.Tensor,
	keepNext: tf.Tensor,
	gates: tf.Tensor,
	tc: tf.Tensor,
	cPrev: tf.Tensor,
	keep: tf.Tensor
): tf.Tensor2D[] {
	return tf.engine().runKernel(CELL_GRAD, {
		dOut,
		dhNext,
		dcNext,
		keepNext,
		gates,
		tc,
		cPrev,
		keep
	}) as unknown as tf.Tensor2D[];
}

/** Has the active backend the row kernels (gatherSteps, idsGrad, columnSums)? cpu and wasm. */
export function hasRowKernels(): boolean {
	registerLstmKernels();
	return tf.getKernel(GATHER_STEPS, tf.getBackend()) !== undefined;
}

/** Kernel rows by id plus bias, per step: T tensors [B, G] from ids [T, B] or multi-hot ids [T, B, K] (−1 pads). */
export function gatherSteps(
	kernel: tf.Tensor2D,
	bias: tf.Tensor1D,
	ids: tf.Tensor2D | tf.Tensor3D
): tf.Tensor2D[] {
	registerLstmKernels();
	return tf.engine().runKernel(GATHER_STEPS, { kernel, bias, ids }) as unknown as tf.Tensor2D[];
}

/** [kernel gradient [V, G], bias gradient [G]] of a one-hot input from dZ [R, G] and ids [R]. */
export function idsGrad(dZ: tf.Tensor2D, ids: tf.Tensor, vocabulary: number): [tf.Tensor2D, tf.Tensor1D] {
	registerLstmKernels();
	return tf.engine().runKernel(IDS_GRAD, { dZ, ids }, { vocabulary }) as unknown as [
		tf.Tensor2D,
		tf.Tensor1D
	];
}

/** Column sums of [R, G] as [G]. */
export function columnSums(x: tf.Tensor2D): tf.Tensor1D {
	registerLstmKernels();
	return (tf.engine().runKernel(COL_SUM, { x }) as unknown as tf.Tensor1D[])[0];
}

let productsOn = true;

/** Turns the SIMD products off (comparisons with the backend's own) or back on. */
export function useSimdProducts(on: boolean): void {
	productsOn = on;
}

/**
 * A right-hand operand packed once for several `matMulPacked` products (the recurrent kernel over a
 * layer's steps). Dispose `packed` after the last.
 */
export interface PackedRight {
	packed: tf.Tensor1D;
	k: number;
	n: number;
	/** n rounded up to whole panels of 8 columns (the product's width before its last columns are cut). */
	width: number;
}

/**
 * b [k, n] (with `transposed`, b = xᵀ for x [n, k]) packed for the SIMD product, or null where it does
 * not run: other backends, the threaded wasm build (its products use every thread of its pool). See
 * docs/speed.md for how it compares with the backend's own product.
 */
export function packRight(x: tf.Tensor2D, transposed = false): PackedRight | null {
	registerLstmKernels();
	if (!productsOn || x.dtype !== 'float32' || tf.getBackend() !== 'wasm') return null;
	if (!SimdKernels.for(tf.backend())?.products) return null;
	const [k, n] = transposed ? [x.shape[1], x.shape[0]] : x.shape;
	const packed = (tf.engine().runKernel(PACK_RIGHT, { b: x }, { transposed }) as unknown as tf.Tensor1D[])[0];
	return { packed, k, n, width: Math.ceil(n / 8) * 8 };
}

/** a [m, k] · b, b packed by `packRight`. */
export function matMulPacked(a: tf.Tensor2D, b: PackedRight): tf.Tensor2D {
	const out = (
		tf.engine().runKernel(GEMM, { a, bp: b.packed }, { width: b.width }) as unknown as tf.Tensor2D[]
	)[0];
	if (b.width === b.n) return out;
	// The padding columns of the last panel cut off (the output layer's 38 symbols: 40 computed).
	const cut = tf.slice(out, [0, 0], [out.shape[0], b.n]);
	out.dispose();
	return cut;
}

/** a · b (a · xᵀ with `transposed`, b = xᵀ): the SIMD product where it runs, else the backend's. */
export function matMulFast(a: tf.Tensor2D, x: tf.Tensor2D, transposed = false): tf.Tensor2D {
	const b = packRight(x, transposed);
	if (!b) return tf.matMul(a, transposed ? transpose2d(x) : x);
	const out = matMulPacked(a, b);
	b.packed.dispose();
	return out;
}
