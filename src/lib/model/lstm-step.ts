/**
 * A stacked LSTM run one symbol at a time. For a single sequence this beats every TensorFlow.js backend
 * (per-op overhead dominates there), so generation and scoring use it. The maths is Keras's LSTM: gates
 * i, f, c, o; sigmoid gates, tanh cell and output.
 * The products and the gates run in WebAssembly SIMD (model/matvec.ts), the weights copied in once in
 * Keras's own layout: 500 symbols of the default model take milliseconds. Where WebAssembly SIMD is
 * missing, plain JS does them, the weights transposed so each gate is a dot product over contiguous memory.
 */
import type { LstmLayerWeights, LstmModelWeights, MemberOutput, StepModel } from './types';
import {
	extraInputSize,
	featureIndices,
	LOOKBACK_REACH,
	lookbackIndices,
	firstInputSize,
	styleSlot,
	type BarContext
} from './features';
import { SONG_END } from '../music/symbols';
import { COLUMN_BLOCK, MatvecArena, paddedColumns } from './matvec';
import { recurrentBlocks, type UnitBlock } from './merge';
import {
	applyCorrection,
	flatCorrection,
	nextContext,
	NO_CONTEXT,
	pitchClassGroups,
	type CorrectionContext
} from './correction';

/** Hidden and cell state of every layer. */
export interface LstmState {
	h: Float32Array[];
	c: Float32Array[];
	/** Symbols read since the last `/`, counting it: the step, in the song, of the next target. */
	t: number;
	/** With lookback: the song's last LOOKBACK_REACH symbols, step i at i % LOOKBACK_REACH. */
	past?: Int32Array;
	/** The last pitch and how long it has sounded, for a style's correction (model/correction.ts). */
	ctx: CorrectionContext;
}

interface Layer {
	units: number;
	inputSize: number;
	/** [inputSize, 4u] as stored: one-hot input is a row gather. */
	kernel: Float32Array;
	/** [4u, inputSize]: dense input from the layer below (plain-JS path only). */
	kernelT: Float64Array | null;
	/** [4u, u] (plain-JS path only). */
	recurrentT: Float64Array | null;
	bias: Float32Array;
	/**
	 * Offsets in the arena: kernel (dense input layers), recurrent kernel, 4u columns padded; for a merged
	 * layer, the recurrent kernel as one u×u matrix per block and gate instead (half the products of two).
	 */
	wasm: { kernel: number; recurrent: number; cols: number; blocks: WasmBlock[] | null } | null;
}

/** One block of a merged layer's recurrent kernel in the arena: its four gates' matrices. */
interface WasmBlock extends UnitBlock {
	gates: number[];
	cols: number;
}

/** Block `b` of layer `l`'s recurrent kernel into the arena, one `size`×`size` matrix per gate. */
function setBlock(arena: MatvecArena, l: LstmLayerWeights, b: WasmBlock): void {
	const n = l.units;
	const m = new Float32Array(b.size * b.size);
	for (let g = 0; g < 4; g++) {
		for (let r = 0; r < b.size; r++) {
			const from = (b.start + r) * 4 * n + g * n + b.start;
			m.set(l.recurrentKernel.subarray(from, from + b.size), r * b.size);
		}
		arena.setMatrix(b.gates[g], m, b.size, b.size, b.cols);
	}
}

/**
 * A layer's independent unit blocks where a step can use them (several, each a whole number of column
 * blocks, so the products never write past their gate's columns), else null.
 */
function usableBlocks(l: LstmLayerWeights): UnitBlock[] | null {
	const blocks = recurrentBlocks(l.recurrentKernel, l.units);
	return blocks.length > 1 && blocks.every((b) => b.size % COLUMN_BLOCK === 0) ? blocks : null;
}

/** Where the arena keeps the input vector, the gate sums and the logits. */
interface Scratch {
	arena: MatvecArena;
	x: number;
	z: number;
	dense: number;
	logits: number;
	/** The cell state in and out, and the output, of a layer's gates. */
	c: number;
	h: number;
	/** Padded vocabulary: the dense kernel's row stride. */
	cols: number;
}

function transpose(a: Float32Array, rows: number, cols: number): Float64Array {
	const t = new Float64Array(rows * cols);
	for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
	return t;
}

