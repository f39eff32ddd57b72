/** Held-out scoring: one protocol for every model, and the removal of songs identical to training songs. */
export {
	ScoreAccumulator,
	OOV_PROBABILITY,
	PROBABILITY_FLOOR,
	argmax,
	inputId,
	isOnset,
	scoreSong,
	scoreStepModel
} from './score';
export type { EvalResult, ScoreOptions } from './score';
export { removeDuplicates, songKey } from './dedupe';
