/**
 * The songs' forms a model saved by the worker keeps (tunes "as the songs go"): the run lets go of the
 * corpus's symbol strings before its first batch and reads each song back from the trainer's encoded copy,
 * so the forms must still be every song's, training and validation alike, after a new run and a resumed one.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createTrainHandlers } from '../../../src/lib/worker/handlers/train';
import type { Request, Response } from '../../../src/lib/worker/protocol';
import { getCorpus } from '../../../src/lib/storage/corpora';
import { getModel } from '../../../src/lib/storage/models';
import { collectSongForms } from '../../../src/lib/generate/templates';
import { demoFiles, storeCorpus as storeFiles } from './demo-corpus';

/** Every demo song of erk and kinder (or of `folders`), stored as one corpus; returns its id. */
function storeCorpus(folders = ['erk', 'kinder'], name = 'demo'): Promise<string> {
	return storeFiles(
		folders.flatMap((folder) => demoFiles(folder, undefined, `${folder}/`)),
		name
	);
}

/** The forms of every stored song, collected from the corpus's own strings (what the model must keep). */
async function expectedForms(corpusId: string) {
	const corpus = await getCorpus(corpusId);
	return collectSongForms(corpus!.songs.map((song) => ({ song })));
}

type Post = (r: Response) => void;

function caller(table = createTrainHandlers()) {
	return (request: Request, post: Post) =>
		(table[request.type as 'train/start'] as (r: Request, p: Post, s: AbortSignal) => Promise<void>)(
			request,
			post,
			new AbortController().signal
		);
}

/** A quarter of the songs for validation, so forms from the validation songs are checked too. */
const config = { epochs: 2, units: 4, layers: 1, maxBatchesPerEpoch: 1, validation: 0.25, seed: 3 };

async function savedForms(out: Response[]) {
	const end = out.find((r) => r.type === 'train/finished');
	if (end?.type !== 'train/finished') throw new Error('the run did not finish');
	expect(end.status).toBe('finished');
	const model = await getModel(end.modelId!);
	return model!.metadata.songForms;
}

describe("a model trained in the worker keeps its songs' forms", () => {
	it('after a new run: every song counted, validation songs included', async () => {
		const corpusId = await storeCorpus();
		const expected = await expectedForms(corpusId);
		const counted = Object.values(expected)
			.flat()
			.reduce((n, t) => n + t.n, 0);
		expect(counted).toBeGreaterThan(8);
		const call = caller();
		const out: Response[] = [];
		await call({ type: 'train/start', id: 'f1', corpusId, config, backend: 'cpu' }, (r) => out.push(r));
		const started = out.find((r) => r.type === 'train/started');
		expect(started?.type === 'train/started' && started.valSongs).toBeGreaterThan(0);
		expect(await savedForms(out)).toEqual(expected);
	});

	it('trained on two corpora as styles: each form keeps the style of its song', async () => {
		const erk = await storeCorpus(['erk'], 'Erk');
		const kinder = await storeCorpus(['kinder'], 'Kinder');
		const out: Response[] = [];
		await caller()(
			{ type: 'train/start', id: 'f4', corpusId: erk, corpusIds: [erk, kinder], config, backend: 'cpu' },
			(r) => out.push(r)
		);
		const forms = Object.values((await savedForms(out))!).flat();
		const count = (style: string) => forms.filter((t) => t.style === style).reduce((n, t) => n + t.n, 0);
		const own = async (id: string) =>
			Object.values(await expectedForms(id))
				.flat()
				.reduce((n, t) => n + t.n, 0);
		expect(count('Erk')).toBe(await own(erk));
		expect(count('Kinder')).toBe(await own(kinder));
		expect(forms.every((t) => t.style === 'Erk' || t.style === 'Kinder')).toBe(true);
	});

	it('after a run paused and resumed in a fresh worker', async () => {
		const corpusId = await storeCorpus();
		const expected = await expectedForms(corpusId);
		const first = caller();
		const out: Response[] = [];
		let runId = '';
		let paused: Promise<void> | null = null;
		await first({ type: 'train/start', id: 'f2', corpusId, config, backend: 'cpu' }, (r) => {
			out.push(r);
			if (r.type === 'train/started') runId = r.runId;
			if (r.type === 'train/progress' && !paused)
				paused = first({ type: 'train/control', id: 'c', runId, action: 'pause' }, () => {});
		});
		await paused;
		expect(out.find((r) => r.type === 'train/finished')).toMatchObject({ status: 'paused' });
		const again: Response[] = [];
		await caller()({ type: 'train/resume', id: 'f3', runId, backend: 'cpu' }, (r) => again.push(r));
		expect(await savedForms(again)).toEqual(expected);
	});
});
