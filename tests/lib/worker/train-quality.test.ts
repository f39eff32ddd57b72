/**
 * A trained model keeps what the page needs to say how good it is: how many validation songs, its own bits
 * per step on them and the bundled model's on the same songs (metadata `scores`), so the model list says
 * it in the words of the Train stage long after the run (eval/quality.ts).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTrainHandlers } from '../../../src/lib/worker/handlers/train';
import type { Request, Response } from '../../../src/lib/worker/protocol';
import { getModel } from '../../../src/lib/storage/models';
import { demoFiles, storeCorpus } from './demo-corpus';
import { describeQuality } from '../../../src/lib/eval/quality';
import { repoRoot } from '../../shared';

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

afterEach(() => vi.unstubAllGlobals());

describe('a trained model’s scores', () => {
	it('keep its validation songs, its bits on them and the bundled model’s on the same songs', async () => {
		const corpusId = await storeCorpus(demoFiles('kinder'), 'kinder');
		// The worker fetches the bundled model's three files; in Node they are read from the repository.
		vi.stubGlobal('fetch', async (url: string) => new globalThis.Response(readFileSync(fileURLToPath(url))));
		const out = await run({
			type: 'train/start',
			id: 'q1',
			corpusId,
			config: {
				epochs: 2,
				units: 4,
				layers: 1,
				maxBatchesPerEpoch: 1,
				validation: 0.34,
				patience: 0,
				seed: 1
			},
			backend: 'cpu',
			bundled: pathToFileURL(join(repoRoot, 'static/models/default/')).href
		});
		const started = out.find((x) => x.type === 'train/started');
		const epochs = out.filter((x) => x.type === 'train/epoch');
		const finished = out.find((x) => x.type === 'train/finished');
		if (started?.type !== 'train/started' || finished?.type !== 'train/finished') throw new Error('no run');
		expect(started.valSongs).toBeGreaterThan(0);
		expect(epochs).toHaveLength(2);
		const bundled = epochs[0].type === 'train/epoch' ? epochs[0].bundledValLoss : undefined;
		expect(bundled).toBeGreaterThan(0);
		const losses = epochs.map((e) => (e.type === 'train/epoch' ? e.record.valLoss! : NaN));

		const model = await getModel(finished.modelId!);
		const scores = model!.metadata.scores!;
		expect(scores.valSongs).toBe(started.valSongs);
		// A finished run keeps its best epoch's weights.
		expect(scores.valBitsPerStep).toBeCloseTo(Math.min(...losses) / Math.LN2, 12);
		expect(scores.bundledValBitsPerStep).toBeCloseTo(bundled! / Math.LN2, 12);

		// Said as the page says it: four units after two batches are far from the bundled model.
		const songs = { count: scores.valSongs, kind: 'songs of “kinder”' };
		const q = describeQuality(
			{ bitsPerStep: scores.valBitsPerStep, songs },
			{ bitsPerStep: scores.bundledValBitsPerStep, songs }
		);
		expect(q.grade).toBe('sketch');
		expect(q.sentence).toContain(`${scores.valSongs} songs of “kinder” it never learned from`);
	});
});
