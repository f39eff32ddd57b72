/**
 * Scoring one of the app's LSTMs the way its design asks: the one place that choice is made (the
 * command line and the benches call it). TensorFlow.js is loaded only for the scorers that need it, on
 * whatever backend is active.
 */
import type { TrainDesign } from '../model/config';
import { LstmStepModel } from '../model/lstm-step';
import type { LstmModelWeights } from '../model/types';
import { scoreBarSongs, type EvalResult } from './score';

/**
 * 'windowed': each prediction sees only the last 64 symbols from a zero state (models of the window
 * design: the reference's and those trained like it). 'bar': each song needs its own meter and bar phase,
 * so songs are scored one at a time in plain JS. 'batched': many songs at once through TensorFlow.js.
 */
export type LstmScorer = 'windowed' | 'bar' | 'batched';

/** A held-out song: its symbols, and its meter for bar-input models. */
export type ScoredSong = Parameters<typeof scoreBarSongs>[1][number];

/** Options of `scoreLstm`. */
export interface LstmScoreOptions {
	/** Windows or songs per TensorFlow.js batch. */
	batchSize?: number;
	signal?: AbortSignal;
	/** Called after each batch with windows or songs done, and the total. */
	onProgress?: (done: number, total: number) => void;
	/** For a model with styles: the style to score in (absent or null: no style). */
	style?: string | null;
}

/** The scorer a model needs; 'windowed' and 'batched' run on TensorFlow.js's active backend. */
export function scorerFor(weights: LstmModelWeights, design: TrainDesign): LstmScorer {
	if (design === 'window') return 'windowed';
	return weights.meterInput || weights.styles?.length ? 'bar' : 'batched';
}

/** Scores held-out songs with the scorer the model's design asks for (see `scorerFor`). */
export async function scoreLstm(
	weights: LstmModelWeights,
	design: TrainDesign,
	songs: readonly ScoredSong[],
	options: LstmScoreOptions = {}
): Promise<EvalResult> {
	const symbols = songs.map((s) => s.symbols);
	switch (scorerFor(weights, design)) {
		case 'windowed': {
			const { scoreWindowed } = await import('./windowed');
			return scoreWindowed(weights, symbols, options);
		}
		case 'batched': {
			const { scoreBatched } = await import('./batched');
			return scoreBatched(weights, symbols, options);
		}
		case 'bar':
			return scoreBarSongs(new LstmStepModel(weights).withStyle(options.style ?? null), songs, options);
	}
}
