/**
 * Generation in the worker: loads a model (kept in memory between requests), then samples with progress
 * and cancel. The loader is a plain function so tests and later model formats can replace it.
 */
import type { HandlerTable } from '../protocol';
import type { ModelSource } from '../messages/generate';
import type { LstmModelWeights, StepModel } from '../../model/types';
import { LstmStepModel } from '../../model/lstm-step';
import { KerasStepModel } from '../../keras/reference';
import { CancelledError, generateAsync } from '../../generate/generate';
import { db } from '../../storage/db';

/** A model ready to generate with. */
export interface LoadedModel {
	name: string;
	model: StepModel;
}

/** Turns a source into a model. */
export type ModelLoader = (source: ModelSource) => Promise<LoadedModel>;

function looksLikeWeights(w: unknown): w is LstmModelWeights {
	const x = w as LstmModelWeights | null;
	return (
		!!x && Array.isArray(x.vocabulary) && Array.isArray(x.layers) && x.denseKernel instanceof Float32Array
	);
}

function stepModel(weights: LstmModelWeights, reference = false): StepModel {
	return reference ? new KerasStepModel(weights) : new LstmStepModel(weights);
}

/**
 * The loader used until the shared model format lands: stored records that carry `weights`
 * (LstmModelWeights) and `reference`, and weights handed over directly.
 */
export const defaultLoader: ModelLoader = async (source) => {
	if (source.kind === 'weights')
		return { name: source.name, model: stepModel(source.weights, source.reference) };
	if (source.kind === 'stored') {
		const record = await (await db()).get('models', source.id);
		if (!record)
			throw new Error('That model is no longer stored (it may have been deleted). Pick another model.');
		if (!looksLikeWeights(record.weights))
			throw new Error(`The model “${record.name}” cannot be read for generation. Train or import it again.`);
		return { name: record.name, model: stepModel(record.weights, record.reference === true) };
	}
	throw new Error('This version of the app has no bundled model yet. Train a model or import one first.');
};

let loader: ModelLoader = defaultLoader;
const cache = new Map<string, Promise<LoadedModel>>();

/** Replaces the loader (tests; the real model format once it exists) and forgets loaded models. */
export function setModelLoader(next: ModelLoader): void {
	loader = next;
	cache.clear();
}

function keyOf(source: ModelSource): string {
	return source.kind === 'stored'
		? `stored:${source.id}`
		: source.kind === 'weights'
			? `w:${source.key}`
			: 'default';
}

/** Loads (once) the model a source names. */
export function loadModel(source: ModelSource): Promise<LoadedModel> {
	const key = keyOf(source);
	let p = cache.get(key);
	if (!p) {
		p = loader(source);
		cache.set(key, p);
		p.catch(() => cache.delete(key));
	}
	return p;
}

/** Forgets a loaded model (after it was deleted or retrained). */
export function forgetModel(source: ModelSource): void {
	cache.delete(keyOf(source));
}

export const handlers: HandlerTable = {
	'generate/model': async (request, post) => {
		const { name, model } = await loadModel(request.model);
		post({ type: 'generate/model', id: request.id, name, vocabulary: [...model.vocabulary] });
		post({ type: 'done', id: request.id });
	},
	'generate/run': async (request, post, signal) => {
		const { model } = await loadModel(request.model);
		const t0 = performance.now();
		try {
			const melodies = await generateAsync(model, request.seed, request.settings, {
				signal,
				onProgress: (done, total) => post({ type: 'generate/progress', id: request.id, done, total })
			});
			post({ type: 'generate/result', id: request.id, melodies, ms: performance.now() - t0 });
			post({ type: 'done', id: request.id });
		} catch (e) {
			if (e instanceof CancelledError) post({ type: 'error', id: request.id, message: e.message });
			else throw e;
		}
	}
};
