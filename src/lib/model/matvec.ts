/**
 * A WebAssembly SIMD matrix-vector product for one sequence at a time (generation, scoring): four f32
 * lanes per instruction, about 0.2 ns per multiply-add against 1.2–2.5 in the best plain-JS loop on the
 * same machine, so a step of the default model (128 units) costs microseconds. `matvec.wat` is the
 * source of `BINARY`, rebuilt by `npx tsx scripts/matvec-binary.ts`; the unit test compiles it and checks
 * that the two agree. Where WebAssembly SIMD is missing (`createArena` answers null) callers keep their
 * plain-JS loop.
 */

/** matvec.wat (the product and the LSTM gates), compiled (wabt 1.0.39, `--enable-simd`). */
const BINARY =
	'AGFzbQEAAAABFQNgBX9/f39/AGABewF7YAR/f39/AAMGBQABAQECBQMBAAEHGwMGbWVtb3J5AgAGbWF0dmVjAAAFZ2F0ZXMABAqVBwWZAgIEfwV7IARBAnQhCEEAIQUCQANAIAUgBE8NASACIAVBAnRq/QAEACEKIAIgBUECdGr9AAQQIQsgAiAFQQJ0av0ABCAhDCACIAVBAnRq/QAEMCENIAAgBUECdGohB0EAIQYCQANAIAYgA08NASABIAZBAnRqKgIA/RMhCSAKIAkgB/0ABAD95gH95AEhCiALIAkgB/0ABBD95gH95AEhCyAMIAkgB/0ABCD95gH95AEhDCANIAkgB/0ABDD95gH95AEhDSAHIAhqIQcgBkEBaiEGDAALCyACIAVBAnRqIAr9CwQAIAIgBUECdGogC/0LBBAgAiAFQQJ0aiAM/QsEICACIAVBAnRqIA39CwQwIAVBEGohBQwACwsL/wIBA3sgAP0MmpmuwpqZrsKama7Cmpmuwv3pAf0MmpmwQpqZsEKambBCmpmwQv3oASEAIAD9DDuquD87qrg/O6q4PzuquD/95gH9aiEBIAAgAf0MAIAxPwCAMT8AgDE/AIAxP/3mAf3lASECIAIgAf0Mg4BeuYOAXrmDgF65g4Beuf3mAf3lASEC/QxnaVA5Z2lQOWdpUDlnaVA5IQMgAyAC/eYB/QzOQ7c6zkO3Os5DtzrOQ7c6/eQBIQMgAyAC/eYB/QwIiQg8CIkIPAiJCDwIiQg8/eQBIQMgAyAC/eYB/QzBqSo9wakqPcGpKj3BqSo9/eQBIQMgAyAC/eYB/Qyqqio+qqoqPqqqKj6qqio+/eQBIQMgAyAC/eYB/QwAAAA/AAAAPwAAAD8AAAA//eQBIQMgAyACIAL95gH95gEgAv3kAf0MAACAPwAAgD8AAIA/AACAP/3kASEDIAMgAf34Af0MfwAAAH8AAAB/AAAAfwAAAP2uAUEX/asB/eYBCzMA/QwAAIA/AACAPwAAgD8AAIA//QwAAIA/AACAPwAAgD8AAIA/IAD94QEQAf3kAf3nAQs1AP0MAAAAQAAAAEAAAABAAAAAQCAAIAD95AEQAv3mAf0MAACAPwAAgD8AAIA/AACAP/3lAQuMAQIDfwF7IANBAnQhBUEAIQQCQANAIAQgBU8NASAAIARqIQYgBiAFav0ABAAQAiABIARq/QAEAP3mASAG/QAEABACIAYgBUEBdGr9AAQAEAP95gH95AEhByABIARqIAf9CwQAIAIgBGogBiAFQQNsav0ABAAQAiAHEAP95gH9CwQAIARBEGohBAwACwsL';

