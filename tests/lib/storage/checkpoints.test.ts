/**
 * Training checkpoints in IndexedDB: a real trainer's checkpoint is stored, listed (without weights),
 * read back and resumed with the same result; a write refused for quota keeps the previous checkpoint.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { Trainer } from '../../../src/lib/train/trainer';
import {
	deleteRun,
	getRun,
	isUnfinished,
	listRuns,
	newRunId,
	runItem,
	saveCheckpoint
} from '../../../src/lib/storage/checkpoints';
import { db, QuotaError } from '../../../src/lib/storage/db';
import { hasShared, shared } from '../../shared';

function songs(): string[][] {
	const dir = shared('fixtures', 'music21-erk');
	return readdirSync(dir)
		.sort((a, b) => Number(a) - Number(b))
		.slice(0, 12)
		.map((f) => readFileSync(`${dir}/${f}`, 'utf8').trim().split(/\s+/));
}

const corpus = { id: 'c1', name: 'erk 12', hash: 'h12' };
const config = { units: 8, seqLength: 16, batchSize: 4, epochs: 2, validation: 0.25, seed: 3 };

describe.skipIf(!hasShared())('checkpoints', () => {
	it('stores a checkpoint, lists it as unfinished, and resuming from it matches an uninterrupted run', async () => {
		await tf.setBackend('cpu');
		const data = songs();
		const straight = Trainer.create(data, config, corpus);
		await straight.run({ yieldEachBatch: false });
		straight.dispose();

		const t = Trainer.create(data, config, corpus);
		const id = newRunId();
		let stop = false;
		await t.run({
			yieldEachBatch: false,
			control: () => (stop ? 'pause' : null),
			onEpoch: async () => {
				const cp = await t.checkpoint();
				await saveCheckpoint(runItem(id, 'run', 1, cp), cp);
				stop = true;
			}
		});
		const cp = await t.checkpoint();
		await saveCheckpoint(runItem(id, 'run', 1, cp), cp);
		t.dispose();
		const listed = await listRuns();
		expect(listed).toHaveLength(1);
		expect(listed[0]).toMatchObject({ id, status: 'paused', epoch: 1, epochs: 2, corpusName: 'erk 12' });
		expect('checkpoint' in listed[0]).toBe(false);
		expect(isUnfinished(listed[0])).toBe(true);

		const stored = await getRun(id);
		const resumed = Trainer.resume(data, stored!.checkpoint, corpus.hash);
		await resumed.run({ yieldEachBatch: false });
		resumed.dispose();
		expect(resumed.history.map((h) => h.valLoss)).toEqual(straight.history.map((h) => h.valLoss));
		await deleteRun(id);
		expect(await listRuns()).toEqual([]);
	});

	it('a write refused for quota throws QuotaError and leaves the previous checkpoint intact', async () => {
		await tf.setBackend('cpu');
		const t = Trainer.create(songs(), { ...config, epochs: 1 }, corpus);
		const id = newRunId();
		const first = await t.checkpoint();
		await saveCheckpoint(runItem(id, 'run', 1, first), first);
		await t.run({ yieldEachBatch: false });
		const second = await t.checkpoint();
		t.dispose();
		// Make the next put fail the way a full disk does.
		const database = await db();
		const original = database.transaction.bind(database);
		database.transaction = ((...args: Parameters<typeof original>) => {
			const tx = original(...args);
			(tx as unknown as { store: { put: () => Promise<never> } }).store.put = () =>
				Promise.reject(Object.assign(new Error('full'), { name: 'QuotaExceededError' }));
			return tx;
		}) as typeof database.transaction;
		await expect(saveCheckpoint(runItem(id, 'run', 1, second), second)).rejects.toBeInstanceOf(QuotaError);
		database.transaction = original;
		const kept = await getRun(id);
		expect(kept?.checkpoint.epoch).toBe(0);
		await deleteRun(id);
	});
});
