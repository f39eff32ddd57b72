/**
 * Fuzzing model folders: the bundled default model's model.json and metadata.json with values replaced by
 * hostile ones (wrong types, negative, huge, missing), its weights.bin with bytes flipped, cut or lied
 * about. `openModel` must refuse with a sentence naming the folder, or give a model that passes the one
 * validation (finite weights, fitting shapes, a vocabulary of distinct symbols) — within a time bound.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_FILES, ModelFormatError, openModel } from '../../src/lib/model/format';
import { weightsProblem } from '../../src/lib/model/validate';
import { repoRoot } from '../shared';
import {
	bounded,
	describe as show,
	expectSentence,
	fuzzParameters,
	fuzzTimeout,
	mutate,
	mutation
} from './fuzz';

const dir = join(repoRoot, 'static/models/default');
const modelJson = JSON.parse(readFileSync(join(dir, MODEL_FILES.model), 'utf8'));
const metadata = JSON.parse(readFileSync(join(dir, MODEL_FILES.metadata), 'utf8'));
const weights = new Uint8Array(readFileSync(join(dir, MODEL_FILES.weights)));

/** Every path to a value in a JSON value (arrays of numbers count as one value, not one per number). */
function paths(
	value: unknown,
	at: (string | number)[] = [],
	out: (string | number)[][] = []
): (string | number)[][] {
	out.push(at);
	if (Array.isArray(value)) {
		if (value.every((x) => typeof x === 'number')) return out;
		value.slice(0, 50).forEach((x, i) => paths(x, [...at, i], out));
	} else if (value && typeof value === 'object')
		for (const [k, x] of Object.entries(value)) paths(x, [...at, k], out);
	return out;
}

const HOSTILE: unknown[] = [
	null,
	'abc',
	'',
	-1,
	0,
	1.5,
	1e9,
	1e308,
	-1e308,
	[],
	{},
	[1, 2, 3],
	['60', '60'],
	true,
	'x'.repeat(10_000),
	'<script>alert(1)</script>',
	'__proto__',
	undefined
];

/** Replaces (or deletes, for `undefined`) the value at `path` of a copy of `root`. */
function replaceAt(root: unknown, path: (string | number)[], value: unknown): unknown {
	if (path.length === 0) return value;
	if (!root || typeof root !== 'object') return root; // an earlier change replaced what held the path
	const copy = structuredClone(root) as Record<string | number, unknown>;
	let node = copy;
	for (const k of path.slice(0, -1)) {
		const next = node[k];
		if (!next || typeof next !== 'object') return copy;
		node = next as Record<string | number, unknown>;
	}
	const last = path[path.length - 1];
	if (value === undefined) delete node[last];
	else node[last] = value;
	return copy;
}

const modelPaths = paths(modelJson);
const metadataPaths = paths(metadata);

describe('fuzz: model folders', () => {
	it(
		'a model folder with hostile values or damaged weights is refused with a sentence, or passes the validation',
		async () => {
			const change = fc.record({
				file: fc.constantFrom('model' as const, 'metadata' as const, 'weights' as const),
				path: fc.nat(),
				value: fc.constantFrom(...HOSTILE),
				bytes: fc.array(mutation, { minLength: 1, maxLength: 3 })
			});
			await fc.assert(
				fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 3 }), async (changes) => {
					let m: unknown = modelJson;
					let d: unknown = metadata;
					let w: Uint8Array = weights;
					for (const c of changes) {
						if (c.file === 'model') m = replaceAt(m, modelPaths[c.path % modelPaths.length], c.value);
						else if (c.file === 'metadata')
							d = replaceAt(d, metadataPaths[c.path % metadataPaths.length], c.value);
						else w = mutate(w, c.bytes);
					}
					const context = show(changes);
					const { value, error } = await bounded(
						() =>
							openModel(
								{ model: JSON.stringify(m) ?? '', weights: w, metadata: JSON.stringify(d) ?? '' },
								'models/fuzzed'
							),
						{ ms: 5000, mb: 128, context }
					);
					if (error) {
						expect(error, context).toBeInstanceOf(ModelFormatError);
						expectSentence((error as Error).message, context);
						expect((error as Error).message, context).toMatch(/models\/fuzzed/);
						return;
					}
					expect(weightsProblem(value!.weights), context).toBeNull();
				}),
				fuzzParameters(400)
			);
		},
		fuzzTimeout(60_000)
	);
});
