/**
 * Generation in the worker: loads a model (kept in memory between requests), then samples with progress
 * and cancel. The loader is a plain function so tests can replace it.
 */
import type { HandlerTable } from '../protocol';
import type { ModelSource } from '../messages/generate';
import type { LstmModelWeights, StepModel } from '../../model/types';
import { LstmStepModel } from '../../model/lstm-step';
import { barContext } from '../../model/features';
import { REFERENCE_WINDOW } from '../../keras/reference';
import { CancelledError, generateAsync } from '../../generate/generate';
import { getModel, type StoredModel } from '../../storage/models';
import { fromModelFiles, MODEL_FILES, ModelFormatError, parseModelFiles } from '../../model/format';

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

/**
 * The step model for a design: a 'window' model (the reference's, trained on 64-symbol windows padded
 * with `/`) starts a song from the state after 63 `/`, so its first `/` completes the reference's window
 * (as `KerasStepModel` does); the app's sequence models start from the zero state.
 */
export function stepModel(weights: LstmModelWeights, windowDesign = false): StepModel {
	return new LstmStepModel(weights, windowDesign ? REFERENCE_WINDOW - 1 : 0);
}

async function fetchBytes(url: string): Promise<Uint8Array> {
	const r = await fetch(url);
	if (!r.ok) throw new Error(`HTTP ${r.status}`);
	return new Uint8Array(await r.arrayBuffer());
}

/**
 * Models from IndexedDB in the app's model format (`storage/models.ts`; records that carry plain
 * `weights` and `reference` are read too), the bundled default from its three files, and weights handed
 * over directly.
 */
export const defaultLoader: ModelLoader = async (source) => {
	if (source.kind === 'weights')
		return { name: source.name, model: stepModel(source.weights, source.reference) };
	if (source.kind === 'stored') {
		const record = (await getModel(source.id)) as
			(Partial<StoredModel> & { name: string; reference?: boolean }) | undefined;
		if (!record)
			throw new Error('That model is no longer stored (it may have been deleted). Pick another model.');
		if (!looksLikeWeights(record.weights))
			throw new Error(`The model “${record.name}” cannot be read for generation. Train or import it again.`);
		const windowDesign = record.metadata ? record.metadata.design === 'window' : record.reference === true;
		return { name: record.name, model: stepModel(record.weights, windowDesign) };
	}
	const base = source.url.endsWith('/') ? source.url : `${source.url}/`;
	try {
		const [modelJson, weights, metadata] = await Promise.all([
			fetchBytes(base + MODEL_FILES.model),
			fetchBytes(base + MODEL_FILES.weights),
			fetchBytes(base + MODEL_FILES.metadata)
		]);
		const text = new TextDecoder();
		const read = fromModelFiles(
			parseModelFiles(text.decode(modelJson), weights, text.decode(metadata), 'the bundled default model')
		);
		return {
			name: read.metadata.name || 'Bundled default model',
			model: stepModel(read.weights, read.metadata.design === 'window')
		};
	} catch (e) {
		if (e instanceof ModelFormatError) throw e;
		throw new Error(
			'The bundled default model could not be loaded (it is fetched once, then kept offline). ' +
				'Check the connection and reload, or pick a stored model.'
		);
	}
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
		const usesBar = model instanceof LstmStepModel && model.usesBar;
		post({ type: 'generate/model', id: request.id, name, vocabulary: [...model.vocabulary], usesBar });
		post({ type: 'done', id: request.id });
	},
	'generate/run': async (request, post, signal) => {
		const loaded = (await loadModel(request.model)).model;
		const { meter, barPhase } = request.settings;
		const model =
			loaded instanceof LstmStepModel && loaded.usesBar
				? loaded.withBar(barContext(meter ?? '4/4', barPhase ?? 0))
				: loaded;
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