function dot(w: Float64Array, row: number, x: Float32Array, n: number): number {
	let s0 = 0;
	let s1 = 0;
	let s2 = 0;
	let s3 = 0;
	let k = 0;
	for (; k + 3 < n; k += 4) {
		s0 += x[k] * w[row + k];
		s1 += x[k + 1] * w[row + k + 1];
		s2 += x[k + 2] * w[row + k + 2];
		s3 += x[k + 3] * w[row + k + 3];
	}
	for (; k < n; k++) s0 += x[k] * w[row + k];
	return s0 + s1 + s2 + s3;
}

const NO_FEATURES: readonly number[] = [];

function sigmoid(x: number): number {
	return 1 / (1 + Math.exp(-x));
}

export class LstmStepModel implements StepModel<LstmState> {
	readonly vocabulary: readonly string[];
	private readonly layers: Layer[];
	private readonly denseT: Float64Array | null;
	private readonly denseBias: Float32Array;
	private readonly scratch: Scratch | null;
	/** Gate sums of the plain-JS path, reused by every step. */
	private readonly z: Float64Array;
	/** `barRows` per feature list (shared by `withBar` copies: the sums depend on the weights only). */
	private readonly barSums = new Map<readonly number[], Float32Array>();
	private readonly start: LstmState;
	private readonly slash: number;
	private readonly meterInput: boolean;
	/** Style ids in slot order (empty for a model without styles). */
	readonly styles: readonly string[];
	private bar: BarContext | null = null;
	/** Row of the first layer's kernel for the chosen style, or −1 for "no style". */
	private styleRow = -1;
	/** Row of the first layer's kernel where the lookback block starts, or −1 without lookback. */
	private readonly lookbackRow: number;
	/** A merged model's members at the output ([] for any other model), and the output kernel they share. */
	private readonly members: readonly MemberOutput[];
	private readonly denseKernel: Float32Array;
	/**
	 * Whether `step` gives the mixture of a merged model's members (the mean of their probabilities)
	 * rather than the normalized geometric mean its averaged logits give; undefined: not chosen (the
	 * geometric mean, what the model scores with), so generation may choose.
	 */
	mixture: boolean | undefined = undefined;
	/** Corrections by style (model/correction.ts), flat; and the one of the chosen style, or null. */
	private readonly corrections: ReadonlyMap<string, Float64Array>;
	private correction: Float64Array | null = null;
	/** Each symbol's pitch-class group for the correction, and a scratch row of its context groups. */
	private readonly classes: Int32Array;
	private readonly groups: Int32Array;