/** The compiled module's bytes. */
export function matvecBinary(): Uint8Array<ArrayBuffer> {
	return Uint8Array.from(atob(BINARY), (c) => c.charCodeAt(0));
}

/** Columns are processed sixteen at a time: matrices and outputs are padded to this. */
export const COLUMN_BLOCK = 16;

/** Columns padded to a whole number of blocks. */
export function paddedColumns(cols: number): number {
	return Math.ceil(cols / COLUMN_BLOCK) * COLUMN_BLOCK;
}

let compiled: WebAssembly.Module | null | undefined;
let enabled = true;

/** Turns the WebAssembly path off (tests of the plain-JS fallback) or back on. */
export function useWasmMatvec(on: boolean): void {
	enabled = on;
}

function simdModule(): WebAssembly.Module | null {
	if (!enabled) return null;
	if (compiled !== undefined) return compiled;
	try {
		const bytes = matvecBinary();
		// Small enough to compile synchronously anywhere, the page's main thread included.
		compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
	} catch {
		compiled = null;
	}
	return compiled;
}

/**
 * Float32 blocks in one WebAssembly memory, each 16-byte aligned, and the product over them. Offsets
 * are in floats. The memory never grows after creation, so `f32` stays valid.
 */
export class MatvecArena {
	readonly f32: Float32Array;
	private readonly run: (w: number, x: number, z: number, rows: number, cols: number) => void;
	private readonly runGates: (z: number, c: number, h: number, n: number) => void;

	private constructor(instance: WebAssembly.Instance) {
		const exports = instance.exports as {
			memory: WebAssembly.Memory;
			matvec: (w: number, x: number, z: number, rows: number, cols: number) => void;
			gates: (z: number, c: number, h: number, n: number) => void;
		};
		this.f32 = new Float32Array(exports.memory.buffer);
		this.run = exports.matvec;
		this.runGates = exports.gates;
	}

	/**
	 * An arena holding blocks of these sizes (floats), with the offset of each; null where WebAssembly
	 * SIMD is unavailable.
	 */
	static create(sizes: readonly number[]): { arena: MatvecArena; offsets: number[] } | null {
		const module = simdModule();
		if (!module) return null;
		const offsets: number[] = [];
		let end = 0;
		for (const size of sizes) {
			offsets.push(end);
			end += Math.ceil(size / 4) * 4;
		}
		const instance = new WebAssembly.Instance(module);
		const memory = (instance.exports as { memory: WebAssembly.Memory }).memory;
		const pages = Math.ceil((end * 4) / 65536);
		if (pages > memory.buffer.byteLength / 65536) memory.grow(pages - memory.buffer.byteLength / 65536);
		return { arena: new MatvecArena(instance), offsets };
	}

	/**
	 * z[j] += Σₖ x[k]·w[k·cols + j] for j < cols: w is [rows, cols] row-major (Keras's kernel layout),
	 * `cols` a multiple of `COLUMN_BLOCK`.
	 */
	matvec(w: number, x: number, z: number, rows: number, cols: number): void {
		this.run(w * 4, x * 4, z * 4, rows, cols);
	}

	/**
	 * One LSTM step's gates (Keras: sigmoid i, f, o; tanh cell and output) over n units, n a multiple of 4:
	 * z holds the 4n gate sums, c the cell state (replaced by the new one), h receives the output. The
	 * exponential is a float32 polynomial (within two units in the last place), four units at a time.
	 */
	gates(z: number, c: number, h: number, n: number): void {
		this.runGates(z * 4, c * 4, h * 4, n);
	}

	/** Copies a [rows, cols] matrix in, its rows `stride` floats apart (the padded column count). */
	setMatrix(offset: number, values: Float32Array, rows: number, cols: number, stride: number): void {
		for (let r = 0; r < rows; r++)
			this.f32.set(values.subarray(r * cols, (r + 1) * cols), offset + r * stride);
	}
}
