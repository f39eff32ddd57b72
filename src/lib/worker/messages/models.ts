/** Messages of the models domain. Request types start with 'models/'. */

export type ModelsRequest =
	/**
	 * Reads the reference project's `model.h5` and `mapping.json` (HDF5 parsing takes a while for a
	 * 3.7 MB file, so it happens here, not on the page) and stores the model. Answers `models/imported`,
	 * then `done`.
	 */
	| {
			type: 'models/import-keras';
			id: string;
			h5: Blob;
			mapping: Blob;
			names: { model: string; mapping: string };
	  }
	/**
	 * Reads a model file exported by the app or the command line (a zip of model.json, weights.bin and
	 * metadata.json; unpacked here within the zip limits, off the page) and stores it. Answers
	 * `models/imported`, then `done`.
	 */
	| { type: 'models/import-file'; id: string; file: Blob; name: string }
	/**
	 * Merges stored models trained on the same inputs into one new stored model that predicts as their
	 * ensemble (model/merge.ts). Answers `models/imported` (the new model), then `done`.
	 */
	| { type: 'models/merge'; id: string; ids: string[]; name: string };

export type ModelsResponse = {
	type: 'models/imported';
	id: string;
	model: { id: string; name: string };
	/** Sentences about what was accepted but looks wrong, to show with the result. */
	warnings?: string[];
};
