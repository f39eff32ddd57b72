/**
 * Scoring the reference's Keras model the way it was trained: each prediction sees only the previous
 * 64 symbols, padded with `/` at the song start, run from a zero state. That is 64 LSTM steps per target,
 * so windows are batched through TensorFlow.js (wasm in Node: ~20x plain JS). Windows that start in the
 * padding share its state: targets are sorted by how many song symbols their window holds, and a batch
 * whose windows hold at most S starts from the state after 64 - S slashes and runs only S steps.
 */
import * as tf from '#tf';
import { LstmStepModel } from '../model/lstm-step';
import type { LstmModelWeights } from '../model/types';
import { REFERENCE_WINDOW } from '../model/config';
import { ScoreAccumulator, inputId, type EvalResult, type ScoreOptions } from './score';
import { layerTensors, stackStep } from './batched';
import { SONG_END } from '../music/symbols';

/** Options of windowed scoring. */
export interface WindowedOptions extends Omit<ScoreOptions, 'onProgress'> {
	window?: number;
	/** Windows per batch; larger is faster up to memory. */
	batchSize?: number;
	/** Called after each batch with targets done and total. */
	onProgress?: (done: number, total: number) => void;
}

/** Scores songs with a windowed LSTM (the reference's protocol) on the current TensorFlow.js backend. */
export async function scoreWindowed(
	weights: LstmModelWeights,
	songs: readonly (readonly string[])[],
	options: WindowedOptions = {}
): Promise<EvalResult> {
	const window = options.window ?? REFERENCE_WINDOW;
	const batchSize = options.batchSize ?? 1024;
	const vocab = weights.vocabulary;
	const index = new Map(vocab.map((s, i) => [s, i]));
	const slash = index.get(SONG_END);
	if (slash === undefined) throw new Error('The model has no "/" in its vocabulary, so it cannot be scored.');

	// Inputs as ids (unknown symbols substituted), targets as symbols.
	const inputs = songs.map((s) => Int32Array.from(s, (x) => inputId(x, index)));
	const targets: { song: number; t: number; m: number }[] = [];
	songs.forEach((s, song) => {
		for (let t = 0; t <= s.length; t++) targets.push({ song, t, m: Math.min(t, window) });
	});
	targets.sort((a, b) => a.m - b.m || a.song - b.song || a.t - b.t);

	// State after k slashes from zero, k = 0..window, per layer (cheap in plain JS).
	const lstm = new LstmStepModel(weights);
	const padStates = [lstm.initialState()];
	for (let k = 1; k <= window; k++) padStates.push(lstm.advance(padStates[k - 1], slash));

	const { layers, denseKernel, denseBias } = layerTensors(weights);

	const acc = new ScoreAccumulator();
	acc.songs = songs.length;
	try {
		for (let start = 0; start < targets.length; start += batchSize) {
			options.signal?.throwIfAborted();
			const batch = targets.slice(start, start + batchSize);
			const B = batch.length;
			const S = batch[B - 1].m;
			// Time-major ids of the last S symbols of each window (slashes before the song start).
			const ids = new Int32Array(Math.max(S, 1) * B);
			const targetIds = new Int32Array(B);
			batch.forEach(({ song, t }, r) => {
				for (let s = 0; s < S; s++) {
					const i = t - S + s;
					ids[s * B + r] = i >= 0 ? inputs[song][i] : slash;
				}
				targetIds[r] = index.get(t < songs[song].length ? songs[song][t] : SONG_END) ?? 0;
			});
			const pad = padStates[window - S];
			const [logp, best] = tf.tidy(() => {
				let h = layers.map((l, li) => tf.tile(tf.tensor2d(pad.h[li], [1, l.units]), [B, 1]));
				let c = layers.map((l, li) => tf.tile(tf.tensor2d(pad.c[li], [1, l.units]), [B, 1]));
				const idT = tf.tensor2d(ids, [Math.max(S, 1), B], 'int32');
				for (let s = 0; s < S; s++) {
					const next = stackStep(layers, tf.reshape(tf.slice(idT, [s, 0], [1, B]), [B]) as tf.Tensor1D, h, c);
					h = next.h;
					c = next.c;
				}
				const logits = tf.add(tf.matMul(h[h.length - 1], denseKernel), denseBias);
				const lp = tf.logSoftmax(logits);
				const picked = tf.sum(tf.mul(lp, tf.oneHot(tf.tensor1d(targetIds, 'int32'), vocab.length)), 1);
				return [picked, tf.argMax(logits, 1)];
			});
			const [lpv, bv] = await Promise.all([logp.data(), best.data()]);
			logp.dispose();
			best.dispose();
			batch.forEach(({ song, t }, r) => {
				const symbol = t < songs[song].length ? songs[song][t] : SONG_END;
				if (!index.has(symbol)) acc.add(symbol, null, false);
				else acc.addLog(symbol, lpv[r], bv[r] === targetIds[r]);
			});
			options.onProgress?.(Math.min(start + B, targets.length), targets.length);
		}
	} finally {
		for (const l of layers) tf.dispose([l.kernel, l.recurrent, l.bias]);
		tf.dispose([denseKernel, denseBias]);
	}
	return acc.result();
}
