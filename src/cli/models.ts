/**
 * Models named on the command line for generating: a directory written by `cli train` (the app's model
 * format; the bundled `static/models/default` is one) or the reference's Keras files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from './command';
import { importKeras, type KerasImport } from '../lib/keras/import';
import { KerasImportError } from '../lib/keras/mapping';
import { KerasStepModel, stepModelFor } from '../lib/keras/reference';
import type { LstmStepModel } from '../lib/model/lstm-step';
import { readModelDir } from './files';

/** Imports the reference's Keras model (`--keras model.h5 --mapping mapping.json`). */
function readKeras(h5: string, mapping: unknown): KerasImport {
	if (typeof mapping !== 'string') throw new UsageError('--keras needs --mapping <mapping.json>');
	for (const f of [h5, mapping]) if (!existsSync(f)) throw new UsageError(`${f} does not exist`);
	try {
		return importKeras(readFileSync(h5), readFileSync(mapping, 'utf8'), { model: h5, mapping });
	} catch (e) {
		if (e instanceof KerasImportError) throw new UsageError(e.message);
		throw e;
	}
}

/**
 * The model `--model <dir>` or `--keras <h5> --mapping <json>` names, run one symbol at a time. The Keras
 * import's warnings (a mapping in an implausible order) go to `warn` (`ctx.warn`) and come back in
 * `warnings`, for JSON output.
 */
export function loadStepModel(
	values: Record<string, unknown>,
	warn: (sentence: string) => void = () => {}
): { model: LstmStepModel; name: string; warnings: string[] } {
	if (values.model !== undefined && values.keras !== undefined)
		throw new UsageError('give --model or --keras, not both');
	if (typeof values.model === 'string') {
		const { weights, metadata } = readModelDir(values.model);
		return { model: stepModelFor(weights, metadata.design), name: metadata.name, warnings: [] };
	}
	if (typeof values.keras === 'string') {
		const { weights, warnings } = readKeras(values.keras, values.mapping);
		for (const w of warnings) warn(w);
		return { model: new KerasStepModel(weights), name: 'reference Keras model', warnings };
	}
	throw new UsageError(
		'give a model: --model <dir> (from "cli train", or static/models/default) or --keras <model.h5> --mapping <mapping.json>'
	);
}
