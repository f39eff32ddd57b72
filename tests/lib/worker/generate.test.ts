import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { handlers, loadModel } from '../../../src/lib/worker/handlers/generate';
import type { Response, Request } from '../../../src/lib/worker/protocol';
import { generate } from '../../../src/lib/generate/generate';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { saveModel } from '../../../src/lib/storage/models';
import { KerasStepModel } from '../../../src/lib/keras/reference';
import { referenceVocabulary, tinyModel } from '../generate/tiny-model';

const weights = tinyModel(referenceVocabulary(), 12, 4);
const source = { kind: 'weights' as const, key: 'tiny', name: 'Tiny', weights };

async function run(request: Request, signal = new AbortController().signal): Promise<Response[]> {
	const out: Response[] = [];
	const handler = handlers[request.type as 'generate/run'] as (
		r: Request,
		post: (r: Response) => void,
		s: AbortSignal
	) => Promise<void>;
	await handler(request, (r) => out.push(r), signal);
	return out;
}

describe('generation in the worker', () => {
	const settings = { steps: 200, temperature: 0.8, stopAtEnd: false, variations: 3, randomSeed: 77 };

	it('answers a model request with its name and vocabulary', async () => {
		const out = await run({ type: 'generate/model', id: 'm1', model: source });
		expect(out[0]).toEqual({
			type: 'generate/model',
			id: 'm1',
			name: 'Tiny',
			vocabulary: weights.vocabulary
		});
		expect(out.at(-1)).toEqual({ type: 'done', id: 'm1' });
	});

	it('generates with progress and returns what the core returns for the same settings', async () => {
		const out = await run({ type: 'generate/run', id: 'g1', model: source, seed: ['60', '_'], settings });
		const progress = out.filter((r) => r.type === 'generate/progress');
		expect(progress.length).toBeGreaterThan(2);
		const result = out.find((r) => r.type === 'generate/result');
		expect(result?.type === 'generate/result' && result.melodies.map((m) => m.symbols)).toEqual(
			generate(new LstmStepModel(weights), ['60', '_'], settings).map((m) => m.symbols)
		);
		expect(out.at(-1)).toEqual({ type: 'done', id: 'g1' });
	});

	it('stops with a message when cancelled', async () => {
		const controller = new AbortController();
		const request: Request = {
			type: 'generate/run',
			id: 'g2',
			model: source,
			seed: [],
			settings: { ...settings, steps: 100000 }
		};
		const pending = run(request, controller.signal);
		setTimeout(() => controller.abort(), 5);
		const out = await pending;
		expect(out.at(-1)).toEqual({ type: 'error', id: 'g2', message: 'Generation was cancelled.' });
	});

	it('loads a stored model in the app format from IndexedDB and explains a missing one', async () => {
		const metadata = {
			format: 'folk-studio-model' as const,
			version: 1 as const,
			name: 'Stored',
			createdAt: 1,
			vocabulary: weights.vocabulary,
			songStart: '/',
			design: 'sequence' as const,
			config: null,
			history: [],
			corpus: null
		};
		const stored = await saveModel(weights, metadata);
		const loaded = await loadModel({ kind: 'stored', id: stored.id });
		expect(loaded.name).toBe('Stored');
		// A sequence model starts from the zero state, a window model from the state after 63 `/`.
		const slash = weights.vocabulary.indexOf('/');
		const zero = new LstmStepModel(weights);
		const first = loaded.model.step(loaded.model.initialState(), slash).probabilities;
		zero.step(zero.initialState(), slash).probabilities.forEach((p, i) => expect(first[i]).toBeCloseTo(p, 5));
		expect(loaded.model.vocabulary).toEqual(weights.vocabulary);
		const windowed = await saveModel(weights, { ...metadata, name: 'Windowed', design: 'window' });
		const w = (await loadModel({ kind: 'stored', id: windowed.id })).model;
		const keras = new KerasStepModel(weights);
		const wFirst = w.step(w.initialState(), slash).probabilities;
		keras
			.step(keras.initialState(), slash)
			.probabilities.forEach((p, i) => expect(wFirst[i]).toBeCloseTo(p, 5));
		await expect(loadModel({ kind: 'stored', id: 'nope' })).rejects.toThrow(/no longer stored/);
	});
});
