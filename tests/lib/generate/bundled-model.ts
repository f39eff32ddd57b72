/**
 * The bundled model (static/models/default) as the tests of generation load it: whether this tree has it
 * (a line says so where it does not) and the step model read from its files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../shared';
import { MODEL_FILES, openModel, type ModelMetadata } from '../../../src/lib/model/format';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import type { SongForms } from '../../../src/lib/generate/templates';
import type { LstmModelWeights } from '../../../src/lib/model/types';

const dir = join(repoRoot, 'static', 'models', 'default');

/** True when the bundled model's files are in this tree. */
export const HAS_BUNDLED = existsSync(join(dir, MODEL_FILES.model));
if (!HAS_BUNDLED)
	console.warn('SKIP: static/models/default is not in this tree; the bundled-model checks are skipped.');

let cached: LstmStepModel | null = null;
let cachedWeights: LstmModelWeights | null = null;

/** The bundled model's weights as its files give them (its styles' corrections included). */
export function loadBundledWeights(): LstmModelWeights {
	return (cachedWeights ??= openModel(
		{
			model: readFileSync(join(dir, MODEL_FILES.model), 'utf8'),
			weights: new Uint8Array(readFileSync(join(dir, MODEL_FILES.weights))),
			metadata: readFileSync(join(dir, MODEL_FILES.metadata), 'utf8')
		},
		dir
	).weights);
}

/** The bundled model as a step model, read from its three files once (a step model keeps no state). */
export function loadBundled(): LstmStepModel {
	return (cached ??= new LstmStepModel(loadBundledWeights()));
}

/** The bundled model's metadata.json, parsed. */
export function loadBundledMetadata(): ModelMetadata {
	return JSON.parse(readFileSync(join(dir, MODEL_FILES.metadata), 'utf8'));
}

/** The forms of the bundled model's training songs, as its metadata keeps them (`songForms`). */
export function loadBundledForms(): SongForms | undefined {
	return loadBundledMetadata().songForms;
}