	/**
	 * `startSlashes`: how many `/` the initial state has already read (63 for a model trained the
	 * reference's way, whose every window starts padded with `/`).
	 */
	constructor(weights: LstmModelWeights, startSlashes = 0) {
		this.vocabulary = weights.vocabulary;
		const v = weights.vocabulary.length;
		this.meterInput = weights.meterInput === true;
		this.styles = weights.styles ?? [];
		const lookback = weights.lookback === true && this.meterInput;
		const inputs = firstInputSize(v, weights);
		this.lookbackRow = lookback ? v + extraInputSize(this.meterInput, this.styles.length) : -1;
		if (weights.layers[0]?.inputSize !== inputs)
			throw new Error(
				`The first LSTM layer expects ${weights.layers[0]?.inputSize} inputs, the vocabulary has ${v}.`
			);
		const top = weights.layers[weights.layers.length - 1].units;
		const cols = weights.layers.map((l) => paddedColumns(4 * l.units));
		const vocabCols = paddedColumns(v);
		const widest = Math.max(...weights.layers.map((l) => Math.max(l.units, l.inputSize)));
		const widestUnits = Math.max(...weights.layers.map((l) => l.units));
		// Per layer: a dense input kernel (above the first layer) and the recurrent kernel; then the
		// output kernel, the input vector, the gate sums, the logits, the gates' cell state and output, and
		// a merged layer's recurrent blocks.
		const blocks = weights.layers.map(usableBlocks);
		const made = MatvecArena.create([
			...weights.layers.flatMap((l, i) => [
				i === 0 ? 0 : l.inputSize * cols[i],
				blocks[i] ? 0 : l.units * cols[i]
			]),
			top * vocabCols,
			widest,
			Math.max(...cols),
			vocabCols,
			widestUnits,
			widestUnits,
			// A merged layer's recurrent kernel: one matrix per block and gate.
			...blocks.flatMap((b) => (b ?? []).flatMap((k) => Array<number>(4).fill(k.size * k.size)))
		]);
		const blockAt = made ? made.offsets.slice(2 * weights.layers.length + 6) : [];
		this.layers = weights.layers.map((l, i) => {
			const wasm = made
				? {
						kernel: made.offsets[2 * i],
						recurrent: made.offsets[2 * i + 1],
						cols: cols[i],
						blocks: blocks[i]?.map((b) => ({ ...b, cols: b.size, gates: blockAt.splice(0, 4) })) ?? null
					}
				: null;
			if (made && wasm) {
				if (i > 0) made.arena.setMatrix(wasm.kernel, l.kernel, l.inputSize, 4 * l.units, wasm.cols);
				if (wasm.blocks) for (const b of wasm.blocks) setBlock(made.arena, l, b);
				else made.arena.setMatrix(wasm.recurrent, l.recurrentKernel, l.units, 4 * l.units, wasm.cols);
			}
			return {
				units: l.units,
				inputSize: l.inputSize,
				kernel: l.kernel,
				kernelT: made ? null : transpose(l.kernel, l.inputSize, 4 * l.units),
				recurrentT: made ? null : transpose(l.recurrentKernel, l.units, 4 * l.units),
				bias: l.bias,
				wasm
			};
		});
		const at = 2 * weights.layers.length;
		this.scratch = made
			? {
					arena: made.arena,
					dense: made.offsets[at],
					x: made.offsets[at + 1],
					z: made.offsets[at + 2],
					logits: made.offsets[at + 3],
					c: made.offsets[at + 4],
					h: made.offsets[at + 5],
					cols: vocabCols
				}
			: null;
		this.scratch?.arena.setMatrix(this.scratch.dense, weights.denseKernel, top, v, vocabCols);
		this.denseT = made ? null : transpose(weights.denseKernel, top, v);
		this.denseBias = weights.denseBias;
		this.denseKernel = weights.denseKernel;
		this.members = weights.members && weights.members.length > 1 ? weights.members : [];
		this.classes = pitchClassGroups(weights.vocabulary);
		this.groups = new Int32Array(weights.vocabulary.length);
		this.corrections = new Map(
			Object.entries(weights.corrections ?? {}).map(([k, c]) => [k, flatCorrection(c)])
		);
		this.z = new Float64Array(4 * Math.max(...weights.layers.map((l) => l.units)));
		let state: LstmState = {
			h: this.layers.map((l) => new Float32Array(l.units)),
			c: this.layers.map((l) => new Float32Array(l.units)),
			t: 0,
			...(lookback ? { past: new Int32Array(LOOKBACK_REACH) } : {}),
			ctx: NO_CONTEXT
		};
		this.slash = weights.vocabulary.indexOf(SONG_END);
		for (let k = 0; k < startSlashes; k++) state = this.advance(state, this.slash);
		this.start = state;
	}

	/** True when the model takes bar positions (model/features.ts) and so wants `withBar`. */
	get usesBar(): boolean {
		return this.meterInput;
	}

	/**
	 * The same model told the meter and bar phase of the song it reads (shares the weights). Without it a
	 * bar-input model sees no bar features, as for a song in free meter.
	 */
	withBar(bar: BarContext | null): LstmStepModel {
		const m = Object.create(LstmStepModel.prototype) as LstmStepModel;
		Object.assign(m, this);
		m.bar = bar;
		return m;
	}

	/**
	 * The same model writing in one of its styles (null: no style). Throws, naming the styles it has, for
	 * a style it does not know.
	 */
	withStyle(style: string | null): LstmStepModel {
		let row = -1;
		if (style !== null) {
			const k = this.styles.indexOf(style);
			if (k < 0) throw new Error(unknownStyleMessage(style, this.styles));
			row = this.vocabulary.length + styleSlot(this.meterInput, k);
		}
		const m = Object.create(LstmStepModel.prototype) as LstmStepModel;
		Object.assign(m, this);
		m.styleRow = row;
		m.correction = style === null ? null : (this.corrections.get(style) ?? null);
		return m;
	}

	/** Whether the model was merged from several and knows their outputs, so it can give their mixture. */
	get merged(): boolean {
		return this.members.length > 1;
	}

