/**
 * The imported Keras model as one of the app's models: weights plus metadata in the app's model format
 * (`model/format.ts`), ready to be stored like a trained model. Its design is 'window' (64-step windows
 * from a zero state, padded with `/`), which tells generation to start a song the reference's way.
 */
import { newModelMetadata, type ModelMetadata, type OpenedModel } from '../model/format';
import { importKeras, type KerasImport } from './import';
import { type KerasFileNames } from './mapping';
import { DEFAULT_CONFIG, REFERENCE_WINDOW } from '../model/config';

/**
 * Metadata for an imported Keras model: the reference's design (64-step windows), or, for a model this
 * app exported (its LSTMs return sequences), the app's own design with its bar input and styles.
 */
export function kerasMetadata(imported: KerasImport, name: string, createdAt = Date.now()): ModelMetadata {
	const w = imported.weights;
	if (imported.info.sequences)
		return newModelMetadata({
			name,
			createdAt,
			vocabulary: w.vocabulary,
			config: {
				...DEFAULT_CONFIG,
				layers: w.layers.length,
				units: w.layers[0].units,
				dropout: imported.info.dropout[0] ?? 0,
				meterInput: w.meterInput === true,
				lookback: w.lookback === true
			},
			backend: `keras ${imported.info.kerasVersion ?? ''} (imported)`.replace('keras  ', 'keras '),
			...(w.styles?.length ? { styles: [...w.styles] } : {})
		});
	return newModelMetadata({
		name,
		createdAt,
		vocabulary: imported.weights.vocabulary,
		design: 'window',
		config: null,
		backend:
			`keras ${imported.info.kerasVersion ?? ''} (imported; ${REFERENCE_WINDOW}-symbol windows)`.replace(
				'keras  ',
				'keras '
			)
	});
}

/** A default name: "Keras model (LSTM 256, 38 symbols)". */
export function kerasModelName(imported: KerasImport): string {
	return `Keras model (LSTM ${imported.info.units.join('+')}, ${imported.weights.vocabulary.length} symbols)`;
}

/**
 * Reads `model.h5` and `mapping.json` as a model of the app, with the import's warnings. Throws
 * KerasImportError (a sentence naming the file) when a file cannot be used.
 */
export function importKerasModel(
	h5: ArrayBuffer | Uint8Array,
	mapping: string,
	names: Partial<KerasFileNames> = {},
	name?: string
): OpenedModel & { warnings: string[] } {
	const imported = importKeras(h5, mapping, names);
	return {
		weights: imported.weights,
		metadata: kerasMetadata(imported, name ?? kerasModelName(imported)),
		warnings: imported.warnings
	};
}
