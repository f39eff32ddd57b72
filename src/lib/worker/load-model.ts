/**
 * The models the worker computes with, loaded once and kept between requests: generation samples with
 * them, training scores the bundled model on a run's validation songs. Below both handlers, so neither
 * imports the other.
 */
import type { ModelSource } from './messages/generate';
import type { LstmModelWeights, StepModel } from '../model/types';
import type { TrainDesign } from '../model/config';
import { stepModelFor } from '../keras/reference';
import { getModel, type StoredModel } from '../storage/models';
import { MODEL_FILES, ModelFormatError, openModel } from '../model/format';
import { getRun } from '../storage/checkpoints';
import type { SongForms } from '../generate/templates';

/** A model ready to generate with. */
export interface LoadedModel {
	name: string;
	model: StepModel;
	/** Its training songs' forms (metadata `songForms`), where it keeps them: tunes "as the songs go". */
	songForms?: SongForms;
}

function looksLikeWeights(w: unknown): w is LstmModelWeights {
	const x = w as LstmModelWeights | null;
	return (
		!!x && Array.isArray(x.vocabulary) && Array.isArray(x.layers) && x.denseKernel instanceof Float32Array
	);
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
async function open(source: ModelSource): Promise<LoadedModel> {
	if (source.kind === 'weights')
		return {
			name: source.name,
			model: stepModelFor(source.weights, source.reference ? 'window' : 'sequence')
		};
	if (source.kind === 'run') {
		const run = await getRun(source.runId);
		if (!run) throw new Error('That training run is no longer stored, so it has no sample to play.');
		const { weights, config } = run.checkpoint;
		return { name: run.name, model: stepModelFor(weights, config.design) };
	}
	if (source.kind === 'stored') {
		const record = (await getModel(source.id)) as
			(Partial<StoredModel> & { name: string; reference?: boolean }) | undefined;
		if (!record)
			throw new Error('That model is no longer stored (it may have been deleted). Pick another model.');
		if (!looksLikeWeights(record.weights))
			throw new Error(`The model “${record.name}” cannot be read for generation. Train or import it again.`);
		const design: TrainDesign = record.metadata?.design ?? (record.reference ? 'window' : 'sequence');
		return {
			name: record.name,
			model: stepModelFor(record.weights, design),
			songForms: record.metadata?.songForms
		};
	}
	const base = source.url.endsWith('/') ? source.url : `${source.url}/`;
	try {
		const [model, weights, metadata] = await Promise.all(
			[MODEL_FILES.model, MODEL_FILES.weights, MODEL_FILES.metadata].map((f) => fetchBytes(base + f))
		);
		const read = openModel({ model, weights, metadata }, 'the bundled default model');
		return {
			name: read.metadata.name || 'Bundled default model',
			model: stepModelFor(read.weights, read.metadata.design),
			songForms: read.metadata.songForms
		};
	} catch (e) {
		if (e instanceof ModelFormatError) throw e;
		throw new Error(
			'The bundled default model could not be loaded (it is fetched once, then kept offline). ' +
				'Check the connection and reload, or pick a stored model.'
		);
	}
}

const cache = new Map<string, Promise<LoadedModel>>();

function keyOf(source: ModelSource): string {
	if (source.kind === 'run') return `run:${source.runId}:${source.epoch}`;
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
		// A run's samples come one epoch after another: keep only its newest checkpoint.
		if (source.kind === 'run')
			for (const k of cache.keys()) if (k.startsWith(`run:${source.runId}:`)) cache.delete(k);
		p = open(source);
		cache.set(key, p);
		p.catch(() => cache.delete(key));
	}
	return p;
}