	/**
	 * The same model giving, at each step, the mixture of its members' distributions (`on`) or their
	 * normalized geometric mean (`off`; what its averaged logits give, and what it is scored with). The
	 * geometric mean is sharper where the members agree (both lean to holding a note: the product leans
	 * further), better in bits but not what either member would write. A model that is not merged is
	 * the same either way.
	 */
	withMixture(on: boolean): LstmStepModel {
		const m = Object.create(LstmStepModel.prototype) as LstmStepModel;
		Object.assign(m, this);
		m.mixture = on;
		return m;
	}

	initialState(): LstmState {
		return this.start;
	}

	/**
	 * The first layer's bias plus the kernel rows of a step's bar features. `featureIndices` hands out
	 * one array per distinct bar position, so the sums are kept per array: a song has few positions.
	 */
	private barRows(features: readonly number[]): Float32Array {
		let sum = this.barSums.get(features);
		if (!sum) {
			const layer = this.layers[0];
			const G = 4 * layer.units;
			const v = this.vocabulary.length;
			sum = Float32Array.from(layer.bias);
			for (const f of features) for (let j = 0; j < G; j++) sum[j] += layer.kernel[(v + f) * G + j];
			this.barSums.set(features, sum);
		}
		return sum;
	}

	/** Advances the state by one symbol; the given state is not modified. */
	advance(state: LstmState, symbolId: number): LstmState {
		const step = symbolId === this.slash ? 0 : state.t;
		const next: LstmState = {
			h: [],
			c: [],
			t: step + 1,
			ctx: nextContext(state.ctx, this.vocabulary[symbolId])
		};
		const features = this.meterInput ? featureIndices(this.bar, step) : NO_FEATURES;
		let back: readonly number[] = NO_FEATURES;
		if (state.past) {
			const past = state.past.slice();
			if (step > 0) past[(step - 1) % LOOKBACK_REACH] = symbolId;
			next.past = past;
			back = lookbackIndices(this.bar, step, (i) => past[i % LOOKBACK_REACH], this.vocabulary.length);
		}
		let input: Float32Array | null = null;
		for (let li = 0; li < this.layers.length; li++) {
			const layer = this.layers[li];
			const n = layer.units;
			const G = 4 * n;
			// Gate sums: the bias, plus the symbol's and bar features' kernel rows on the first layer.
			let z: Float32Array | Float64Array;
			let at: number;
			const sc = this.scratch;
			if (sc && layer.wasm) {
				z = sc.arena.f32;
				at = sc.z;
			} else {
				z = this.z;
				at = 0;
			}
			if (li === 0) {
				const row = symbolId * G;
				const base = this.barRows(features);
				for (let j = 0; j < G; j++) z[at + j] = base[j] + layer.kernel[row + j];
				if (this.styleRow >= 0) {
					const style = this.styleRow * G;
					for (let j = 0; j < G; j++) z[at + j] += layer.kernel[style + j];
				}
				for (const b of back) {
					const r = (this.lookbackRow + b) * G;
					for (let j = 0; j < G; j++) z[at + j] += layer.kernel[r + j];
				}
			} else for (let j = 0; j < G; j++) z[at + j] = layer.bias[j];
			const hPrev = state.h[li];
			if (sc && layer.wasm) {
				const w = layer.wasm;
				if (li > 0) {
					sc.arena.f32.set(input!, sc.x);
					sc.arena.matvec(w.kernel, sc.x, sc.z, layer.inputSize, w.cols);
				}
				sc.arena.f32.set(hPrev, sc.x);
				if (w.blocks)
					for (const b of w.blocks)
						for (let g = 0; g < 4; g++)
							sc.arena.matvec(b.gates[g], sc.x + b.start, sc.z + g * n + b.start, b.size, b.cols);
				else sc.arena.matvec(w.recurrent, sc.x, sc.z, n, w.cols);
			} else {
				for (let j = 0; j < G; j++) {
					z[j] += dot(layer.recurrentT!, j * n, hPrev, n);
					if (li > 0) z[j] += dot(layer.kernelT!, j * layer.inputSize, input!, layer.inputSize);
				}
			}
			const cPrev = state.c[li];
			let h: Float32Array;
			let c: Float32Array;
			if (sc && layer.wasm && n % 4 === 0) {
				// The gates in WebAssembly too: their exponentials were half of a step's time in JS.
				const f = sc.arena.f32;
				f.set(cPrev, sc.c);
				sc.arena.gates(sc.z, sc.c, sc.h, n);
				c = f.slice(sc.c, sc.c + n);
				h = f.slice(sc.h, sc.h + n);
			} else {
				h = new Float32Array(n);
				c = new Float32Array(n);
				for (let j = 0; j < n; j++) {
					const cj = sigmoid(z[at + n + j]) * cPrev[j] + sigmoid(z[at + j]) * Math.tanh(z[at + 2 * n + j]);
					c[j] = cj;
					h[j] = sigmoid(z[at + 3 * n + j]) * Math.tanh(cj);
				}
			}
			next.h.push(h);
			next.c.push(c);
			input = h;
		}
		return next;
	}

