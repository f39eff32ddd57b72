/**
 * Training in the worker when the disk is full: a finished model whose save hits the quota is held, the page
 * is told so, and `train/save-model` saves it once there is room — nothing trained is lost. And a run over
 * several stored corpora: one model, a style per corpus.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handlers } from '../../../src/lib/worker/handlers/train';
import type { Request, Response } from '../../../src/lib/worker/protocol';
import { ingest } from '../../../src/lib/corpus/ingest';
import { contentHash } from '../../../src/lib/corpus/summary';
import { deleteCorpus, newCorpusId, saveCorpus } from '../../../src/lib/storage/corpora';
import { getModel, listModels } from '../../../src/lib/storage/models';
import { getRun, listRuns, runCorpusId } from '../../../src/lib/storage/checkpoints';
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

/** Stores the demo songs `names` of `folder` as a corpus named `name`; returns its id. */
async function storeCorpus(folder: string, names: string[], name: string): Promise<string> {
	const dir = join(repoRoot, 'static/demo/deutschl', folder);
	const r = await ingest(
		names.map((n) => {
			const bytes = new Uint8Array(readFileSync(join(dir, n)));
			return { path: n, size: bytes.length, read: () => bytes };
		})
	);
	const corpusId = newCorpusId();
	await saveCorpus({
		id: corpusId,
		name,
		createdAt: 1,
		hash: await contentHash(r.songs, r.options),
		options: r.options,
		songs: r.songs,
		report: r.report,
		summary: r.summary
	});
	return corpusId;
}

const tiny = { epochs: 1, units: 4, layers: 1, maxBatchesPerEpoch: 1, validation: 0 };

describe('a model that does not fit', () => {
	it('is held after a quota error and saved by train/save-model once there is room', async () => {
		const corpusId = await storeCorpus(
			'kinder',
			['kindr001.krn', 'kindr006.krn', 'kindr011.krn', 'kindr013.krn'],
			'kinder'
		);
		// The model's save (the one `put` of a run) finds the disk full.
		const spy = vi
			.spyOn(dbModule, 'put')
			.mockRejectedValueOnce(new dbModule.QuotaError('the model “kinder · 1×4”'));
		const out = await run({
			type: 'train/start',
			id: 't1',
			corpusId,
			config: { ...tiny, meterInput: false },
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

describe('a run over several stored corpora', () => {
	it('trains one model with a style per corpus, named after it (a repeated name numbered)', async () => {
		const kinder = await storeCorpus('kinder', ['kindr001.krn', 'kindr006.krn'], 'Kinder');
		const altdeu = await storeCorpus('altdeu2', ['deut4082.krn', 'deut4083.krn'], 'Altdeutsch');
		const again = await storeCorpus('allerkbd', ['deut3663.krn', 'deut3664.krn'], 'Kinder');
		const out = await run({
			type: 'train/start',
			id: 't2',
			corpusId: kinder,
			corpusIds: [kinder, altdeu, again],
			config: { ...tiny, meterInput: true },
			backend: 'cpu'
		});
		const finished = out.find((x) => x.type === 'train/finished');
		expect(finished).toMatchObject({ status: 'finished' });
		const modelId = finished?.type === 'train/finished' ? finished.modelId : undefined;
		const model = await getModel(modelId!);
		expect(model?.weights.styles).toEqual(['Kinder', 'Altdeutsch', 'Kinder (2)']);
		expect(model?.metadata.styles).toEqual(['Kinder', 'Altdeutsch', 'Kinder (2)']);
		expect(model?.metadata.corpus?.name).toBe('Kinder + Altdeutsch + Kinder (2)');
		const runId = finished?.type === 'train/finished' ? finished.runId : '';
		const row = (await listRuns()).find((r) => r.id === runId);
		expect(row).toMatchObject({
			corpusId: runCorpusId([kinder, altdeu, again]),
			styles: ['Kinder', 'Altdeutsch', 'Kinder (2)']
		});
		expect((await getRun(runId))?.checkpoint.corpus.id).toBe(runCorpusId([kinder, altdeu, again]));

		// A corpus of the run deleted: resuming it says so instead of training on the rest.
		await deleteCorpus(altdeu);
		await expect(run({ type: 'train/resume', id: 't3', runId, backend: 'cpu' })).rejects.toThrow(
			/A corpus of this run is no longer stored/
		);
	});
});
