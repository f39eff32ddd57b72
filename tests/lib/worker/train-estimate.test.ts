/**
 * The training worker's estimate: a few timed batches of each config on a stored corpus, with the
 * batches an epoch of that config has, and cancel.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { createTrainHandlers } from '../../../src/lib/worker/handlers/train';
import type { Request, Response } from '../../../src/lib/worker/protocol';
import { Trainer } from '../../../src/lib/train/trainer';
import { saveCorpus } from '../../../src/lib/storage/corpora';
import { summarize } from '../../../src/lib/corpus/summary';
import type { FileReport } from '../../../src/lib/corpus/types';
import { hasShared, shared } from '../../shared';

/** One worker's train handlers, as its entry makes them. */
const handlers = createTrainHandlers();

async function call(request: Request, signal = new AbortController().signal): Promise<Response[]> {
	const out: Response[] = [];
	const handler = handlers[request.type as 'train/estimate'] as (
		r: Request,
		post: (r: Response) => void,
		s: AbortSignal
	) => Promise<void>;
	await handler(request, (r) => out.push(r), signal);
	return out;
}

describe.skipIf(!hasShared())('the training time estimate in the worker', () => {
	const dir = hasShared() ? shared('fixtures', 'music21-erk') : '';
	const songs = hasShared()
		? readdirSync(dir)
				.filter((f) => f !== '7')
				.sort((a, b) => Number(a) - Number(b))
				.slice(0, 24)
				.map((f) => ({
					path: f,
					transposition: 0,
					symbols: readFileSync(`${dir}/${f}`, 'utf8').trim().split(/\s+/)
				}))
		: [];
	const small = { units: 8, seqLength: 16, batchSize: 4, validation: 0.25, seed: 3 };
	const larger = { ...small, units: 32, batchSize: 2 };

	it('times each config on the stored corpus and tells how many batches an epoch has', async () => {
		const report: FileReport[] = songs.map((s) => ({
			path: s.path,
			status: 'kept',
			steps: s.symbols.length
		}));
		await saveCorpus({
			id: 'c-est',
			name: 'erk 24',
			createdAt: 1,
			hash: 'h',
			options: { keepKey: false, quantizeTuplets: false },
			songs,
			report,
			summary: summarize(songs, report)
		});
		const out = await call({
			type: 'train/estimate',
			id: 'e1',
			corpusId: 'c-est',
			configs: [small, larger],
			backend: 'cpu',
			batches: 3
		});
		const answers = out.filter((r) => r.type === 'train/estimate');
		expect(answers.map((a) => a.type === 'train/estimate' && a.index)).toEqual([0, 1]);
		const ref = { id: 'c-est', name: 'erk 24', hash: 'h' };
		for (const [i, config] of [small, larger].entries()) {
			const a = answers[i];
			if (a.type !== 'train/estimate') throw new Error('not an estimate');
			expect(a.backend).toBe('cpu');
			expect(a.secondsPerBatch).toBeGreaterThan(0);
			const t = Trainer.create(songs, config, ref);
			expect(a.batchesPerEpoch).toBe(t.batchesPerEpoch());
			t.dispose();
		}
	});

	it('stops when cancelled, and refuses a corpus that is not stored with a sentence', async () => {
		const controller = new AbortController();
		controller.abort();
		const out = await call(
			{ type: 'train/estimate', id: 'e2', corpusId: 'c-est', configs: [small], backend: 'cpu' },
			controller.signal
		);
		expect(out).toEqual([]);
		await expect(
			call({ type: 'train/estimate', id: 'e3', corpusId: 'gone', configs: [small], backend: 'cpu' })
		).rejects.toThrow(/no longer stored/);
	});
});
