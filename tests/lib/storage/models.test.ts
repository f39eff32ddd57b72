/**
 * Models in IndexedDB (fake-indexeddb): save, list without weights, rename, export to one file and import
 * back, delete; a broken file is refused with a sentence naming it; a full quota loses nothing.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import * as dbModule from '../../../src/lib/storage/db';
import {
	deleteModel,
	exportModel,
	getModel,
	importModel,
	listModels,
	renameModel,
	saveModel
} from '../../../src/lib/storage/models';
import { initialWeights } from '../../../src/lib/model/init';
import type { ModelMetadata } from '../../../src/lib/model/format';

const vocabulary = ['/', '_', 'r', '60', '62', '64'];

function metadata(name: string): ModelMetadata {
	return {
		format: 'folk-studio-model',
		version: 1,
		name,
		createdAt: Date.now(),
		vocabulary,
		songStart: '/',
		design: 'sequence',
		config: null,
		history: [],
		corpus: null
	};
}

describe('stored models', () => {
	it('saves, lists, renames, exports as one file, imports it back and deletes', async () => {
		const w = initialWeights(vocabulary, 2, 8, 1);
		const m = await saveModel(w, metadata('first'));
		const list = await listModels();
		expect(list.map((x) => x.name)).toContain('first');
		expect('weights' in list[0]).toBe(false);
		expect(await renameModel(m.id, 'renamed')).toBe(true);
		expect((await getModel(m.id))?.metadata.name).toBe('renamed');
		const file = await exportModel(m.id);
		expect(file.fileName).toBe('renamed.model.zip');
		const back = await importModel(file.bytes, file.fileName);
		expect(back.id).not.toBe(m.id);
		expect(Array.from(back.weights.layers[1].recurrentKernel)).toEqual(
			Array.from(w.layers[1].recurrentKernel)
		);
		await expect(importModel(file.bytes.slice(0, 100), 'cut.zip')).rejects.toThrow(/cut\.zip/);
		await deleteModel(m.id);
		await deleteModel(back.id);
		expect(await listModels()).toEqual([]);
	});

	it('refuses weights that do not match the vocabulary before writing anything', async () => {
		const w = initialWeights(vocabulary, 1, 4, 1);
		await expect(saveModel(w, { ...metadata('bad'), vocabulary: [...vocabulary, '65'] })).rejects.toThrow(
			/vocabular/
		);
		expect(await listModels()).toEqual([]);
	});

	it('a full quota gives a QuotaError naming the model, and the stored models are intact', async () => {
		const kept = await saveModel(initialWeights(vocabulary, 1, 4, 2), metadata('kept'));
		const spy = vi.spyOn(dbModule, 'put').mockRejectedValueOnce(new dbModule.QuotaError('the model “big”'));
		await expect(saveModel(initialWeights(vocabulary, 1, 4, 3), metadata('big'))).rejects.toThrow(/no room/);
		spy.mockRestore();
		expect((await listModels()).map((m) => m.id)).toEqual([kept.id]);
	});

	it('lists from light rows, and gives a model stored without one (an older version) its row once', async () => {
		const w = initialWeights(vocabulary, 1, 4, 4);
		const d = await dbModule.db();
		await d.put('models', {
			id: 'old',
			name: 'old',
			createdAt: 1,
			metadata: metadata('old'),
			weights: w,
			size: 0
		});
		expect((await listModels()).map((m) => m.id)).toContain('old');
		const row = await d.get('models', 'meta:old');
		expect(row && 'weights' in row).toBe(false);
		expect(row?.name).toBe('old');
		await deleteModel('old');
		expect(await d.getAllKeys('models')).not.toContain('meta:old');
	});
});
