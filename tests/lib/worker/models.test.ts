/**
 * The models domain in the worker, through the dispatcher as the page sends it: a Keras import (with the
 * warning a mapping in the wrong order earns), a model file, a merge, and a sentence for each refusal.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handlers } from '../../../src/lib/worker/handlers/models';
import { dispatcher } from '../../../src/lib/worker/dispatch';
import type { Request, WorkerResponse } from '../../../src/lib/worker/protocol';
import { getModel, saveModel } from '../../../src/lib/storage/models';
import { initialWeights } from '../../../src/lib/model/init';
import { mergeModels } from '../../../src/lib/model/merge';
import { newModelMetadata, packModel, toModelFiles } from '../../../src/lib/model/format';
import { referenceVocabulary } from '../generate/tiny-model';
import { hasShared, shared } from '../../shared';

async function run(request: Request): Promise<WorkerResponse[]> {
	const out: WorkerResponse[] = [];
	await dispatcher([handlers], (r) => out.push(r))(request);
	return out;
}

/** The stored model a `models/imported` answer names. */
async function imported(out: WorkerResponse[]) {
	expect(out.at(-1)).toMatchObject({ type: 'done' });
	const answer = out.find((r) => r.type === 'models/imported');
	if (answer?.type !== 'models/imported') throw new Error(`no model imported: ${JSON.stringify(out)}`);
	const stored = await getModel(answer.model.id);
	expect(stored?.name).toBe(answer.model.name);
	return { answer, stored: stored! };
}

const vocabulary = referenceVocabulary();
const tiny = (seed: number) => initialWeights(vocabulary, 1, 8, seed);
const metadata = (name: string) => newModelMetadata({ name, vocabulary, config: null });

describe('the models domain in the worker', () => {
	it('imports the reference Keras files, and warns of a mapping in the wrong order', async (t) => {
		if (!hasShared()) return t.skip('../shared (the Keras fixture) is not available');
		const d = shared('fixtures', 'seed-keras');
		const h5 = new Blob([readFileSync(join(d, 'model.h5'))]);
		const text = readFileSync(join(d, 'mapping.json'), 'utf8');
		const names = { model: 'model.h5', mapping: 'mapping.json' };
		const right = await imported(
			await run({ type: 'models/import-keras', id: 'k1', h5, mapping: new Blob([text]), names })
		);
		expect(right.answer.warnings).toEqual([]);
		expect(right.stored.weights.vocabulary).toHaveLength(Object.keys(JSON.parse(text)).length);
		const entries = Object.entries(JSON.parse(text) as Record<string, number>);
		const reversed = JSON.stringify(Object.fromEntries(entries.map(([s, i]) => [s, entries.length - 1 - i])));
		const wrong = await imported(
			await run({ type: 'models/import-keras', id: 'k2', h5, mapping: new Blob([reversed]), names })
		);
		expect(wrong.answer.warnings).toHaveLength(1);
		expect(wrong.answer.warnings![0]).toMatch(/mapping\.json is probably not in the order/);
		const junk = await run({
			type: 'models/import-keras',
			id: 'k3',
			h5: new Blob(['not HDF5']),
			mapping: new Blob([text]),
			names
		});
		expect(junk).toHaveLength(1);
		expect(junk[0]).toMatchObject({ type: 'error', id: 'k3', message: expect.stringMatching(/model\.h5/) });
	});

	it('imports a model file the app wrote, and refuses one that is not, naming it', async () => {
		const weights = tiny(3);
		const file = new Blob([new Uint8Array(packModel(toModelFiles(weights, metadata('Packed'))))]);
		const { stored } = await imported(
			await run({ type: 'models/import-file', id: 'f1', file, name: 'packed.model.zip' })
		);
		expect(stored.name).toBe('Packed');
		expect(Array.from(stored.weights.denseBias)).toEqual(Array.from(weights.denseBias));
		const junk = await run({
			type: 'models/import-file',
			id: 'f2',
			file: new Blob(['nope']),
			name: 'junk.zip'
		});
		expect(junk).toEqual([{ type: 'error', id: 'f2', message: expect.stringMatching(/junk\.zip/) }]);
	});

	it('merges stored models into a new one, and explains a model that is gone', async () => {
		const a = await saveModel(tiny(1), metadata('A'));
		const b = await saveModel(tiny(2), metadata('B'));
		const { stored } = await imported(
			await run({ type: 'models/merge', id: 'm1', ids: [a.id, b.id], name: 'A and B' })
		);
		expect(stored.name).toBe('A and B');
		const want = mergeModels([a.weights, b.weights]);
		expect(stored.weights.layers.map((l) => l.units)).toEqual(want.layers.map((l) => l.units));
		expect(Array.from(stored.weights.denseBias)).toEqual(Array.from(want.denseBias));
		const gone = await run({ type: 'models/merge', id: 'm2', ids: [a.id, 'model-gone'], name: 'X' });
		expect(gone).toEqual([{ type: 'error', id: 'm2', message: expect.stringMatching(/no longer stored/) }]);
	});
});
