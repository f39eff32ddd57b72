import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { hasShared, shared } from '../../shared';
import { checkH5Size, importKeras, MAX_H5_BYTES } from '../../../src/lib/keras/import';
import { KerasImportError, parseMapping } from '../../../src/lib/keras/mapping';
import {
	KerasStepModel,
	KerasWindowedStepModel,
	referenceGreedy,
	referenceWindow,
	slashId,
	windowProbabilities
} from '../../../src/lib/keras/reference';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';

interface Expected {
	nextSymbolProbabilities: { seed: string; probabilities: Record<string, number> }[];
	greedy: { seed: string; melody: string };
}

describe.skipIf(!hasShared())('Keras import of the reference model', () => {
	const dir = () => shared('fixtures', 'seed-keras');
	const load = () =>
		importKeras(readFileSync(`${dir()}/model.h5`), readFileSync(`${dir()}/mapping.json`, 'utf8'));
	const expected = (): Expected => JSON.parse(readFileSync(`${dir()}/expected.json`, 'utf8'));
	const ids = (vocab: readonly string[], seed: string) =>
		seed
			.split(' ')
			.filter(Boolean)
			.map((s) => vocab.indexOf(s));

	it('reads the LSTM(256) -> Dense(38) model in mapping order', () => {
		const { weights, info } = load();
		expect(info.layerClasses).toEqual(['InputLayer', 'LSTM', 'Dropout', 'Dense']);
		expect(weights.vocabulary).toHaveLength(38);
		const mapping = JSON.parse(readFileSync(`${dir()}/mapping.json`, 'utf8'));
		for (const [sym, idx] of Object.entries(mapping)) expect(weights.vocabulary[idx as number]).toBe(sym);
		expect(weights.layers[0].units).toBe(256);
		expect(weights.layers[0].kernel).toHaveLength(38 * 1024);
	});

	it('reproduces the independent first-step probabilities within 1e-4', () => {
		const { weights } = load();
		const lstm = new LstmStepModel(weights);
		const stepModel = new KerasWindowedStepModel(weights);
		const slash = slashId(weights.vocabulary);
		const cases = expected().nextSymbolProbabilities;
		expect(cases.length).toBeGreaterThanOrEqual(3);
		for (const { seed, probabilities } of cases) {
			const seedIds = ids(weights.vocabulary, seed);
			const windowed = windowProbabilities(lstm, referenceWindow(seedIds, slash));
			let s = stepModel.step(stepModel.initialState(), slash);
			for (const id of seedIds) s = stepModel.step(s.state, id);
			for (const [sym, p] of Object.entries(probabilities)) {
				const j = weights.vocabulary.indexOf(sym);
				expect(Math.abs(windowed[j] - p)).toBeLessThan(1e-4);
				expect(Math.abs(s.probabilities[j] - p)).toBeLessThan(1e-4);
			}
		}
	});

	it('starts the stateful generation model exactly where the reference starts a song', () => {
		const { weights } = load();
		const m = new KerasStepModel(weights);
		const first = m.step(m.initialState(), slashId(weights.vocabulary)).probabilities;
		const empty = expected().nextSymbolProbabilities.find((c) => c.seed === '')!;
		for (const [sym, p] of Object.entries(empty.probabilities))
			expect(Math.abs(first[weights.vocabulary.indexOf(sym)] - p)).toBeLessThan(1e-4);
	});

	it('reproduces the greedy continuation exactly', () => {
		const { weights } = load();
		const { seed, melody } = expected().greedy;
		const out = referenceGreedy(new LstmStepModel(weights), ids(weights.vocabulary, seed));
		expect(out.map((i) => weights.vocabulary[i]).join(' ')).toBe(melody);
	});

	it('refuses a mapping that does not fit the model, naming the file', () => {
		const h5 = readFileSync(`${dir()}/model.h5`);
		const short = JSON.stringify({ '60': 0, '/': 1, _: 2 });
		expect(() => importKeras(h5, short, { mapping: 'germany.json' })).toThrow(/germany\.json/);
		expect(() => importKeras(new Uint8Array(100), readFileSync(`${dir()}/mapping.json`, 'utf8'))).toThrow(
			KerasImportError
		);
	});

	it('a cut-short model.h5 is refused with a sentence naming it, or read whole where the cut spares its weights', () => {
		const h5 = readFileSync(`${dir()}/model.h5`);
		const mapping = readFileSync(`${dir()}/mapping.json`, 'utf8');
		const full = importKeras(h5, mapping).weights;
		const outcomes = new Set<string>();
		for (const fraction of [0.01, 0.05, 0.1, 0.3, 0.6, 0.9, 0.999]) {
			const cut = h5.subarray(0, Math.floor(h5.length * fraction));
			try {
				// Keras writes the optimizer's state after the model's weights: a cut there spares them.
				const { weights } = importKeras(cut, mapping, { model: 'cut.h5' });
				expect(Array.from(weights.layers[0].recurrentKernel)).toEqual(
					Array.from(full.layers[0].recurrentKernel)
				);
				expect(Array.from(weights.denseBias)).toEqual(Array.from(full.denseBias));
				outcomes.add('read');
			} catch (e) {
				expect(e, `cut at ${fraction}`).toBeInstanceOf(KerasImportError);
				expect((e as Error).message).toMatch(
					/^cut\.h5 (is damaged or cut short|is not an HDF5 file|lacks|has no)/
				);
				outcomes.add('refused');
			}
		}
		expect([...outcomes].sort()).toEqual(['read', 'refused']);
	});
});

describe('model.h5 size guard', () => {
	it('refuses a file over the limit before parsing it', () => {
		expect(() => checkH5Size(MAX_H5_BYTES + 1, 'huge.h5')).toThrow(
			/^huge\.h5 is 272 MB, larger than any model this app reads or writes \(256 MB of weights, 272 MB with its description\)/
		);
		expect(() => checkH5Size(MAX_H5_BYTES)).not.toThrow();
		expect(() => importKeras(new ArrayBuffer(MAX_H5_BYTES + 1), '{"/": 0, "60": 1}')).toThrow(
			/larger than any model/
		);
	});
});

describe('mapping.json parsing', () => {
	it('rejects duplicate indices, unknown symbols and missing "/"', () => {
		expect(() => parseMapping('{"60": 0, "62": 0, "/": 1}')).toThrow(/both/);
		expect(() => parseMapping('{"x": 0, "/": 1}')).toThrow(/"x"/);
		expect(() => parseMapping('{"60": 0}')).toThrow(/"\/"/);
		expect(() => parseMapping('not json', 'm.json')).toThrow(/m\.json is not valid JSON/);
		expect(parseMapping('{"/": 1, "60": 0}')).toEqual(['60', '/']);
	});
});