	/**
	 * The mean of the members' own distributions: member m's logits are its units' share of the output
	 * kernel (stored × 1/M in the merged layer) times M, plus its own bias. A member that was itself merged
	 * gives the mean of its own members' distributions (their rows stored × 1/M × 1/M′), so a model merged
	 * with itself samples as the model alone.
	 */
	private mixtureOutput(h: Float32Array): Float32Array {
		const p = new Float32Array(this.vocabulary.length);
		this.mixInto(p, h, this.members, 0, this.members.length, 1);
		return p;
	}

	/** Adds `weight` × the mixture of `members` (their units from `offset`, rows scaled by 1/`scale`) to `p`. */
	private mixInto(
		p: Float32Array,
		h: Float32Array,
		members: readonly MemberOutput[],
		offset: number,
		scale: number,
		weight: number
	): void {
		const v = this.vocabulary.length;
		const k = this.denseKernel;
		const logits = new Float64Array(v);
		let off = offset;
		for (const m of members) {
			const share = weight / members.length;
			if (m.members) {
				this.mixInto(p, h, m.members, off, scale * m.members.length, share);
				off += m.units;
				continue;
			}
			logits.fill(0);
			for (let r = off; r < off + m.units; r++) {
				const x = h[r];
				if (x === 0) continue;
				const row = r * v;
				for (let j = 0; j < v; j++) logits[j] += x * k[row + j];
			}
			let max = -Infinity;
			for (let j = 0; j < v; j++) max = Math.max(max, (logits[j] = logits[j] * scale + m.denseBias[j]));
			let sum = 0;
			for (let j = 0; j < v; j++) sum += logits[j] = Math.exp(logits[j] - max);
			for (let j = 0; j < v; j++) p[j] += (share * logits[j]) / sum;
			off += m.units;
		}
	}

	/** Next-symbol distribution: the network's, reweighted by the style's correction where it has one. */
	output(state: LstmState): Float32Array {
		const p = this.networkOutput(state);
		return this.correction
			? applyCorrection(p, this.vocabulary, this.correction, state.ctx, this.groups, this.classes)
			: p;
	}

	/** Next-symbol distribution from the top layer's output. */
	private networkOutput(state: LstmState): Float32Array {
		const h = state.h[state.h.length - 1];
		if (this.mixture && this.members.length > 1) return this.mixtureOutput(h);
		const v = this.vocabulary.length;
		const logits = new Float64Array(v);
		const sc = this.scratch;
		if (sc) {
			const f = sc.arena.f32;
			f.set(this.denseBias, sc.logits);
			f.set(h, sc.x);
			sc.arena.matvec(sc.dense, sc.x, sc.logits, h.length, sc.cols);
			for (let j = 0; j < v; j++) logits[j] = f[sc.logits + j];
		} else
			for (let j = 0; j < v; j++)
				logits[j] = this.denseBias[j] + dot(this.denseT!, j * h.length, h, h.length);
		let max = -Infinity;
		for (let j = 0; j < v; j++) max = Math.max(max, logits[j]);
		let sum = 0;
		for (let j = 0; j < v; j++) sum += logits[j] = Math.exp(logits[j] - max);
		const p = new Float32Array(v);
		for (let j = 0; j < v; j++) p[j] = logits[j] / sum;
		return p;
	}

	step(state: LstmState, symbolId: number): { state: LstmState; probabilities: Float32Array } {
		const next = this.advance(state, symbolId);
		return { state: next, probabilities: this.output(next) };
	}
}

/** The sentence for a style a model does not have: it names the ones it has. */
export function unknownStyleMessage(style: string, styles: readonly string[]): string {
	return styles.length
		? `This model has no style "${style}"; its styles are ${styles.join(', ')}.`
		: `This model has no styles (it was trained on one corpus), so it cannot write in the style "${style}".`;
}
