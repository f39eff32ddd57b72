import type { StyleCorrection } from './correction';
/**
 * The contract every melody model in the app meets, whatever trained it (this project's LSTM, the
 * imported Keras reference, the n-gram baseline): feed one symbol, get next-symbol probabilities.
 * Generation and evaluation only ever see this interface.
 */
export interface StepModel<State = unknown> {
	/** Symbols in id order; `/` ends a song, `_` holds, `r` is a rest, numbers are MIDI pitches. */
	readonly vocabulary: readonly string[];
	/** State before the first symbol of a song. */
	initialState(): State;
	/** Consumes one symbol id and returns the new state and the distribution over the next symbol. */
	step(state: State, symbolId: number): { state: State; probabilities: Float32Array };
}

/** Weights of one LSTM layer in Keras layout: gates ordered i, f, c, o along the last axis. */
export interface LstmLayerWeights {
	inputSize: number;
	units: number;
	/** [inputSize, 4 * units], row-major. */
	kernel: Float32Array;
	/** [units, 4 * units], row-major. */
	recurrentKernel: Float32Array;
	/** [4 * units]. */
	bias: Float32Array;
}

/** A stacked LSTM over one-hot symbols with a softmax output: the shape of every LSTM model here. */
export interface LstmModelWeights {
	vocabulary: string[];
	layers: LstmLayerWeights[];
	/** [lastUnits, vocabulary.length], row-major. */
	denseKernel: Float32Array;
	denseBias: Float32Array;
	/**
	 * The first layer's input is the one-hot symbol followed by METER_FEATURES bar-position features
	 * (model/features.ts), so the model needs each song's meter and bar phase.
	 */
	meterInput?: boolean;
	/**
	 * Style ids (a corpus or region each): the first layer's input ends with one slot per style, after the
	 * bar features. All slots zero means "no style".
	 */
	styles?: string[];
	/**
	 * The first layer's input ends with the lookback block (model/features.ts: the symbols one, two, four and
	 * eight bars before each target, and whether the last symbol repeats them). Only with `meterInput`.
	 */
	lookback?: boolean;
	/**
	 * For a model merged from several (model/merge.ts): each member's units in the top layer, in order, and
	 * its own output bias (the merged layer holds only their mean), so a step can also give the mixture of
	 * the members' distributions (LstmStepModel.withMixture) besides their geometric mean.
	 */
	members?: MemberOutput[];
	/**
	 * Per style, the correction fitted on its training songs (model/correction.ts): how the next symbol's
	 * distribution is reweighted by interval, rest and note length when the model writes in that style.
	 */
	corrections?: Record<string, StyleCorrection>;
}

/** One member of a merged model at its output: its top-layer units and its own output bias. */
export interface MemberOutput {
	units: number;
	/** [vocabulary.length]. */
	denseBias: Float32Array;
	/**
	 * A member that was itself merged: its own members, side by side within its units. Its distribution is
	 * their mixture, so a model merged with itself samples as the model alone.
	 */
	members?: MemberOutput[];
}

/** A member's output as a merged model's metadata keeps it (a merged member with its own inside). */
export interface OutputRecord {
	outputUnits: number;
	outputBias: number[];
	outputMembers?: OutputRecord[];
}
