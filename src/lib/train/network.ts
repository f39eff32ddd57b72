/**
 * The trainable network: a stacked fast LSTM with a softmax on top, as TensorFlow.js variables made from
 * plain weights; one batch forward and, when training, backward with hand-written gradients (dropout,
 * clipping, label smoothing); and the weights read back. The loop around it is trainer.ts.
 */
import * as tf from '#tf';
import {
	dropoutMask,
	lstmBackward,
	lstmForward,
	oneHotFloat,
	type LstmCache,
	type LstmInput,
	type LstmParams
} from './fast-lstm';
import { hasRowKernels, matMulFast, transpose2d } from './lstm-kernels';
import type { Batch } from './data';
import type { TrainConfig } from '../model/config';
import type { LstmModelWeights } from '../model/types';

/** Hidden and cell state per layer, [lanes, units] each. */
export interface LstmState {
	h: tf.Tensor2D[];
	c: tf.Tensor2D[];
}

export class Network {
	private params: (LstmParams & {
		kernel: tf.Variable<tf.Rank.R2>;
		recurrentKernel: tf.Variable<tf.Rank.R2>;
		bias: tf.Variable<tf.Rank.R1>;
	})[];
	private dense: { kernel: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> };
	private readonly vocabulary: readonly string[];
	private readonly vocabularySize: number;
	/** The model's styles (empty without): one input slot each, after the bar features. */
	private readonly styles: readonly string[];

	constructor(
		weights: LstmModelWeights,
		private readonly config: TrainConfig
	) {
		this.vocabulary = weights.vocabulary;
		this.vocabularySize = weights.vocabulary.length;
		this.styles = [...(weights.styles ?? [])];
		// Inside tidy: tf.variable keeps its own copy, the initial tensors go.
		this.params = tf.tidy(() =>
			weights.layers.map((l) => ({
				kernel: tf.variable(tf.tensor2d(l.kernel, [l.inputSize, 4 * l.units])),
				recurrentKernel: tf.variable(tf.tensor2d(l.recurrentKernel, [l.units, 4 * l.units])),
				bias: tf.variable(tf.tensor1d(l.bias))
			}))
		);
		this.dense = tf.tidy(() => ({
			kernel: tf.variable(tf.tensor2d(weights.denseKernel, [config.units, this.vocabularySize])),
			bias: tf.variable(tf.tensor1d(weights.denseBias))
		}));
	}

	/** Every trainable variable, in the order of the gradients `pass` returns. */
	variables(): tf.Variable[] {
		return [
			...this.params.flatMap((p) => [p.kernel, p.recurrentKernel, p.bias] as tf.Variable[]),
			this.dense.kernel,
			this.dense.bias
		];
	}

	/** Zero hidden and cell state for `lanes` sequences. */
	zeroState(lanes: number): LstmState {
		const n = this.config.units;
		return {
			h: this.params.map(() => tf.zeros([lanes, n]) as tf.Tensor2D),
			c: this.params.map(() => tf.zeros([lanes, n]) as tf.Tensor2D)
		};
	}

