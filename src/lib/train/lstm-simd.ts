/**
 * The wasm backend's training kernels in WebAssembly SIMD (`lstm-simd.wat`): the row sums of the first
 * layer's input and their gradient, a blocked transpose, and one LSTM step forward and backward. The
 * plain-JS loops of lstm-kernels-cpu.ts did the first two at about 3 ns a float (27 of a recipe batch's
 * 65 ms); the backend's own transpose took 50 of LSTM(256)'s 445 ms a batch (Node, wasm, 1 thread).
 *
 * The module imports its memory. Where the backend's heap is a plain (not shared) WebAssembly memory, the
 * module runs on that heap, so tensors are read and written in place; with the threaded build (shared
 * memory) it runs on a memory of its own and inputs and outputs are copied. `lstm-simd.wat` is the source
 * of `BINARY`, rebuilt by `npx tsx scripts/lstm-simd-binary.ts`; the unit test checks that the two agree.
 */
import type * as tf from '#tf';

/** lstm-simd.wat (the training kernels), compiled (wabt 1.0.39, `--enable-simd`). */
const BINARY =
	'AGFzbQEAAAABMwVgB39/f39/f38AYAR/f39/AGABewF7YAp/f39/f39/f39/AGAMf39/f39/f39/f39/AAIPAQNlbnYGbWVtb3J5AgABAwkIAAABAgICAwQHMgUGZ2F0aGVyAAAHc2NhdHRlcgABCXRyYW5zcG9zZQACBGNlbGwABghjZWxsR3JhZAAHCosSCM4BAQd/IAZBAnQhDAJAA0AgByAETw0BIAMgByAMbGohCUEAIQsCQANAIAsgDE8NASAJIAtqIAEgC2r9AAQA/QsEACALQRBqIQsMAAsLQQAhCAJAA0AgCCAFTw0BIAIgByAFbCAIakECdGooAgAhDSANQQBOBEAgACANIAxsaiEKQQAhCwJAA0AgCyAMTw0BIAkgC2ogCSALav0ABAAgCiALav0ABAD95AH9CwQAIAtBEGohCwwACwsLIAhBAWohCAwACwsgB0EBaiEHDAALCwvaAQEHfyAGQQJ0IQwCQANAIAcgBE8NASAAIAcgDGxqIQlBACELAkADQCALIAxPDQEgAyALaiADIAtq/QAEACAJIAtq/QAEAP3kAf0LBAAgC0EQaiELDAALC0EAIQgCQANAIAggBU8NASABIAcgBWwgCGpBAnRqKAIAIQ0gDUEATgRAIAIgDSAMbGohCkEAIQsCQANAIAsgDE8NASAKIAtqIAogC2r9AAQAIAkgC2r9AAQA/eQB/QsEACALQRBqIQsMAAsLCyAIQQFqIQgMAAsLIAdBAWohBwwACwsLsAQDBn8IewJ/IAJBfHEhBiADQXxxIQcgA0ECdCEIIAJBAnQhCQJAA0AgBCAGTw0BQQAhBQJAA0AgBSAHTw0BIAAgBCAIbCAFQQJ0amohEyAT/QAEACEKIBMgCGr9AAQAIQsgEyAIQQF0av0ABAAhDCATIAhBA2xq/QAEACENIAogC/0NAAECAxAREhMEBQYHFBUWFyEOIAogC/0NCAkKCxgZGhsMDQ4PHB0eHyEPIAwgDf0NAAECAxAREhMEBQYHFBUWFyEQIAwgDf0NCAkKCxgZGhsMDQ4PHB0eHyERIAEgBSAJbCAEQQJ0amohEiASIA4gEP0NAAECAwQFBgcQERITFBUWF/0LBAAgEiAJaiAOIBD9DQgJCgsMDQ4PGBkaGxwdHh/9CwQAIBIgCUEBdGogDyAR/Q0AAQIDBAUGBxAREhMUFRYX/QsEACASIAlBA2xqIA8gEf0NCAkKCwwNDg8YGRobHB0eH/0LBAAgBUEEaiEFDAALCyAHIQUCQANAIAUgA08NAUEAIRMCQANAIBNBBE8NASABIAUgAmwgBCATampBAnRqIAAgBCATaiADbCAFakECdGoqAgA4AgAgE0EBaiETDAALCyAFQQFqIQUMAAsLIARBBGohBAwACwsCQANAIAQgAk8NAUEAIQUCQANAIAUgA08NASABIAUgAmwgBGpBAnRqIAAgBCADbCAFakECdGoqAgA4AgAgBUEBaiEFDAALCyAEQQFqIQQMAAsLC/8CAQN7IAD9DJqZrsKama7CmpmuwpqZrsL96QH9DJqZsEKambBCmpmwQpqZsEL96AEhACAA/Qw7qrg/O6q4PzuquD87qrg//eYB/WohASAAIAH9DACAMT8AgDE/AIAxPwCAMT/95gH95QEhAiACIAH9DIOAXrmDgF65g4BeuYOAXrn95gH95QEhAv0MZ2lQOWdpUDlnaVA5Z2lQOSEDIAMgAv3mAf0MzkO3Os5DtzrOQ7c6zkO3Ov3kASEDIAMgAv3mAf0MCIkIPAiJCDwIiQg8CIkIPP3kASEDIAMgAv3mAf0MwakqPcGpKj3BqSo9wakqPf3kASEDIAMgAv3mAf0MqqoqPqqqKj6qqio+qqoqPv3kASEDIAMgAv3mAf0MAAAAPwAAAD8AAAA/AAAAP/3kASEDIAMgAiAC/eYB/eYBIAL95AH9DAAAgD8AAIA/AACAPwAAgD/95AEhAyADIAH9+AH9DH8AAAB/AAAAfwAAAH8AAAD9rgFBF/2rAf3mAQszAP0MAACAPwAAgD8AAIA/AACAP/0MAACAPwAAgD8AAIA/AACAPyAA/eEBEAP95AH95wELQAEBeyAAIAD95AEQAyEBIAH9DAAAgD8AAIA/AACAPwAAgD/95QEgAf0MAACAPwAAgD8AAIA/AACAP/3kAf3nAQv8AgMFfwd7A38gCUECdCEMAkADQCAKIAhPDQEgAyAKQQJ0aioCAP0TIQ8gCiAMQQJ0bCENIAogDGwhDkEAIQsCQANAIAsgDE8NASABIA0gC2pqIRYgACANIAtqaiEXIBb9AAQAIA8gF/0ABAD95gH95AEQBCEQIBYgDGr9AAQAIA8gFyAMav0ABAD95gH95AEQBCERIBYgDEEBdGr9AAQAIA8gFyAMQQF0av0ABAD95gH95AEQBSESIBYgDEEDbGr9AAQAIA8gFyAMQQNsav0ABAD95gH95AEQBCETIA4gC2ohGCARIA/95gEgAiAYav0ABAD95gEgECAS/eYB/eQBIRQgFBAFIRUgBiANIAtqaiEWIBYgEP0LBAAgFiAMaiAR/QsEACAWIAxBAXRqIBL9CwQAIBYgDEEDbGogE/0LBAAgBSAYaiAU/QsEACAHIBhqIBX9CwQAIAQgGGogEyAV/eYB/QsEACALQRBqIQsMAAsLIApBAWohCgwACwsLtgMCBn8Ke/0MAACAPwAAgD8AAIA/AACAPyEbIAtBAnQhDgJAA0AgDCAKTw0BIAcgDEECdGoqAgD9EyESIAMgDEECdGoqAgD9EyETIAwgDkECdGwhD0EAIQ0CQANAIA0gDk8NASAMIA5sIA1qIRAgBCAPIA1qaiERIBH9AAQAIRQgESAOav0ABAAhFSARIA5BAXRq/QAEACEWIBEgDkEDbGr9AAQAIRcgBSAQav0ABAAhGCAAIBBq/QAEACATIAEgEGr9AAQA/eYB/eQBIRkgEyACIBBq/QAEAP3mASAZIBf95gEgGyAYIBj95gH95QH95gH95AEhGiAIIA8gDWpqIREgESAaIBb95gEgFP3mASAbIBT95QH95gH9CwQAIBEgDmogGiAS/eYBIAYgEGr9AAQA/eYBIBX95gEgGyAV/eUB/eYB/QsEACARIA5BAXRqIBogFP3mASAbIBYgFv3mAf3lAf3mAf0LBAAgESAOQQNsaiAZIBj95gEgF/3mASAbIBf95QH95gH9CwQAIAkgEGogGiAV/eYBIBL95gH9CwQAIA1BEGohDQwACwsgDEEBaiEMDAALCws=';

