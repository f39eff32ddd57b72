/**
 * A stacked LSTM run one symbol at a time in plain JavaScript. For a single sequence this beats every
 * TensorFlow.js backend (per-op overhead dominates there), so generation and scoring use it.
 * The maths is Keras's LSTM: gates i, f, c, o; sigmoid gates, tanh cell and output.
 */
import type { LstmModelWeights, StepModel } from './types';

/** Hidden and cell state of every layer. */
export interface LstmState {
	h: Float32Array[];
	c: Float32Array[];
}

function sigmoid(x: number): number {
	return 1 / (1 + Math.exp(-x));
}

export class LstmStepModel implements StepModel<LstmState> {
	readonly vocabulary: readonly string[];
	private readonly z: Float32Array[];

	constructor(readonly weights: LstmModelWeights) {
		this.vocabulary = weights.vocabulary;
		this.z = weights.layers.map((l) => new Float32Array(4 * l.units));
		const v = weights.vocabulary.length;
		if (weights.layers[0]?.inputSize !== v)
			throw new Error(
				`The first LSTM layer expects ${weights.layers[0]?.inputSize} inputs, the vocabulary has ${v}.`
			);
	}

	initialState(): LstmState {
		return {
			h: this.weights.layers.map((l) => new Float32Array(l.units)),
			c: this.weights.layers.map((l) => new Float32Array(l.units))
		};
	}

	/** Advances the state by one symbol; the given state is not modified. */
	advance(state: LstmState, symbolId: number): LstmState {
		const next: LstmState = { h: [], c: [] };
		let input: Float32Array | null = null;
		this.weights.layers.forEach((layer, li) => {
			const n = layer.units;
			const g = 4 * n;
			const z = this.z[li];
			z.set(layer.bias);
			if (li === 0) {
				// One-hot input: the input projection is one row of the kernel.
				const row = symbolId * g;
				for (let j = 0; j < g; j++) z[j] += layer.kernel[row + j];
			} else {
				const x = input!;
				for (let k = 0; k < x.length; k++) {
					const xk = x[k];
					if (xk === 0) continue;
					const row = k * g;
					for (let j = 0; j < g; j++) z[j] += xk * layer.kernel[row + j];
				}
			}
			const hPrev = state.h[li];
			for (let k = 0; k < n; k++) {
				const hk = hPrev[k];
				if (hk === 0) continue;
				const row = k * g;
				for (let j = 0; j < g; j++) z[j] += hk * layer.recurrentKernel[row + j];
			}
			const h = new Float32Array(n);
			const c = new Float32Array(n);
			const cPrev = state.c[li];
			for (let j = 0; j < n; j++) {
				const i = sigmoid(z[j]);
				const f = sigmoid(z[n + j]);
				const cc = Math.tanh(z[2 * n + j]);
				const o = sigmoid(z[3 * n + j]);
				c[j] = f * cPrev[j] + i * cc;
				h[j] = o * Math.tanh(c[j]);
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
		const { denseKernel, denseBias } = this.weights;
		const logits = new Float64Array(v);
		for (let j = 0; j < v; j++) logits[j] = denseBias[j];
		for (let k = 0; k < h.length; k++) {
			const hk = h[k];
			const row = k * v;
			for (let j = 0; j < v; j++) logits[j] += hk * denseKernel[row + j];
		}
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