	/**
	 * Forward (and when training, backward) over one batch from `state`. Returns the statistics
	 * [lossSum, correct, count, gradNormSq] as one tensor, the new state and, when training, gradients.
	 */
	pass(
		batch: Batch,
		state: LstmState,
		training: boolean,
		seed: number
	): { stats: tf.Tensor1D; h: tf.Tensor2D[]; c: tf.Tensor2D[]; grads: tf.Tensor[] | null } {
		const c = this.config;
		type Out = { stats: tf.Tensor1D; h: tf.Tensor2D[]; c: tf.Tensor2D[]; grads: tf.Tensor[] };
		const out = tf.tidy((): Out => {
			const T = batch.steps;
			const B = batch.lanes;
			const V = this.vocabularySize;
			const n = c.units;
			const ids = tf.tensor2d(batch.inputs, [T, B], 'int32');
			const keep = batch.keep.map((k) => (k ? (tf.tensor2d(k, [B, 1]) as tf.Tensor2D) : null));
			// Built in JS: four tensor ops over [T, B, n] cost ~50 ms a batch on wasm for 256 units.
			const dropMask = (shape: number[], rate: number, s: number) =>
				tf.tensor(
					dropoutMask(
						shape.reduce((a, b) => a * b, 1),
						rate,
						s
					),
					shape
				);
			const caches: LstmCache[] = [];
			const outMasks: (tf.Tensor | null)[] = [];
			const hs: tf.Tensor2D[] = [];
			const cs: tf.Tensor2D[] = [];
			let x: tf.Tensor3D | null = null;
			this.params.forEach((p, l) => {
				const rmask =
					training && c.recurrentDropout > 0
						? (dropMask([B, n], c.recurrentDropout, seed + 2 * l + 1) as tf.Tensor2D)
						: null;
				const input = x ? { x } : batch.features ? this.firstInput(batch) : { ids };
				const r = lstmForward(input, p, state.h[l], state.c[l], { keep, recurrentMask: rmask, training });
				hs.push(r.h);
				cs.push(r.c);
				if (r.cache) caches.push(r.cache);
				let y: tf.Tensor3D = r.outputs;
				const mask = training && c.dropout > 0 ? dropMask([T, B, n], c.dropout, seed + 2 * l + 2) : null;
				if (mask) y = tf.mul(y, mask);
				outMasks.push(mask);
				x = y;
			});
			const top = x! as tf.Tensor3D;
			const rows = batch.lastOnly ? B : T * B;
			const from = batch.lastOnly ? (T - 1) * B : 0;
			const Y = batch.lastOnly
				? (tf.reshape(tf.slice(top, [T - 1, 0, 0], [1, B, n]), [B, n]) as tf.Tensor2D)
				: (tf.reshape(top, [T * B, n]) as tf.Tensor2D);
			const targets = tf.tensor1d(batch.targets.subarray(from, from + rows), 'int32');
			const w = tf.tensor1d(batch.weights.subarray(from, from + rows));
			const logits = tf.add(matMulFast(Y, this.dense.kernel), this.dense.bias);
			const logp = tf.logSoftmax(logits);
			const oh = oneHotFloat(targets, V);
			const nll = tf.neg(tf.sum(tf.mul(logp, oh), 1));
			const count = tf.sum(w);
			const lossSum = tf.sum(tf.mul(nll, w));
			const correct = tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(logits, 1), targets), 'float32'), w));
			if (!training)
				return {
					stats: tf.stack([lossSum, correct, count, tf.scalar(0)]) as tf.Tensor1D,
					h: hs,
					c: cs,
					grads: []
				};

			// Mean cross-entropy over the batch's targets: d/dlogits = (p − q)·w / N, q the one-hot target, or
			// with label smoothing ε the target (1 − ε)·onehot + ε / V. The stats above stay plain NLL.
			const scale = tf.div(w, tf.maximum(count, 1));
			const eps = c.labelSmoothing;
			const q = eps > 0 ? tf.add(tf.mul(oh, 1 - eps), eps / V) : oh;
			const dLogits = tf.mul(tf.sub(tf.exp(logp), q), tf.expandDims(scale, 1)) as tf.Tensor2D;
			const gDenseK = matMulFast(transpose2d(Y), dLogits);
			const gDenseB = tf.sum(dLogits, 0);
			const dY = matMulFast(dLogits, this.dense.kernel, true);
			let dTop: tf.Tensor3D = batch.lastOnly
				? (tf.concat([tf.zeros([T - 1, B, n]), tf.reshape(dY, [1, B, n])], 0) as tf.Tensor3D)
				: (tf.reshape(dY, [T, B, n]) as tf.Tensor3D);
			const layerGrads: tf.Tensor[][] = new Array(this.params.length);
			for (let l = this.params.length - 1; l >= 0; l--) {
				const mask = outMasks[l];
				if (mask) dTop = tf.mul(dTop, mask);
				const g = lstmBackward(caches[l], this.params[l], dTop);
				layerGrads[l] = [g.kernel, g.recurrentKernel, g.bias];
				if (g.input) dTop = g.input;
			}
			let grads = [...layerGrads.flat(), gDenseK, gDenseB];
			const normSq = tf.addN(grads.map((g) => tf.sum(tf.square(g))));
			if (c.clipNorm > 0) {
				const factor = tf.div(c.clipNorm, tf.maximum(tf.sqrt(normSq), c.clipNorm));
				grads = grads.map((g) => tf.mul(g, factor));
			}
			const stats = tf.stack([lossSum, correct, count, normSq]) as tf.Tensor1D;
			return { stats, h: hs, c: cs, grads };
		}) as Out;
		return { ...out, grads: training ? out.grads : null };
	}

	/** The current weights as plain arrays (async: never a synchronous read, see docs/browsers.md). */
	async weights(): Promise<LstmModelWeights> {
		const layers = await Promise.all(
			this.params.map(async (p) => ({
				inputSize: p.kernel.shape[0],
				units: this.config.units,
				kernel: (await p.kernel.data()) as Float32Array,
				recurrentKernel: (await p.recurrentKernel.data()) as Float32Array,
				bias: (await p.bias.data()) as Float32Array
			}))
		);
		return {
			vocabulary: [...this.vocabulary],
			layers,
			denseKernel: (await this.dense.kernel.data()) as Float32Array,
			denseBias: (await this.dense.bias.data()) as Float32Array,
			...(this.config.meterInput ? { meterInput: true } : {}),
			...(this.styles.length ? { styles: [...this.styles] } : {}),
			...(this.config.lookback ? { lookback: true } : {})
		};
	}

	/**
	 * The first layer's input with bar features, styles or lookback: the symbol, then the step's features.
	 * Where the backend has the row kernels, as row ids [T, B, K] (the symbol's and each feature's kernel
	 * row, −1 padding): the input has 10–20 ones in about 240 columns, so summing those rows beats
	 * the product (and its weight gradient) with the dense input, which other backends get.
	 */
	private firstInput(batch: Batch): LstmInput {
		const V = this.vocabularySize;
		const rows = batch.steps * batch.lanes;
		if (hasRowKernels()) {
			let K = 1;
			for (let r = 0; r < rows; r++) K = Math.max(K, 1 + batch.features![r].length);
			const ids = new Int32Array(rows * K).fill(-1);
			for (let r = 0; r < rows; r++) {
				ids[r * K] = batch.inputs[r];
				batch.features![r].forEach((f, q) => (ids[r * K + 1 + q] = V + f));
			}
			return { ids: tf.tensor3d(ids, [batch.steps, batch.lanes, K], 'int32') };
		}
		return { x: this.denseFirstInput(batch), constant: true };
	}

	/** The first layer's dense input: one-hot symbol, then the step's features. */
	private denseFirstInput(batch: Batch): tf.Tensor3D {
		const V = this.vocabularySize;
		const D = this.params[0].kernel.shape[0];
		const rows = batch.steps * batch.lanes;
		const x = new Float32Array(rows * D);
		for (let r = 0; r < rows; r++) {
			x[r * D + batch.inputs[r]] = 1;
			for (const f of batch.features![r]) x[r * D + V + f] = 1;
		}
		return tf.tensor3d(x, [batch.steps, batch.lanes, D]);
	}

	/** Sets every variable from plain weights of the same shapes. */
	setWeights(w: LstmModelWeights): void {
		w.layers.forEach((l, i) => {
			const p = this.params[i];
			tf.tidy(() => {
				p.kernel.assign(tf.tensor2d(l.kernel, p.kernel.shape));
				p.recurrentKernel.assign(tf.tensor2d(l.recurrentKernel, p.recurrentKernel.shape));
				p.bias.assign(tf.tensor1d(l.bias));
			});
		});
		tf.tidy(() => {
			this.dense.kernel.assign(tf.tensor2d(w.denseKernel, this.dense.kernel.shape));
			this.dense.bias.assign(tf.tensor1d(w.denseBias));
		});
	}

	/** Frees the variables. */
	dispose(): void {
		for (const x of this.variables()) x.dispose();
	}
}