/** The compiled module's bytes. */
export function lstmSimdBinary(): Uint8Array<ArrayBuffer> {
	return Uint8Array.from(atob(BINARY), (c) => c.charCodeAt(0));
}

type Info = tf.TensorInfo;

interface Exports {
	gather(kernel: number, bias: number, ids: number, out: number, rows: number, k: number, g: number): void;
	scatter(dz: number, ids: number, kg: number, bg: number, rows: number, k: number, g: number): void;
	transpose(src: number, dst: number, rows: number, cols: number): void;
	cell(
		mm: number,
		xp: number,
		cPrev: number,
		keep: number,
		h: number,
		c: number,
		gates: number,
		tc: number,
		b: number,
		n: number
	): void;
	cellGrad(
		dOut: number,
		dhNext: number,
		dcNext: number,
		keepNext: number,
		gates: number,
		tc: number,
		cPrev: number,
		keep: number,
		dz: number,
		dcPrev: number,
		b: number,
		n: number
	): void;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type WasmBackend = any;

let compiled: WebAssembly.Module | null | undefined;
let enabled = true;
let copying = false;

/**
 * Turns the SIMD kernels off (comparisons with the plain-JS kernels) or back on; with `ownMemory` they
 * run on a memory of their own even where the backend's heap could be shared (tests of the copying path).
 */
export function useSimdKernels(on: boolean, ownMemory = false): void {
	enabled = on;
	copying = ownMemory;
}

function simdModule(): WebAssembly.Module | null {
	if (compiled !== undefined) return compiled;
	try {
		const bytes = lstmSimdBinary();
		// A few kilobytes: compiling synchronously is fine in the worker.
		compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
	} catch {
		compiled = null;
	}
	return compiled;
}

/** The backend's heap as a WebAssembly memory the module can import, or null (shared or not found). */
function heapOf(backend: WasmBackend): WebAssembly.Memory | null {
	const memory = backend?.wasm?.asm?.memory ?? backend?.wasm?.wasmMemory;
	if (!(memory instanceof WebAssembly.Memory)) return null;
	if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return null;
	return memory;
}

/** Runs one kernel: allocates its outputs in the backend, hands the module pointers to inputs and outputs. */
export class SimdKernels {
	private constructor(
		private readonly backend: WasmBackend,
		readonly exports: Exports,
		/** The module's memory when it is not the backend's heap (inputs and outputs are copied). */
		private readonly own: WebAssembly.Memory | null
	) {}

