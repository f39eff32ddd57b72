/**
 * How the reference project runs its Keras model, reproduced on `LstmStepModel`: every prediction sees the
 * last 64 symbols (songs padded in front with `/`) from a zero state. That is exact but costs 64 LSTM
 * steps per symbol, so generation in the app uses the stateful `KerasStepModel` instead.
 */
import { LstmStepModel } from '../model/lstm-step';
import type { LstmModelWeights, StepModel } from '../model/types';
import { SONG_END } from '../music/symbols';
import { REFERENCE_WINDOW, type TrainDesign } from '../model/config';

/** Id of `/` in a vocabulary; throws when absent. */
export function slashId(vocabulary: readonly string[]): number {
	const id = vocabulary.indexOf(SONG_END);
	if (id < 0) throw new Error('The vocabulary has no "/" (song delimiter).');
	return id;
}

/** The last `window` symbols of `window` slashes followed by `history`: the reference's model input. */
export function referenceWindow(
	history: readonly number[],
	slash: number,
	window = REFERENCE_WINDOW
): number[] {
	const out = new Array<number>(window);
	const start = history.length - window;
	for (let k = 0; k < window; k++) {
		const i = start + k;
		out[k] = i >= 0 ? history[i] : slash;
	}
	return out;
}

/** Next-symbol probabilities for one input window, run from a zero state as Keras does. */
export function windowProbabilities(model: LstmStepModel, window: readonly number[]): Float32Array {
	let state = model.initialState();
	for (const id of window) state = model.advance(state, id);
	return model.output(state);
}

/**
 * The reference's greedy generation: argmax over the windowed prediction, appended until `/` or until
 * `maxSteps` symbols were added. Returns the seed followed by what was generated, without the `/`.
 */
export function referenceGreedy(
	model: LstmStepModel,
	seed: readonly number[],
	maxSteps = 500,
	window = REFERENCE_WINDOW
): number[] {
	const slash = slashId(model.vocabulary);
	const melody = [...seed];
	for (let s = 0; s < maxSteps; s++) {
		const p = windowProbabilities(model, referenceWindow(melody, slash, window));
		let best = 0;
		for (let j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
		if (best === slash) break;
		melody.push(best);
	}
	return melody;
}

/**
 * The imported Keras model as a `StepModel` for generation, run statefully (one LSTM step per symbol).
 * Like the app's own models, a song is started by feeding `/`; the initial state is the zero state after
 * `window - 1` slashes, so that first `/` completes exactly the reference's all-`/` window and the first
 * prediction equals the reference's (within 1e-6). Later predictions see the whole history instead of
 * the last 64 symbols, so they drift from the reference's (by up to 0.03 in probability on the fixture
 * seeds): fine for sampling, while `KerasWindowedStepModel` is the exact, 64-times slower alternative.
 */
export class KerasStepModel extends LstmStepModel {
	constructor(
		weights: LstmModelWeights,
		readonly window = REFERENCE_WINDOW
	) {
		super(weights, window - 1);
	}
}

/**
 * The reference's exact behaviour as a `StepModel`: the state is the last `window` symbols and every step
 * reruns the window from a zero state (64 LSTM steps per symbol). Feed `/` first, as with every model.
 */
export class KerasWindowedStepModel implements StepModel<readonly number[]> {
	readonly vocabulary: readonly string[];
	readonly lstm: LstmStepModel;
	private readonly slash: number;

	constructor(
		weights: LstmModelWeights,
		readonly window = REFERENCE_WINDOW
	) {
		this.lstm = new LstmStepModel(weights);
		this.vocabulary = this.lstm.vocabulary;
		this.slash = slashId(this.vocabulary);
	}

	initialState(): readonly number[] {
		return new Array<number>(this.window - 1).fill(this.slash);
	}

	step(
		state: readonly number[],
		symbolId: number
	): { state: readonly number[]; probabilities: Float32Array } {
		const next = [...state, symbolId].slice(-this.window);
		return {
			state: next,
			probabilities: windowProbabilities(this.lstm, referenceWindow(next, this.slash, this.window))
		};
	}
}

/**
 * The step model to generate with: a 'window' model (the reference's, or one trained like it) starts a
 * song as `KerasStepModel` does; the app's sequence models start from the zero state.
 */
export function stepModelFor(weights: LstmModelWeights, design: TrainDesign): LstmStepModel {
	return design === 'window' ? new KerasStepModel(weights) : new LstmStepModel(weights);
}
