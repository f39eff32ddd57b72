/**
 * The reference project's Keras model in this app: import (`model.h5` + `mapping.json`), its windowed
 * behaviour, and a stateful `StepModel` for generation.
 */
export { importKeras, parseMapping, KerasImportError } from './import';
export type { KerasImport, KerasModelInfo, KerasFileNames } from './import';
export {
	KerasStepModel,
	KerasWindowedStepModel,
	REFERENCE_WINDOW,
	referenceGreedy,
	referenceWindow,
	slashId,
	windowProbabilities
} from './reference';
