/**
 * The imported Keras model as one of the app's models: weights plus metadata in the app's model format
 * (`model/format.ts`), stored in IndexedDB like a trained model. Its design is 'window' (64-step windows
 * from a zero state, padded with `/`), which tells generation to start a song the reference's way.
 */
import type { ModelMetadata } from '../model/format';
import { saveModel, type StoredModel } from '../storage/models';
import { importKeras, type KerasFileNames, type KerasImport } from './import';
import { REFERENCE_WINDOW } from './reference';
import { SONG_END } from '../music/symbols';

/** Metadata for an imported Keras model. */
export function kerasMetadata(imported: KerasImport, name: string, createdAt = Date.now()): ModelMetadata {
	return {
		format: 'folk-studio-model',
		version: 1,
		name,
		createdAt,
		vocabulary: [...imported.weights.vocabulary],
		songStart: SONG_END,
		design: 'window',
		config: null,
		history: [],
		corpus: null,
		backend:
			`keras ${imported.info.kerasVersion ?? ''} (imported; ${REFERENCE_WINDOW}-symbol windows)`.replace(
				'keras  ',
				'keras '
			)
	};
}

/** A default name: "Keras model (LSTM 256, 38 symbols)". */
export function kerasModelName(imported: KerasImport): string {
	return `Keras model (LSTM ${imported.info.units.join('+')}, ${imported.weights.vocabulary.length} symbols)`;
}

/**
 * Reads `model.h5` and `mapping.json` and saves the result as a model in IndexedDB. Throws
 * KerasImportError (a sentence naming the file) when a file cannot be used, QuotaError when storage is full.
 */
export async function importKerasModel(
	h5: ArrayBuffer | Uint8Array,
	mapping: string,
	names: Partial<KerasFileNames> = {},
	name?: string
): Promise<StoredModel> {
	const imported = importKeras(h5, mapping, names);
	return saveModel(imported.weights, kerasMetadata(imported, name ?? kerasModelName(imported)));
}
