/**
 * The one scoring protocol for every model (issue 4, `cli eval`): each song is scored symbol by symbol,
 * its symbols followed by one `/` that ends it, each prediction conditioned only on the song's own earlier
 * symbols. A `StepModel` starts every song from its initial state and is fed `/` first (the way this
 * project's models are trained: songs are preceded by a `/`), then the song's symbols; the reference's
 * Keras model instead sees the last 64 symbols padded with `/` (see windowed.ts). Same targets, same
 * arithmetic, so the figures compare.
 */
import type { StepModel } from '../model/types';
import type { LstmStepModel } from '../model/lstm-step';
import { songBarContext } from '../model/features';
import { HOLD, REST, SONG_END } from '../music/symbols';

/** Probability charged for a target outside the model's vocabulary (and counted wrong). */
export const OOV_PROBABILITY = 1e-6;
/** Probabilities below this (float underflow, a hard zero) are raised to it so a score stays finite. */
export const PROBABILITY_FLOOR = 1e-30;

/** Held-out scores; the JSON keys of `cli eval --json`. */
export interface EvalResult {
	songs: number;
	/** Targets scored: every symbol of every song plus one `/` per song. */
	steps: number;
	bitsPerStep: number;
	natsPerStep: number;
	/** Fraction of targets that were the model's most probable symbol. */
	accuracy: number;
	/** Accuracy on targets that start a note or a rest (a pitch or `r`). */
	onsetAccuracy: number;
	/** Total bits divided by the number of note and rest onsets. */
	bitsPerNote: number;
	/** Targets outside the model's vocabulary, scored with OOV_PROBABILITY and counted wrong. */
	oovTargets: number;
}

/** True for a symbol that starts a note or a rest: a MIDI number or `r`. */
export function isOnset(symbol: string): boolean {
	return symbol === REST || /^\d+$/.test(symbol);
}

/** Sums of a scoring run; merge partial runs with `merge`. */
export class ScoreAccumulator {
	songs = 0;
	steps = 0;
	nats = 0;
	correct = 0;
	onsets = 0;
	onsetCorrect = 0;
	oov = 0;

	/** Adds one target: its probability (ignored when out of vocabulary) and whether it was the argmax. */
	add(symbol: string, probability: number | null, isArgmax: boolean): void {
		const inVocab = probability !== null;
		const p = inVocab ? Math.max(probability, PROBABILITY_FLOOR) : OOV_PROBABILITY;
		this.addLog(symbol, Math.log(p), inVocab && isArgmax, !inVocab);
	}

	/** Adds one target by its natural-log probability (for scorers that work in log space). */
	addLog(symbol: string, logProbability: number, isArgmax: boolean, oov = false): void {
		this.steps++;
		this.nats -= Math.max(logProbability, Math.log(PROBABILITY_FLOOR));
		if (isArgmax) this.correct++;
		if (oov) this.oov++;
		if (isOnset(symbol)) {
			this.onsets++;
			if (isArgmax) this.onsetCorrect++;
		}
	}

	merge(o: ScoreAccumulator): void {
		this.songs += o.songs;
		this.steps += o.steps;
		this.nats += o.nats;
		this.correct += o.correct;
		this.onsets += o.onsets;
		this.onsetCorrect += o.onsetCorrect;
		this.oov += o.oov;
	}

	result(): EvalResult {
		const steps = Math.max(this.steps, 1);
		return {
			songs: this.songs,
			steps: this.steps,
			bitsPerStep: this.nats / Math.LN2 / steps,
			natsPerStep: this.nats / steps,
			accuracy: this.correct / steps,
			onsetAccuracy: this.onsets ? this.onsetCorrect / this.onsets : 0,
			bitsPerNote: this.onsets ? this.nats / Math.LN2 / this.onsets : 0,
			oovTargets: this.oov
		};
	}
}

/**
 * Id to feed for an input symbol: its own, or for a symbol outside the vocabulary the nearest pitch
 * (lower on a tie), or `r` for anything else. Only inputs are substituted; an unknown target is charged
 * OOV_PROBABILITY.
 */
export function inputId(symbol: string, index: ReadonlyMap<string, number>): number {
	const id = index.get(symbol);
	if (id !== undefined) return id;
	if (/^\d+$/.test(symbol)) {
		const m = Number(symbol);
		let best = -1;
		let bestDist = Infinity;
		for (const [s, i] of index) {
			if (!/^\d+$/.test(s)) continue;
			const d = Math.abs(Number(s) - m) + (Number(s) > m ? 0.5 : 0);
			if (d < bestDist) [best, bestDist] = [i, d];
		}
		if (best >= 0) return best;
	}
	return index.get(REST) ?? index.get(HOLD) ?? index.get(SONG_END)!;
}

/** Argmax with the lowest index winning ties. */
export function argmax(p: ArrayLike<number>): number {
	let best = 0;
	for (let j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
	return best;
}

/** Progress and cancellation for long scoring runs. */
export interface ScoreOptions {
	signal?: AbortSignal;
	/** Called after each song with songs done and total. */
	onProgress?: (done: number, total: number) => void;
}

/** Scores one song with a step model into the accumulator. */
export function scoreSong(
	model: StepModel,
	song: readonly string[],
	acc: ScoreAccumulator,
	index: ReadonlyMap<string, number> = new Map(model.vocabulary.map((s, i) => [s, i]))
): void {
	const slash = index.get(SONG_END);
	if (slash === undefined) throw new Error('The model has no "/" in its vocabulary, so it cannot be scored.');
	let { state, probabilities } = model.step(model.initialState(), slash);
	const targets = [...song, SONG_END];
	for (let t = 0; t < targets.length; t++) {
		const symbol = targets[t];
		const id = index.get(symbol);
		acc.add(
			symbol,
			id === undefined ? null : probabilities[id],
			id !== undefined && argmax(probabilities) === id
		);
		if (t + 1 < targets.length) ({ state, probabilities } = model.step(state, inputId(symbol, index)));
	}
	acc.songs++;
}

/** Scores songs (symbol lists without `/`) with a step model. */
export function scoreStepModel(
	model: StepModel,
	songs: readonly (readonly string[])[],
	options: ScoreOptions = {}
): EvalResult {
	const acc = new ScoreAccumulator();
	const index = new Map(model.vocabulary.map((s, i) => [s, i]));
	songs.forEach((song, i) => {
		options.signal?.throwIfAborted();
		scoreSong(model, song, acc, index);
		options.onProgress?.(i + 1, songs.length);
	});
	return acc.result();
}

/**
 * Scores songs with this project's LSTM, each song told its own meter, pickup and barlines (a model
 * with bar-position input needs them; one without ignores them), one song at a time.
 */
export function scoreBarSongs(
	model: LstmStepModel,
	songs: readonly ({ symbols: readonly string[] } & Parameters<typeof songBarContext>[0])[],
	options: ScoreOptions = {}
): EvalResult {
	const acc = new ScoreAccumulator();
	const index = new Map(model.vocabulary.map((s, i) => [s, i]));
	songs.forEach((song, i) => {
		options.signal?.throwIfAborted();
		scoreSong(model.withBar(songBarContext(song)), song.symbols, acc, index);
		options.onProgress?.(i + 1, songs.length);
	});
	return acc.result();
}
