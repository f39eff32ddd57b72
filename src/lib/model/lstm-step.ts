/**
 * A stacked LSTM run one symbol at a time in plain JavaScript. For a single sequence this beats every
 * TensorFlow.js backend (per-op overhead dominates there), so generation and scoring use it.
 * The maths is Keras's LSTM: gates i, f, c, o; sigmoid gates, tanh cell and output.
 * Weights are transposed once so each gate is a dot product over contiguous memory with four
 * accumulators: about 2x faster than updating row by row.
 */
import type { LstmModelWeights, StepModel } from './types';
import { extraInputSize, featureIndices, styleSlot, type BarContext } from './features';
import { SONG_END } from '../music/symbols';

/** Hidden and cell state of every layer. */
export interface LstmState {
	h: Float32Array[];
	c: Float32Array[];
	/** Symbols read since the last `/`, counting it: the step, in the song, of the next target. */
	t: number;
}

interface Layer {
	units: number;
	inputSize: number;
	/** [inputSize, 4u] as stored: one-hot input is a row gather. */
	kernel: Float32Array;
	/** [4u, inputSize]: dense input from the layer below. */
	kernelT: Float64Array;
	/** [4u, u]. */
	recurrentT: Float64Array;
	bias: Float32Array;
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

function sigmoid(x: number): number {
	return 1 / (1 + Math.exp(-x));
}

export class LstmStepModel implements StepModel<LstmState> {
	readonly vocabulary: readonly string[];
	private readonly layers: Layer[];
	private readonly denseT: Float64Array;
	private readonly denseBias: Float32Array;
	private readonly start: LstmState;
	private readonly slash: number;
	private readonly meterInput: boolean;
	/** Style ids in slot order (empty for a model without styles). */
	readonly styles: readonly string[];
	private bar: BarContext | null = null;
	/** Row of the first layer's kernel for the chosen style, or −1 for "no style". */
	private styleRow = -1;

	/**
	 * `startSlashes`: how many `/` the initial state has already read (63 for a model trained the
	 * reference's way, whose every window starts padded with `/`).
	 */
	constructor(weights: LstmModelWeights, startSlashes = 0) {
		this.vocabulary = weights.vocabulary;
		const v = weights.vocabulary.length;
		this.meterInput = weights.meterInput === true;
		this.styles = weights.styles ?? [];
		const inputs = v + extraInputSize(this.meterInput, this.styles.length);
		if (weights.layers[0]?.inputSize !== inputs)
			throw new Error(
				`The first LSTM layer expects ${weights.layers[0]?.inputSize} inputs, the vocabulary has ${v}.`
			);
		this.layers = weights.layers.map((l) => ({
			units: l.units,
			inputSize: l.inputSize,
			kernel: l.kernel,
			kernelT: transpose(l.kernel, l.inputSize, 4 * l.units),
			recurrentT: transpose(l.recurrentKernel, l.units, 4 * l.units),
			bias: l.bias
		}));
		const top = weights.layers[weights.layers.length - 1].units;
		this.denseT = transpose(weights.denseKernel, top, v);
		this.denseBias = weights.denseBias;
		let state: LstmState = {
			h: this.layers.map((l) => new Float32Array(l.units)),
			c: this.layers.map((l) => new Float32Array(l.units)),
			t: 0
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
		return m;
	}

	initialState(): LstmState {
		return this.start;
	}

	/** Advances the state by one symbol; the given state is not modified. */
	advance(state: LstmState, symbolId: number): LstmState {
		const step = symbolId === this.slash ? 0 : state.t;
		const next: LstmState = { h: [], c: [], t: step + 1 };
		let input: Float32Array | null = null;
		const features = this.meterInput ? featureIndices(this.bar, step) : [];
		const v = this.vocabulary.length;
		this.layers.forEach((layer, li) => {
			const n = layer.units;
			const hPrev = state.h[li];
			const cPrev = state.c[li];
			const h = new Float32Array(n);
			const c = new Float32Array(n);
			const z = new Float64Array(4 * n);
			for (let j = 0; j < 4 * n; j++) {
				z[j] =
					layer.bias[j] +
					dot(layer.recurrentT, j * n, hPrev, n) +
					(li === 0
						? layer.kernel[symbolId * 4 * n + j]
						: dot(layer.kernelT, j * layer.inputSize, input!, layer.inputSize));
			}
			if (li === 0) {
				for (const f of features) {
					const row = (v + f) * 4 * n;
					for (let j = 0; j < 4 * n; j++) z[j] += layer.kernel[row + j];
				}
				if (this.styleRow >= 0) {
					const row = this.styleRow * 4 * n;
					for (let j = 0; j < 4 * n; j++) z[j] += layer.kernel[row + j];
				}
			}
			for (let j = 0; j < n; j++) {
				const cj = sigmoid(z[n + j]) * cPrev[j] + sigmoid(z[j]) * Math.tanh(z[2 * n + j]);
				c[j] = cj;
				h[j] = sigmoid(z[3 * n + j]) * Math.tanh(cj);
			}
			next.h.push(h);
			next.c.push(c);
			input = h;
		});
		return next;
	}

	/** Next-symbol distribution from the top layer's output. */
	output(state: LstmState): Float32Array {
		const h = state.h[state.h.length - 1];
		const v = this.vocabulary.length;
		const logits = new Float64Array(v);
		let max = -Infinity;
		for (let j = 0; j < v; j++) {
			logits[j] = this.denseBias[j] + dot(this.denseT, j * h.length, h, h.length);
			max = Math.max(max, logits[j]);
		}
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
