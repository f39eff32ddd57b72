/**
 * The fused LSTM cell kernels (`FolkLstmCell`, `FolkLstmCellGrad`, see lstm-kernels.ts) for the `webgpu`
 * backend, as WGSL compute programs run through the backend's own `runWebGPUProgram`. A program has one
 * output buffer, so the forward step is four dispatches (gates, c, tanh c, h) and the backward step two
 * (dz, dcPrev), against about eighteen and seven generic ops.
 *
 * Nothing here imports the webgpu backend: the kernels are registered by name and only run once that
 * backend is active.
 */
import * as tf from '#tf';
import { CELL, CELL_GRAD } from './lstm-kernel-names';

type Info = tf.TensorInfo;

/** WGSL helpers: sigmoid, and a tanh that cannot overflow (exp of a large argument is inf). */
const HELPERS = `
fn folkSigmoid(x : f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
fn folkTanh(x : f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}`;

/**
 * One elementwise program over `outputShape`: `body` sees `index` (flat output index), `n` (units), `b`
 * and `j` (row and column of the output) and writes `result[index]`. Inputs are read as flat arrays
 * under their own names.
 */
class CellProgram {
	variableNames: string[];
	outputShape: number[];
	shaderKey: string;
	dispatchLayout: { x: number[] };
	dispatch: [number, number, number];
	workgroupSize: [number, number, number] = [64, 1, 1];
	size = true;
	uniforms = 'n : i32,';
	private readonly body: string;

	constructor(key: string, variableNames: string[], outputShape: number[], body: string) {
		this.shaderKey = `folkLstm_${key}`;
		this.variableNames = variableNames;
		this.outputShape = outputShape;
		this.dispatchLayout = { x: outputShape.map((_, i) => i) };
		const size = outputShape.reduce((a, b) => a * b, 1);
		this.dispatch = [Math.ceil(size / this.workgroupSize[0]), 1, 1];
		this.body = body;
	}

	getUserCode(): string {
		// The pipeline's bind group layout is derived from the shader ('auto'): an input the code never
		// reads would be missing from it, the bind group invalid and the whole submitted batch of work lost.
		const touch = this.variableNames.map((v) => `_ = ${v}[0];`).join(' ');
		return `${HELPERS}
fn main(index : i32) {
  ${touch}
  if (index < uniforms.size) {
    let n = uniforms.n;
    let w = uniforms.outShape[1];
    let b = index / w;
    let j = index % w;
    ${this.body}
  }
}`;
	}
}

/** Per (b, jj) of the backward step: dh, dc and the gates read back from the forward pass. */
const GRAD_STATE = `
    let row = b * 4 * n;
    let s = b * n + jj;
    let i = gates[row + jj];
    let f = gates[row + n + jj];
    let g = gates[row + 2 * n + jj];
    let o = gates[row + 3 * n + jj];
    let t = folkTanh(f * keep[b] * cPrev[s] + i * g);
    let kn = keepNext[b];
    let dh = dOut[s] + kn * dhNext[s];
    let dc = kn * dcNext[s] + dh * o * (1.0 - t * t);`;

/**
 * No `tc` among them: WebGPU allows 8 storage buffers per shader stage by default (output included), so
 * tanh(c) is recomputed from the gates and the previous cell state.
 */
const GRAD_INPUTS = ['dOut', 'dhNext', 'dcNext', 'keepNext', 'gates', 'cPrev', 'keep'];

/* eslint-disable @typescript-eslint/no-explicit-any */
function run(backend: any, program: CellProgram, inputs: Info[], n: number): Info {
	return backend.runWebGPUProgram(program, inputs, 'float32', [{ type: 'int32', data: [n] }]) as Info;
}

function cellForward(backend: any, inputs: Info[]): Info[] {
	const [mm, xp, cPrev, keep] = inputs;
	const [B, G] = mm.shape;
	const n = G / 4;
	// Each activation computed once: gates, then c from them, then tanh(c), then h.
	const gates = run(
		backend,
		new CellProgram(
			'gates',
			['mm', 'xp', 'keep'],
			[B, G],
			`let q = j / n;
    let z = xp[index] + keep[b] * mm[index];
    if (q == 2) { result[index] = folkTanh(z); } else { result[index] = folkSigmoid(z); }`
		),
		[mm, xp, keep],
		n
	);
	const c = run(
		backend,
		new CellProgram(
			'c',
			['gates', 'cPrev', 'keep'],
			[B, n],
			`let row = b * 4 * n;
    result[index] = gates[row + n + j] * keep[b] * cPrev[index] + gates[row + j] * gates[row + 2 * n + j];`
		),
		[gates, cPrev, keep],
		n
	);
	const tc = run(
		backend,
		new CellProgram('tc', ['c'], [B, n], `result[index] = folkTanh(c[index]);`),
		[c],
		n
	);
	const h = run(
		backend,
		new CellProgram(
			'h',
			['gates', 'tc'],
			[B, n],
			`result[index] = gates[b * 4 * n + 3 * n + j] * tc[index];`
		),
		[gates, tc],
		n
	);
	return [h, c, gates, tc];
}

function cellBackward(backend: any, inputs: Info[]): Info[] {
	const [B, G] = inputs[4].shape;
	const n = G / 4;
	const dz = new CellProgram(
		'dz',
		GRAD_INPUTS,
		[B, G],
		`let q = j / n;
    let jj = j % n;${GRAD_STATE}
    var v = 0.0;
    if (q == 0) { v = dc * g * i * (1.0 - i); }
    else if (q == 1) { v = dc * keep[b] * cPrev[s] * f * (1.0 - f); }
    else if (q == 2) { v = dc * i * (1.0 - g * g); }
    else { v = dh * t * o * (1.0 - o); }
    result[index] = v;`
	);
	const dcPrev = new CellProgram(
		'dcPrev',
		GRAD_INPUTS,
		[B, n],
		`let jj = j;${GRAD_STATE}
    result[index] = dc * f * keep[b];`
	);
	return [run(backend, dz, inputs, n), run(backend, dcPrev, inputs, n)];
}
/* eslint-enable @typescript-eslint/no-explicit-any */

let registered = false;

/** Registers the WGSL cell kernels for `webgpu` once. */
export function registerWebGpuLstmKernels(): void {
	if (registered) return;
	registered = true;
	tf.registerKernel({
		kernelName: CELL,
		backendName: 'webgpu',
		kernelFunc: ({ inputs: x, backend }) => cellForward(backend, [x.mm, x.xp, x.cPrev, x.keep] as Info[])
	});
	tf.registerKernel({
		kernelName: CELL_GRAD,
		backendName: 'webgpu',
		kernelFunc: ({ inputs: x, backend }) =>
			cellBackward(backend, [x.dOut, x.dhNext, x.dcNext, x.keepNext, x.gates, x.cPrev, x.keep] as Info[])
	});
}
