/**
 * One size limit for models (model/validate.ts): a merge is refused before any work when the result would
 * be wider or larger than a model may be, with a sentence that names the case and how many models fit; and
 * every model a merge may write is within what the app's zip and the Keras import read back. A merge of
 * models of different designs is refused.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mergedMetadata, mergeModels, mergeProblem, mergeSizeProblem } from '../../../src/lib/model/merge';
import { MODEL_ZIP_LIMITS, toModelFiles } from '../../../src/lib/model/format';
import { MAX_H5_BYTES } from '../../../src/lib/keras/import';
import {
	MAX_MODEL_BYTES,
	MAX_MODEL_FILE_BYTES,
	MODEL_FILE_SLACK,
	modelBytes
} from '../../../src/lib/model/validate';
import type { LstmModelWeights } from '../../../src/lib/model/types';
import { readModelDir } from '../../../src/cli/files';
import { repoRoot } from '../../shared';

const bundled = readModelDir(join(repoRoot, 'static/models/default'));
const copies = (n: number) => Array.from({ length: n }, () => bundled.weights);

/** Bytes of the float32 arrays a model holds. */
function heldBytes(w: LstmModelWeights): number {
	const n = w.layers.reduce((s, l) => s + l.kernel.length + l.recurrentKernel.length + l.bias.length, 0);
	return 4 * (n + w.denseKernel.length + w.denseBias.length);
}

describe('the size of a merge, before the work', () => {
	it('counts from shapes exactly the bytes a merge holds', () => {
		const w = bundled.weights;
		const shape = (m: LstmModelWeights) =>
			modelBytes(
				m.layers[0].inputSize,
				m.layers.map((l) => l.units),
				m.vocabulary.length
			);
		expect(shape(w)).toBe(heldBytes(w));
		const three = mergeModels(copies(3));
		expect(shape(three)).toBe(heldBytes(three));
	});

	it('refuses 16 bundled models (273 MB) and 17 (4352 units) with sentences that name the case', () => {
		expect(mergeSizeProblem(copies(15))).toBeNull();
		expect(mergeProblem(copies(15))).toBeNull();
		expect(mergeProblem(copies(16))).toBe(
			'merged, these 16 models would have 273 MB of weights, more than the 256 MB a model may have ' +
				'(so no app or command could read it back); merge at most 15 of them'
		);
		expect(mergeProblem(copies(17))).toMatch(
			/^merged, these 17 models would have 4352 units in an LSTM layer, more than the 4096 a model may have .*; merge at most 15 of them$/
		);
		// mergeModels checks too, before it allocates anything.
		expect(() => mergeModels(copies(16))).toThrow(/cannot be merged: merged, these 16 models/);
	});

	it('lets through only models that the zip reader and the Keras import read back', () => {
		// The largest merge allowed, its description written as a merge writes it (weights not allocated).
		const units = 15 * bundled.weights.layers[0].units;
		const bytes = modelBytes(bundled.weights.layers[0].inputSize, [units], bundled.weights.vocabulary.length);
		expect(bytes).toBeLessThanOrEqual(MAX_MODEL_BYTES);
		const merged = { ...bundled.weights, layers: [{ ...bundled.weights.layers[0], units }] };
		const metadata = mergedMetadata(
			Array.from({ length: 15 }, () => bundled),
			merged,
			'fifteen'
		);
		const description = JSON.stringify(metadata, null, 1).length + 64 * 1024; // model.json is a few kB
		expect(description).toBeLessThan(MODEL_FILE_SLACK);
		expect(MODEL_ZIP_LIMITS.maxUnpackedBytes).toBe(MAX_MODEL_FILE_BYTES);
		expect(MODEL_ZIP_LIMITS.maxArchiveBytes).toBe(MAX_MODEL_FILE_BYTES);
		expect(MAX_H5_BYTES).toBe(MAX_MODEL_FILE_BYTES);
		expect(MAX_MODEL_FILE_BYTES).toBeGreaterThanOrEqual(MAX_MODEL_BYTES + description);
	});
});

describe('designs', () => {
	it('refuses to merge a window-design model with a sequence-design one, naming both', () => {
		const w = copies(2);
		expect(mergeProblem(w, ['essen', 'reference'], ['sequence', 'window'])).toBe(
			"“reference” is of the window design (the reference's 64-step windows), “essen” of the sequence design (whole songs, every position)"
		);
		expect(mergeProblem(w, [], ['window', 'window'])).toBeNull();
	});

	it('keeps the design in the merged metadata', () => {
		const reference = {
			...bundled,
			metadata: { ...bundled.metadata, config: null, design: 'window' as const }
		};
		const merged = mergeModels(copies(2));
		expect(mergedMetadata([reference, reference], merged, 'pair').design).toBe('window');
		expect(() => toModelFiles(merged, mergedMetadata([bundled, bundled], merged, 'pair'))).not.toThrow();
	});

	it("keeps the members' song forms, the same form counted once with its songs added", () => {
		const forms = bundled.metadata.songForms ?? {};
		const meters = Object.keys(forms);
		expect(meters.length).toBeGreaterThan(0);
		const merged = mergeModels(copies(2));
		const noForms = { ...bundled, metadata: { ...bundled.metadata, songForms: undefined } };
		const pair = mergedMetadata([bundled, bundled], merged, 'pair').songForms ?? {};
		const songs = (f: typeof forms, m: string) => (f[m] ?? []).reduce((s, t) => s + t.n, 0);
		expect(Object.keys(pair).sort()).toEqual([...meters].sort());
		for (const m of meters) {
			expect(pair[m].length).toBe(forms[m].length);
			expect(songs(pair, m)).toBe(2 * songs(forms, m));
		}
		expect(mergedMetadata([bundled, noForms], merged, 'one').songForms).toEqual(forms);
		expect(mergedMetadata([noForms, noForms], merged, 'none').songForms).toBeUndefined();
	});
});
