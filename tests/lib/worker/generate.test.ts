import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { handlers } from '../../../src/lib/worker/handlers/generate';
import { loadModel } from '../../../src/lib/worker/load-model';
import type { Request, WorkerResponse } from '../../../src/lib/worker/protocol';
import { dispatcher } from '../../../src/lib/worker/dispatch';
import { generate } from '../../../src/lib/generate/generate';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { saveModel } from '../../../src/lib/storage/models';
import { KerasStepModel } from '../../../src/lib/keras/reference';
import { referenceVocabulary, tinyModel } from '../generate/tiny-model';
import { barContext, METER_FEATURES } from '../../../src/lib/model/features';
import { mulberry32 } from '../../../src/lib/generate/random';
import { initialWeights } from '../../../src/lib/model/init';
import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { Trainer } from '../../../src/lib/train/trainer';
import { runItem, saveCheckpoint } from '../../../src/lib/storage/checkpoints';
import { hasShared, shared } from '../../shared';

const weights = tinyModel(referenceVocabulary(), 12, 4);
const source = { kind: 'weights' as const, key: 'tiny', name: 'Tiny', weights };

/**
 * Sends one request through the worker's dispatcher; with `cancelAtProgress`, a `cancel` for it as soon as
 * its first progress answer is posted (from inside the run, so the outcome never depends on machine speed).
 */
async function run(request: Request, cancelAtProgress = false): Promise<WorkerResponse[]> {
	const out: WorkerResponse[] = [];
	let cancelled = false;
	const dispatch = dispatcher([handlers], (r) => {
		out.push(r);
		if (cancelAtProgress && !cancelled && r.type === 'generate/progress') {
			cancelled = true;
			void dispatch({ type: 'cancel', id: request.id });
		}
	});
	await dispatch(request);
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
			vocabulary: weights.vocabulary,
			usesBar: false,
			styles: []
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

	it('tells a bar-input model the meter and the bar phase of the seed from the settings', async () => {
		const r = mulberry32(11);
		const u = weights.layers[0].units;
		const extra = Float32Array.from({ length: METER_FEATURES * 4 * u }, () => (r() * 2 - 1) * 2);
		const barWeights = {
			...weights,
			meterInput: true,
			layers: [
				{
					...weights.layers[0],
					inputSize: weights.layers[0].inputSize + METER_FEATURES,
					kernel: Float32Array.from([...weights.layers[0].kernel, ...extra])
				}
			]
		};
		const model = { kind: 'weights' as const, key: 'bars', name: 'Bars', weights: barWeights };
		const melodies = async (meter: string, barPhase: number) => {
			const out = await run({
				type: 'generate/run',
				id: `b-${meter}`,
				model,
				seed: ['60', '_'],
				settings: { ...settings, variations: 1, meter, barPhase }
			});
			const result = out.find((x) => x.type === 'generate/result');
			return result?.type === 'generate/result' ? result.melodies[0].symbols : null;
		};
		const answer = await run({ type: 'generate/model', id: 'bm', model });
		expect(answer[0].type === 'generate/model' && answer[0].usesBar).toBe(true);
		const inThree = await melodies('3/4', 8);
		const base = new LstmStepModel(barWeights);
		// The core tells the model the settings' meter and phase: the same as binding them by hand.
		const core = generate(base, ['60', '_'], { ...settings, variations: 1, meter: '3/4', barPhase: 8 });
		expect(inThree).toEqual(core[0].symbols);
		const bound = base.withBar(barContext('3/4', 8));
		expect(generate(bound, ['60', '_'], { ...settings, variations: 1, meter: '3/4', barPhase: 8 })).toEqual(
			core
		);
		expect(await melodies('4/4', 0)).not.toEqual(inThree);
	});

	it('writes in the style asked for, and refuses a style the model lacks naming the ones it has', async () => {
		const styled = initialWeights(weights.vocabulary, 1, 12, 5, false, ['china', 'romania']);
		const model = { kind: 'weights' as const, key: 'styled', name: 'Styled', weights: styled };
		const answer = await run({ type: 'generate/model', id: 'sm', model });
		expect(answer[0].type === 'generate/model' && answer[0].styles).toEqual(['china', 'romania']);
		const melody = async (style: string | null) => {
			const out = await run({
				type: 'generate/run',
				id: `s-${style}`,
				model,
				seed: ['60', '_'],
				settings: { ...settings, variations: 1, style }
			});
			const result = out.find((x) => x.type === 'generate/result');
			return result?.type === 'generate/result' ? result.melodies[0].symbols : null;
		};
		const china = await melody('china');
		expect(china).toEqual(
			generate(new LstmStepModel(styled).withStyle('china'), ['60', '_'], { ...settings, variations: 1 })[0]
				.symbols
		);
		expect(await melody('romania')).not.toEqual(china);
		// The dispatcher answers a refused style with an error naming the styles the model has.
		const spain = await run({
			type: 'generate/run',
			id: 's-spain',
			model,
			seed: [],
			settings: { ...settings, style: 'spain' }
		});
		expect(spain.at(-1)).toMatchObject({ type: 'error', id: 's-spain' });
		expect(JSON.stringify(spain.at(-1))).toMatch(/no style \\"spain\\"; its styles are china, romania/);
		const none = await run({
			type: 'generate/run',
			id: 's-none',
			model: source,
			seed: [],
			settings: { ...settings, style: 'china' }
		});
		expect(JSON.stringify(none.at(-1))).toMatch(/has no styles/);
	});

	it('stops with a message when cancelled', async () => {
		const request: Request = {
			type: 'generate/run',
			id: 'g2',
			model: source,
			seed: [],
			settings: { ...settings, steps: 100000 }
		};
		const out = await run(request, true);
		expect(out.filter((r) => r.type === 'generate/progress')).toHaveLength(1);
		expect(out.at(-1)).toEqual({ type: 'cancelled', id: 'g2', message: 'Generation was cancelled.' });
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

describe.skipIf(!hasShared())('a sample from a training run’s checkpoint', () => {
	it('generates with the weights of the run’s last checkpoint, and explains a run that is gone', async () => {
		await tf.setBackend('cpu');
		const dir = shared('fixtures', 'music21-erk');
		const songs = readdirSync(dir)
			.sort((a, b) => Number(a) - Number(b))
			.slice(0, 8)
			.map((f) => readFileSync(`${dir}/${f}`, 'utf8').trim().split(/\s+/));
		const t = Trainer.create(
			songs,
			{ units: 8, seqLength: 16, batchSize: 4, epochs: 1, seed: 5, meterInput: false },
			{
				id: 'c',
				name: 'erk 8',
				hash: 'h'
			}
		);
		await t.run({ yieldEachBatch: false });
		const cp = await t.checkpoint();
		t.dispose();
		await saveCheckpoint(runItem('run-s', 'sampled', 1, cp), cp);
		const settings = { steps: 64, temperature: 0.5, stopAtEnd: false, variations: 1, randomSeed: 1 };
		const out = await run({
			type: 'generate/run',
			id: 's1',
			model: { kind: 'run', runId: 'run-s', epoch: 1 },
			seed: [],
			settings
		});
		const result = out.find((r) => r.type === 'generate/result');
		expect(result?.type === 'generate/result' && result.melodies[0].symbols).toEqual(
			generate(new LstmStepModel(cp.weights), [], settings)[0].symbols
		);
		await expect(loadModel({ kind: 'run', runId: 'gone', epoch: 1 })).rejects.toThrow(/no longer stored/);
	});
});
