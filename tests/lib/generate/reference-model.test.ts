import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { hasShared, shared } from '../../shared';
import { importKeras } from '../../../src/lib/keras/import';
import { KerasStepModel, KerasWindowedStepModel } from '../../../src/lib/keras/reference';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { generate, generateReference, primeModel } from '../../../src/lib/generate/generate';
import { toEvents } from '../../../src/lib/formats/notes';

describe.skipIf(!hasShared())('generation with the reference Keras model', () => {
	const dir = () => shared('fixtures', 'seed-keras');
	const weights = () =>
		importKeras(readFileSync(`${dir()}/model.h5`), readFileSync(`${dir()}/mapping.json`, 'utf8')).weights;
	const expected = () => JSON.parse(readFileSync(`${dir()}/expected.json`, 'utf8'));
	const seed = '67 _ 67 _ 67 _ _ 65 64 _ 64 _ 64 _ _'.split(' ');

	it('begins a song from one `/` with the reference distribution', () => {
		const model = new KerasStepModel(weights());
		const { probabilities } = primeModel(model, []);
		const want = expected().nextSymbolProbabilities.find(
			(e: { seed: string }) => e.seed === ''
		).probabilities;
		model.vocabulary.forEach((s, i) => expect(probabilities[i]).toBeCloseTo(want[s], 4));
	});

	it('draws the same melody as the reference way re-running 64-symbol windows', () => {
		// Our generic reference loop on the zero-state LSTM against the Keras importer's windowed model.
		const w = weights();
		const settings = { steps: 12, temperature: 0.3, stopAtEnd: true, randomSeed: 5 };
		const ours = generateReference(new LstmStepModel(w), seed, settings);
		const theirs = generate(new KerasWindowedStepModel(w), seed, { ...settings, variations: 1 })[0];
		expect(ours.symbols).toEqual(theirs.symbols);
	});

	it('continues a seed statefully into a well-formed, reproducible melody in the model’s range', () => {
		const model = new KerasStepModel(weights());
		const settings = { steps: 300, temperature: 0.3, stopAtEnd: false, variations: 2, randomSeed: 11 };
		const [a, b] = generate(model, seed, settings);
		expect(generate(model, seed, settings)[1].symbols).toEqual(b.symbols);
		expect(a.symbols).toHaveLength(seed.length + 300);
		expect(a.symbols.slice(0, seed.length)).toEqual(seed);
		const notes = toEvents(a.symbols).filter((e) => e.pitch !== null);
		// A folk tune at T = 0.3: many notes, all inside the vocabulary, no sustained drone.
		expect(notes.length).toBeGreaterThan(40);
		for (const n of notes) expect(model.vocabulary).toContain(String(n.pitch));
		expect(Math.max(...notes.map((n) => n.length))).toBeLessThanOrEqual(32);
	});
});
