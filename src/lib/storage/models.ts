/**
 * Trained and imported models in IndexedDB: each record holds the weights and metadata of the app's model
 * format (`model/format.ts`), so export writes the same files the CLI writes, and generation reads the
 * weights directly.
 */
import { db, put } from './db';
import { META, type ModelListItem, type ModelRow, type StoredModel } from './records';
import { packModel, toModelFiles, unpackModel, type ModelMetadata } from '../model/format';
import type { LstmModelWeights } from '../model/types';

export type { ModelListItem, StoredModel } from './records';

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
	await putModel(model);
	return model;
}

function listRow({ weights: _w, ...item }: StoredModel): ModelRow {
	return { ...item, id: META + item.id, modelId: item.id };
}

/** Writes a model and its list row in one transaction. Throws QuotaError when storage is full. */
async function putModel(model: StoredModel): Promise<void> {
	await put('models', [model, listRow(model)], `the model “${model.name}”`);
}

function isStoredModel(row: StoredModel | ModelRow | undefined): row is StoredModel {
	return !!row && 'weights' in row && row.metadata?.format === 'folk-studio-model';
}

/**
 * Every stored model, newest first, from the list rows (no weights loaded). A model stored without one
 * (by an older version, or written straight into the database) gets its row here, once.
 */
export async function listModels(): Promise<ModelListItem[]> {
	const d = await db();
	const keys = await d.getAllKeys('models');
	const listed = new Set(keys.filter((k) => k.startsWith(META)).map((k) => k.slice(META.length)));
	for (const id of keys) {
		if (id.startsWith(META) || listed.has(id)) continue;
		const model = await d.get('models', id);
		if (isStoredModel(model)) await d.put('models', listRow(model));
	}
	const rows = await d.getAll('models', IDBKeyRange.bound(META, META + '\uffff'));
	return rows
		.filter((r): r is ModelRow => 'modelId' in r)
		.map(({ modelId, ...item }) => ({ ...item, id: modelId }))
		.sort((a, b) => b.createdAt - a.createdAt);
}

/** One model with its weights, or undefined. */
export async function getModel(id: string): Promise<StoredModel | undefined> {
	const row = await (await db()).get('models', id);
	return row && 'weights' in row ? row : undefined;
}

/** Renames a model. Returns false when it does not exist. */
export async function renameModel(id: string, name: string): Promise<boolean> {
	const m = await getModel(id);
	if (!m) return false;
	await putModel({ ...m, name, metadata: { ...m.metadata, name } });
	return true;
}

/** Deletes a model. */
export async function deleteModel(id: string): Promise<void> {
	const tx = (await db()).transaction('models', 'readwrite');
	await Promise.all([tx.store.delete(id), tx.store.delete(META + id), tx.done]);
}

/** A file name safe on every system. */
function fileNameFor(name: string): string {
	return `${name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'model'}.model.zip`;
}

/**
 * A model as one file (a zip of model.json, weights.bin, metadata.json), stored or not: a model the
 * storage refused is downloaded in the same format as a stored one.
 */
export function modelFile(
	weights: LstmModelWeights,
	metadata: ModelMetadata
): { fileName: string; bytes: Uint8Array } {
	return { fileName: fileNameFor(metadata.name), bytes: packModel(toModelFiles(weights, metadata)) };
}

/** A stored model as one file (`modelFile`). */
export async function exportModel(id: string): Promise<{ fileName: string; bytes: Uint8Array }> {
	const m = await getModel(id);
	if (!m) throw new Error('That model is no longer stored (it may have been deleted).');
	return modelFile(m.weights, { ...m.metadata, name: m.name });
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
