/**
 * Training in the worker when the disk is full: a finished model whose save hits the quota is held, the page
 * is told so, and `train/save-model` saves it once there is room — nothing trained is lost. And a run over
 * several stored corpora: one model, a style per corpus.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { createTrainHandlers } from '../../../src/lib/worker/handlers/train';
import type { Request, Response } from '../../../src/lib/worker/protocol';
import { deleteCorpus } from '../../../src/lib/storage/corpora';
import { demoFiles, storeCorpus as storeFiles } from './demo-corpus';
import { getModel, listModels } from '../../../src/lib/storage/models';
import { getRun, listRuns, runCorpusId } from '../../../src/lib/storage/checkpoints';
import * as dbModule from '../../../src/lib/storage/db';
import { unpackModel } from '../../../src/lib/model/format';
import { addWarning, statusSentence, type TrainWarning } from '../../../src/ui/train/outcome';

/** One worker's train handlers, as its entry makes them. */
const handlers = createTrainHandlers();

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
function storeCorpus(folder: string, names: string[], name: string): Promise<string> {
	return storeFiles(demoFiles(folder, names), name);
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
			topic: 'model',
			message: expect.stringMatching(/no room left .* NOT saved: it is kept in this tab only/)
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

/** Makes every checkpoint write after the first `allowed` find the disk full (models go through `put`). */
function checkpointsFail(allowed: number) {
	const real = dbModule.guardQuota;
	let calls = 0;
	return vi
		.spyOn(dbModule, 'guardQuota')
		.mockImplementation((what, write) =>
			calls++ < allowed ? real(what, write) : Promise.reject(new dbModule.QuotaError(what))
		);
}

describe('what a run says it stored', () => {
	it('a full disk from the start: every warning kept and true, the model held, downloadable, then saved with its checkpoint', async () => {
		const corpusId = await storeCorpus('kinder', ['kindr001.krn', 'kindr006.krn'], 'kinder full');
		const checkpoints = checkpointsFail(0);
		const models = vi.spyOn(dbModule, 'put').mockRejectedValue(new dbModule.QuotaError('the model'));
		const out = await run({
			type: 'train/start',
			id: 'q1',
			corpusId,
			config: { ...tiny, meterInput: false },
			backend: 'cpu'
		});
		models.mockRestore();
		checkpoints.mockRestore();
		const warnings = out.filter((x) => x.type === 'train/warning');
		// The model's warning is not overwritten by the checkpoint written after it: the page keeps both.
		const kept = warnings.reduce<TrainWarning[]>(
			(list, { type: _t, id: _i, ...w }) => addWarning(list, w),
			[]
		);
		expect(kept.map((w) => w.topic).sort()).toEqual(['checkpoint', 'model']);
		// No checkpoint was ever stored, and the warnings say so (not "the previous one is kept").
		for (const w of warnings.filter((x) => x.topic === 'checkpoint'))
			expect(w.message).toMatch(/No checkpoint of this run is stored/);
		expect(kept.find((w) => w.topic === 'model')?.message).toMatch(/NOT saved/);
		const finished = out.find((x) => x.type === 'train/finished');
		if (finished?.type !== 'train/finished') throw new Error('no train/finished');
		expect(finished.stored).toEqual({ model: 'held', checkpoint: false, checkpointEpoch: null });
		expect(finished.modelId).toBeUndefined();
		expect(statusSentence('kinder full', finished.status, finished.stored)).toMatch(
			/^“kinder full” finished; the model is NOT saved: the browser's storage is full\./
		);
		expect(await listRuns()).toEqual(
			expect.not.arrayContaining([expect.objectContaining({ id: finished.runId })])
		);

		// Downloaded as the app's model file: it opens as the model that was trained.
		const file = (await run({ type: 'train/export-model', id: 'x1', runId: finished.runId })).find(
			(x) => x.type === 'train/model-file'
		);
		if (file?.type !== 'train/model-file') throw new Error('no train/model-file');
		expect(file.fileName).toMatch(/^kinder-full\b.*\.model\.zip$/);
		const opened = await unpackModel(file.bytes, file.fileName);
		expect(opened.metadata.name).toBe('kinder full · 1×4');
		expect(opened.weights.denseBias.length).toBe(opened.weights.vocabulary.length);

		// Room again: the model and the run's last checkpoint are stored, the record names the model.
		const saved = (await run({ type: 'train/save-model', id: 'q2', runId: finished.runId })).find(
			(x) => x.type === 'train/model-saved'
		);
		expect(saved).toMatchObject({ checkpoint: true });
		const modelId = saved?.type === 'train/model-saved' ? saved.modelId : '';
		expect((await getModel(modelId))?.weights.denseBias).toEqual(opened.weights.denseBias);
		expect((await listRuns()).find((r) => r.id === finished.runId)).toMatchObject({
			modelId,
			status: 'finished'
		});
	});

	it('a disk that fills after the first checkpoint: the warning names the epoch still stored', async () => {
		const corpusId = await storeCorpus('kinder', ['kindr001.krn', 'kindr006.krn'], 'kinder late');
		const checkpoints = checkpointsFail(1);
		const out = await run({
			type: 'train/start',
			id: 'q3',
			corpusId,
			config: { ...tiny, meterInput: false },
			backend: 'cpu'
		});
		checkpoints.mockRestore();
		const warnings = out.filter((x) => x.type === 'train/warning');
		expect(warnings.length).toBeGreaterThan(0);
		for (const w of warnings) {
			expect(w).toMatchObject({ topic: 'checkpoint' });
			expect(w.message).toMatch(/The checkpoint after epoch 0 is the newest one stored/);
		}
		const finished = out.find((x) => x.type === 'train/finished');
		if (finished?.type !== 'train/finished') throw new Error('no train/finished');
		expect(finished.stored).toEqual({ model: 'saved', checkpoint: false, checkpointEpoch: 0 });
		expect(await getModel(finished.modelId!)).toBeTruthy();
		expect(statusSentence('r', 'finished', finished.stored)).toBe(
			'“r” finished; the model is saved and chosen for generation.'
		);
		expect((await getRun(finished.runId))?.checkpoint.epoch).toBe(0);
	});
});

describe('the status sentence and the warnings list', () => {
	it('says what was stored, for every ending', () => {
		const all = { model: 'saved', checkpoint: true, checkpointEpoch: 3 } as const;
		expect(statusSentence('a', 'stopped', all)).toBe(
			'“a” stopped; the model so far is saved and chosen for generation; the run can be resumed from the list below.'
		);
		expect(statusSentence('a', 'stopped', { model: 'held', checkpoint: false, checkpointEpoch: 2 })).toMatch(
			/the model so far is NOT saved.*it resumes from epoch 2\.$/
		);
		expect(statusSentence('a', 'paused', { model: 'none', checkpoint: false, checkpointEpoch: null })).toBe(
			'“a” paused; no checkpoint of it could be stored, so it cannot be resumed once the tab is closed.'
		);
		expect(statusSentence('a', 'early-stopped', { ...all, model: 'held' })).toMatch(
			/the best model is NOT saved/
		);
	});

	it('keeps a warning per topic, the newest of each', () => {
		let list: TrainWarning[] = [];
		list = addWarning(list, { topic: 'checkpoint', message: 'c1' });
		list = addWarning(list, { topic: 'model', message: 'm', unsavedRunId: 'r' });
		list = addWarning(list, { topic: 'checkpoint', message: 'c2' });
		expect(list).toEqual([
			{ topic: 'model', message: 'm', unsavedRunId: 'r' },
			{ topic: 'checkpoint', message: 'c2' }
		]);
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
