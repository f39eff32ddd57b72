/**
 * Output calibration: the output bias at which a model predicts each symbol, along songs read with their
 * own earlier symbols, as often as the songs have it. Training should end there (it is where the loss's
 * gradient in the bias vanishes), but the networks this project trains do not quite: run without the
 * dropout they learned with, and even without any, they predict too few note onsets on their own training
 * songs (5–8 % for a small model without dropout, docs/model-card.md, "Sampling what the model learned"),
 * and so write notes too long. Refitting the bias on the training songs is the measured correction.
 */
import { LstmStepModel } from '../model/lstm-step';
import { songBarContext } from '../model/features';
import { fitOutputBias } from '../model/merge';
import type { LstmModelWeights } from '../model/types';
import { SONG_END } from '../music/symbols';

/**
 * A song as the model reads it: its symbols, its meter and bars for a bar-input model, and for a model
 * with styles the style it is read in (else the one the options give).
 */
export type CalibrationSong = { symbols: readonly string[]; style?: string } & Parameters<
	typeof songBarContext
>[0];

/**
 * Each part's logits without bias (part k: top-layer units `parts[k]`, the output kernel's rows scaled by
 * `scale`) at every step of the songs, read from `/` to the closing `/`, and the symbol that followed.
 * Songs with a symbol outside the vocabulary are skipped.
 */
export function outputLogits(
	weights: LstmModelWeights,
	songs: readonly CalibrationSong[],
	options: { style?: string | null; parts?: readonly { start: number; size: number }[]; scale?: number } = {}
): { logits: Float32Array[]; targets: Int32Array } {
	const v = weights.vocabulary.length;
	const top = weights.layers[weights.layers.length - 1].units;
	const parts = options.parts ?? [{ start: 0, size: top }];
	const scale = options.scale ?? 1;
	const base = new LstmStepModel(weights);
	const model = base.withStyle(options.style ?? null);
	const index = new Map(weights.vocabulary.map((s, i) => [s, i]));
	const slash = index.get(SONG_END)!;
	const read = songs
		.map((song) => ({ song, ids: song.symbols.map((x) => index.get(x) ?? -1) }))
		.filter((s) => !s.ids.includes(-1));
	const steps = read.reduce((n, s) => n + s.ids.length + 1, 0);
	const logits = parts.map(() => new Float32Array(steps * v));
	const targets = new Int32Array(steps);
	const k = weights.denseKernel;
	let t = 0;
	for (const { song, ids } of read) {
		const m = (song.style === undefined ? model : base.withStyle(song.style)).withBar(songBarContext(song));
		let state = m.initialState();
		const inputs = [slash, ...ids];
		for (let i = 0; i < inputs.length; i++) {
			state = m.advance(state, inputs[i]);
			const h = state.h[state.h.length - 1];
			parts.forEach((p, n) => {
				const out = logits[n];
				for (let r = p.start; r < p.start + p.size; r++) {
					const x = h[r] * scale;
					if (x === 0) continue;
					for (let j = 0; j < v; j++) out[t * v + j] += x * k[r * v + j];
				}
			});
			targets[t++] = i + 1 < inputs.length ? inputs[i + 1] : slash;
		}
	}
	return { logits, targets };
}

/**
 * A plain model's output bias refit on its training songs (see the file's comment); `l2` pulls it towards
 * the bias it had (`fitOutputBias`), which keeps symbols the songs lack where they were.
 */
export function calibratedBias(
	weights: LstmModelWeights,
	songs: readonly CalibrationSong[],
	options: { style?: string | null; l2?: number } = {}
): Float32Array {
	const { logits, targets } = outputLogits(weights, songs, { style: options.style ?? null });
	return fitOutputBias(logits[0], weights.vocabulary.length, targets, weights.denseBias, options.l2);
}
