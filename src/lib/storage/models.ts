/**
 * Trained and imported models in IndexedDB: each record holds the weights and metadata of the app's model
 * format (`model/format.ts`), so export writes the same files the CLI writes, and generation reads the
 * weights directly.
 */
import { db, put } from './db';
import { packModel, toModelFiles, unpackModel, type ModelMetadata } from '../model/format';
import type { LstmModelWeights } from '../model/types';

/** A stored model. */
export interface StoredModel {
	id: string;
	name: string;
	createdAt: number;
	metadata: ModelMetadata;
	weights: LstmModelWeights;
	/** Bytes of weights, for the list. */
	size: number;
	/** The training run it came from, if any. */
	runId?: string;
}

/** What the model list shows (no weights). */
export type ModelListItem = Omit<StoredModel, 'weights'>;

type Row = { id: string; name: string; createdAt: number } & Record<string, unknown>;

/** A fresh model id. */
export function newModelId(): string {
	return `model-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function weightBytes(w: LstmModelWeights): number {
	const n =
		w.layers.reduce((a, l) => a + l.kernel.length + l.recurrentKernel.length + l.bias.length, 0) +
		w.denseKernel.length +
		w.denseBias.length;
	return 4 * n;
}

/** Saves (or replaces, same id) a model. Throws QuotaError when storage is full; nothing is lost then. */
export async function saveModel(
	weights: LstmModelWeights,
	metadata: ModelMetadata,
	options: { id?: string; runId?: string } = {}
): Promise<StoredModel> {
	toModelFiles(weights, metadata); // Validates shapes against the vocabulary before anything is written.
	const model: StoredModel = {
		id: options.id ?? newModelId(),
		name: metadata.name,
		createdAt: metadata.createdAt,
		metadata,
		weights,
		size: weightBytes(weights),
		...(options.runId ? { runId: options.runId } : {})
	};
	await put('models', model as unknown as Row, `the model “${metadata.name}”`);
	return model;
}

/** Every stored model, newest first, without weights. */
export async function listModels(): Promise<ModelListItem[]> {
	const rows = (await (await db()).getAll('models')) as unknown as StoredModel[];
	return rows
		.filter((r) => r.metadata?.format === 'folk-studio-model')
		.map(({ weights: _w, ...rest }) => rest)
		.sort((a, b) => b.createdAt - a.createdAt);
}

/** One model with its weights, or undefined. */
export async function getModel(id: string): Promise<StoredModel | undefined> {
	return (await (await db()).get('models', id)) as unknown as StoredModel | undefined;
}

/** Renames a model. Returns false when it does not exist. */
export async function renameModel(id: string, name: string): Promise<boolean> {
	const m = await getModel(id);
	if (!m) return false;
	await put(
		'models',
		{ ...m, name, metadata: { ...m.metadata, name } } as unknown as Row,
		`the model “${name}”`
	);
	return true;
}

/** Deletes a model. */
export async function deleteModel(id: string): Promise<void> {
	await (await db()).delete('models', id);
}

/** A file name safe on every system. */
function fileNameFor(name: string): string {
	return `${name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'model'}.model.zip`;
}

/** The model as one file (a zip of model.json, weights.bin, metadata.json). */
export async function exportModel(id: string): Promise<{ fileName: string; bytes: Uint8Array }> {
	const m = await getModel(id);
	if (!m) throw new Error('That model is no longer stored (it may have been deleted).');
	return {
		fileName: fileNameFor(m.name),
		bytes: packModel(toModelFiles(m.weights, { ...m.metadata, name: m.name }))
	};
}

/** Reads an exported file and stores it as a new model; throws ModelFormatError with a sentence if it is not one. */
export async function importModel(
	bytes: Uint8Array,
	fileName: string,
	signal?: AbortSignal
): Promise<StoredModel> {
	const { weights, metadata } = await unpackModel(bytes, fileName, signal);
	return saveModel(weights, { ...metadata, createdAt: Date.now() });
}