	/** The kernels for a wasm backend, or null where WebAssembly SIMD is missing or they are turned off. */
	static for(backend: WasmBackend): SimdKernels | null {
		if (!enabled) return null;
		const cache = copying ? copyingCache : sharedCache;
		const cached = cache.get(backend);
		if (cached !== undefined) return cached;
		const module = simdModule();
		let made: SimdKernels | null = null;
		if (module) {
			const heap = copying ? null : heapOf(backend);
			const memory = heap ?? new WebAssembly.Memory({ initial: 16 });
			const instance = new WebAssembly.Instance(module, { env: { memory } });
			made = new SimdKernels(backend, instance.exports as unknown as Exports, heap ? null : memory);
		}
		cache.set(backend, made);
		return made;
	}

	/** Whether tensors are used in place (the module shares the backend's heap). */
	get inPlace(): boolean {
		return this.own === null;
	}

	/**
	 * Allocates float32 outputs of `shapes` (zeroed with `zero`), then calls `fn` with the byte offsets of
	 * `inputs` and of the outputs, in that order.
	 */
	run(inputs: Info[], shapes: number[][], fn: (at: number[]) => void, zero = false): Info[] {
		const outs = shapes.map((s) => this.backend.makeOutput(s, 'float32') as Info);
		if (!this.own) {
			const at = [...inputs, ...outs].map((t) => this.backend.dataIdMap.get(t.dataId).memoryOffset as number);
			if (zero) {
				const heap = new Uint8Array(this.backend.wasm.HEAPU8.buffer);
				outs.forEach((o, i) =>
					heap.fill(0, at[inputs.length + i], at[inputs.length + i] + 4 * size(o.shape))
				);
			}
			fn(at);
			return outs;
		}
		// Copies: inputs in, outputs back, each block 16-byte aligned in the module's own memory.
		const blocks = [...inputs, ...outs].map((t) => 4 * size(t.shape));
		const at: number[] = [];
		let end = 0;
		for (const b of blocks) {
			at.push(end);
			end += Math.ceil(b / 16) * 16;
		}
		const have = this.own.buffer.byteLength;
		if (end > have) this.own.grow(Math.ceil((end - have) / 65536));
		const mem = new Uint8Array(this.own.buffer);
		inputs.forEach((t, i) => mem.set(bytesOf(this.backend.typedArrayFromHeap(t)), at[i]));
		if (zero)
			outs.forEach((_, i) =>
				mem.fill(0, at[inputs.length + i], at[inputs.length + i] + blocks[inputs.length + i])
			);
		fn(at);
		// Views of the backend's heap only now: its allocations above may have moved it.
		outs.forEach((o, i) => {
			const from = at[inputs.length + i];
			bytesOf(this.backend.typedArrayFromHeap(o)).set(
				new Uint8Array(this.own!.buffer, from, blocks[inputs.length + i])
			);
		});
		return outs;
	}
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const sharedCache = new WeakMap<object, SimdKernels | null>();
const copyingCache = new WeakMap<object, SimdKernels | null>();

function size(shape: readonly number[]): number {
	return shape.reduce((a, b) => a * b, 1);
}

function bytesOf(a: ArrayBufferView): Uint8Array {
	return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
