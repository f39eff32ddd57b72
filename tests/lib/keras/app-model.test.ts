import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { hasShared, shared } from '../../shared';
import { importKerasModel } from '../../../src/lib/keras/app-model';
import { KerasImportError } from '../../../src/lib/keras/mapping';
import { KerasStepModel } from '../../../src/lib/keras/reference';
import { exportModel, getModel, importModel, saveModel } from '../../../src/lib/storage/models';

describe.skipIf(!hasShared())('Keras model saved as an app model', () => {
	const d = () => shared('fixtures', 'seed-keras');

	it('stores model.h5 + mapping.json in IndexedDB and generation starts where the reference does', async () => {
		const { weights, metadata } = importKerasModel(
			readFileSync(`${d()}/model.h5`),
			readFileSync(`${d()}/mapping.json`, 'utf8')
		);
		const saved = await saveModel(weights, metadata);
		expect(saved.metadata.design).toBe('window');
		expect(saved.name).toMatch(/LSTM 256, 38 symbols/);
		// Through the app's own export and import, as a user moving it to another browser would.
		const { bytes } = await exportModel(saved.id);
		const again = await importModel(bytes, 'keras.model.zip');
		const stored = await getModel(again.id);
		const model = new KerasStepModel(stored!.weights);
		const p = model.step(model.initialState(), model.vocabulary.indexOf('/')).probabilities;
		const expected = JSON.parse(readFileSync(`${d()}/expected.json`, 'utf8')).nextSymbolProbabilities.find(
			(c: { seed: string }) => c.seed === ''
		).probabilities as Record<string, number>;
		for (const [sym, q] of Object.entries(expected))
			expect(Math.abs(p[model.vocabulary.indexOf(sym)] - q)).toBeLessThan(1e-4);
	});

	it('refuses a mapping.json in place of the model, naming the file', async () => {
		const text = readFileSync(`${d()}/mapping.json`, 'utf8');
		expect(() => importKerasModel(new TextEncoder().encode(text), text, { model: 'mapping.json' })).toThrow(
			KerasImportError
		);
		expect(() => importKerasModel(new TextEncoder().encode(text), text, { model: 'mapping.json' })).toThrow(
			/mapping\.json is not an HDF5 file/
		);
	});
});
