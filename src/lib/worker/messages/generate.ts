/** Messages of the generate domain. Request types start with 'generate/'. */
import type { GenerateSettings, Melody } from '../../generate/settings';
import type { LstmModelWeights } from '../../model/types';

/** Where the worker finds the model to generate with. */
export type ModelSource =
	/** A model stored in IndexedDB (`models` store) by id. */
	| { kind: 'stored'; id: string }
	/** The weights of a training run's checkpoint after `epoch` epochs (a sample while it trains). */
	| { kind: 'run'; runId: string; epoch: number }
	/** The bundled default model: `url` is its folder (`…/models/default/`), resolved by the page. */
	| { kind: 'default'; url: string }
	/**
	 * Weights handed over directly; `reference` marks the imported Keras model, which starts a song from
	 * the state after 63 `/` (the reference's padding) rather than the zero state.
	 */
	| { kind: 'weights'; key: string; name: string; weights: LstmModelWeights; reference?: boolean };

export type GenerateRequest =
	/** Loads a model (cached in the worker) and answers `generate/model`. */
	| { type: 'generate/model'; id: string; model: ModelSource }
	/** Generates; answers `generate/progress` now and then, then `generate/result`, then `done`. */
	| { type: 'generate/run'; id: string; model: ModelSource; seed: string[]; settings: GenerateSettings };

export type GenerateResponse =
	/**
	 * `usesBar`: the model takes the meter and bar position, so the chosen meter shapes what it writes.
	 * `styles`: the style ids it can write in (empty for a single-style model).
	 */
	| {
			type: 'generate/model';
			id: string;
			name: string;
			vocabulary: string[];
			usesBar: boolean;
			styles: string[];
	  }
	| { type: 'generate/progress'; id: string; done: number; total: number }
	| { type: 'generate/result'; id: string; melodies: Melody[]; ms: number };
