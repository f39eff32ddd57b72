/**
 * The LSTM as a StepModel on TensorFlow.js (one symbol at a time, state carried as tensors), to measure
 * generation on the `wasm` and `cpu` backends against plain JS. Probabilities are read synchronously,
 * which is safe on `cpu` and `wasm` only (never on webgpu: see docs/browsers.md). Tensors made while
 * generating are freed by running inside `tf.engine().startScope()` / `endScope()`.
 */
import * as tf from '@tensorflow/tfjs';
import type { LstmModelWeights, StepModel } from '../model/types';
import { layerTensors, stackStep } from '../eval/batched';

/** Hidden and cell state per layer, [1, units] each. */
export interface TfjsLstmState {
	h: tf.Tensor2D[];
	c: tf.Tensor2D[];
}

export class TfjsStepModel implements StepModel<TfjsLstmState> {
	readonly vocabulary: readonly string[];
	private readonly t: ReturnType<typeof layerTensors>;

	constructor(weights: LstmModelWeights) {
		this.vocabulary = weights.vocabulary;
		this.t = layerTensors(weights);
	}

	initialState(): TfjsLstmState {
		return {
			h: this.t.layers.map((l) => tf.zeros([1, l.units]) as tf.Tensor2D),
			c: this.t.layers.map((l) => tf.zeros([1, l.units]) as tf.Tensor2D)
		};
	}

	step(state: TfjsLstmState, symbolId: number): { state: TfjsLstmState; probabilities: Float32Array } {
		const ids = tf.tensor1d([symbolId], 'int32');
		const next = stackStep(this.t.layers, ids, state.h, state.c);
		const p = tf.softmax(tf.add(tf.matMul(next.h[next.h.length - 1], this.t.denseKernel), this.t.denseBias));
		return { state: next, probabilities: p.dataSync() as Float32Array };
	}

	/** Frees the weights. */
	dispose(): void {
		for (const l of this.t.layers) tf.dispose([l.kernel, l.recurrent, l.bias]);
		tf.dispose([this.t.denseKernel, this.t.denseBias]);
	}
}
