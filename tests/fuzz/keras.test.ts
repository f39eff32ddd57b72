/**
 * Fuzzing the Keras import with the reference project's model.h5 and mapping.json, mutated: the import
 * refuses with a sentence naming the file, or gives a model that passes the one validation (finite weights,
 * fitting shapes), within a time and memory bound. Most mutations land in the first few kB, where HDF5 keeps
 * its structure.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { importKeras } from '../../src/lib/keras/import';
import { KerasImportError } from '../../src/lib/keras/mapping';
import { weightsProblem } from '../../src/lib/model/validate';
import { hasShared, shared } from '../shared';
import {
	bounded,
	describe as show,
	expectSentence,
	fuzzParameters,
	fuzzTimeout,
	mutate,
	mutation,
	type Mutation
} from './fuzz';

describe.skipIf(!hasShared())('fuzz: Keras model.h5 and mapping.json', () => {
	const h5 = () => new Uint8Array(readFileSync(shared('fixtures/seed-keras/model.h5')));
	const mapping = () => readFileSync(shared('fixtures/seed-keras/mapping.json'), 'utf8');

	it(
		'a mutated model.h5 is refused with a sentence naming it, or read with the right shapes',
		async () => {
			const bytes = h5();
			const text = mapping();
			const vocabulary = Object.keys(JSON.parse(text)).length;
			// Where a mutation lands: the first 0.5 %, 5 % or anywhere (the weights fill most of the file).
			const scaled = fc
				.tuple(mutation, fc.constantFrom(0.005, 0.05, 1))
				.map(([m, scale]): Mutation => ({ ...m, at: m.at * scale }));
			await fc.assert(
				fc.asyncProperty(fc.array(scaled, { minLength: 1, maxLength: 3 }), async (mutations) => {
					const context = show(mutations);
					const input = mutate(bytes, mutations);
					const { value, error } = await bounded(() => importKeras(input, text, { model: 'fuzz.h5' }), {
						ms: 15_000,
						mb: 256,
						context
					});
					if (error) {
						expect(error, context).toBeInstanceOf(KerasImportError);
						expectSentence((error as Error).message, context);
						expect((error as Error).message, context).toMatch(/fuzz\.h5|mapping\.json/);
						return;
					}
					const w = value!.weights;
					expect(weightsProblem(w), context).toBeNull();
					expect(w.vocabulary, context).toHaveLength(vocabulary);
					expect(w.denseBias, context).toHaveLength(vocabulary);
					expect(w.layers[0].kernel.length, context).toBe(vocabulary * 4 * w.layers[0].units);
				}),
				{
					...fuzzParameters<[Mutation[]]>(40),
					// Found by a long run: jsfive's TypeError text ended up in the sentence.
					examples: [
						[
							[
								{ kind: 'delete', at: 0.01471964647620986, length: 4 },
								{ kind: 'flip', at: 0, mask: 1 }
							]
						]
					]
				}
			);
		},
		fuzzTimeout(60_000)
	);

	it(
		'a mutated mapping.json is refused with a sentence naming it, or read as a vocabulary of distinct symbols',
		async () => {
			const bytes = h5();
			const text = mapping();
			await fc.assert(
				fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
					const context = show(mutations);
					const changed = new TextDecoder().decode(mutate(new TextEncoder().encode(text), mutations));
					const { value, error } = await bounded(
						() => importKeras(bytes, changed, { mapping: 'fuzz.json' }),
						{ ms: 15_000, mb: 256, context }
					);
					if (error) {
						expect(error, context).toBeInstanceOf(KerasImportError);
						expectSentence((error as Error).message, context);
						return;
					}
					const v = value!.weights.vocabulary;
					expect(new Set(v).size, context).toBe(v.length);
					expect(weightsProblem(value!.weights), context).toBeNull();
					for (const w of value!.warnings) expectSentence(w, context);
				}),
				fuzzParameters(40)
			);
		},
		fuzzTimeout(60_000)
	);
});
