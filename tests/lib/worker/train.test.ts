/**
 * Training in the worker when the disk is full: a finished model whose save hits the quota is held, the page
 * is told so, and `train/save-model` saves it once there is room — nothing trained is lost.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handlers } from '../../../src/lib/worker/handlers/train';
import type { Request, Response } from '../../../src/lib/worker/protocol';
import { ingest } from '../../../src/lib/corpus/ingest';
import { contentHash } from '../../../src/lib/corpus/summary';
import { newCorpusId, saveCorpus } from '../../../src/lib/storage/corpora';
import { getModel, listModels } from '../../../src/lib/storage/models';
import * as dbModule from '../../../src/lib/storage/db';
import { repoRoot } from '../../shared';

async function run(request: Request): Promise<Response[]> {
	const out: Response[] = [];
	const handler = handlers[request.type as 'train/start'] as (
		r: Request,
		post: (r: Response) => void,
		s: AbortSignal
	) => Promise<void>;
	await handler(request, (r) => out.push(r), new AbortController().signal);
	return out;
}

describe('a model that does not fit', () => {
	it('is held after a quota error and saved by train/save-model once there is room', async () => {
		const dir = join(repoRoot, 'static/demo/deutschl/kinder');
		const names = ['kindr001.krn', 'kindr006.krn', 'kindr011.krn', 'kindr013.krn'];
		const r = await ingest(
			names.map((n) => {
				const bytes = new Uint8Array(readFileSync(join(dir, n)));
				return { path: n, size: bytes.length, read: () => bytes };
			})
		);
		const corpusId = newCorpusId();
		await saveCorpus({
			id: corpusId,
			name: 'kinder',
			createdAt: 1,
			hash: await contentHash(r.songs, r.options),
			options: r.options,
			songs: r.songs,
			report: r.report,
			summary: r.summary
		});
		// The model's save (the one `put` of a run) finds the disk full.
		const spy = vi
			.spyOn(dbModule, 'put')
			.mockRejectedValueOnce(new dbModule.QuotaError('the model “kinder · 1×4”'));
		const out = await run({
			type: 'train/start',
			id: 't1',
			corpusId,
			config: { epochs: 1, units: 4, layers: 1, maxBatchesPerEpoch: 1, validation: 0, meterInput: false },
			backend: 'cpu'
		});
		spy.mockRestore();
		const warning = out.find((x) => x.type === 'train/warning');
		expect(warning).toMatchObject({
			message: expect.stringMatching(/no room left .* kept in this tab until it is saved/)
		});
		const runId = warning?.type === 'train/warning' ? warning.unsavedRunId : undefined;
		expect(runId).toBeTruthy();
		const finished = out.find((x) => x.type === 'train/finished');
		expect(finished).toMatchObject({ status: 'finished' });
		expect(finished?.type === 'train/finished' && finished.modelId).toBeFalsy();
		expect(await listModels()).toEqual([]);

		// Full again: an error, and the model is still held.
		const again = vi.spyOn(dbModule, 'put').mockRejectedValueOnce(new dbModule.QuotaError('the model'));
		await expect(run({ type: 'train/save-model', id: 's0', runId: runId! })).rejects.toThrow(/no room left/);
		again.mockRestore();

		const saved = await run({ type: 'train/save-model', id: 's1', runId: runId! });
		const answer = saved.find((x) => x.type === 'train/model-saved');
		expect(answer).toMatchObject({ runId });
		const modelId = answer?.type === 'train/model-saved' ? answer.modelId : '';
		const model = await getModel(modelId);
		expect(model?.weights.vocabulary.length).toBeGreaterThan(3);
		expect(model?.weights.vocabulary).toEqual(model?.metadata.vocabulary);
		expect(model?.metadata.history).toHaveLength(1);
		// Saved once: a second request finds nothing held.
		await expect(run({ type: 'train/save-model', id: 's2', runId: runId! })).rejects.toThrow(
			/no longer held/
		);
	});
});
