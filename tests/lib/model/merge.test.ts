/**
 * model/merge: several models as one wider LSTM whose output is the normalized geometric mean of the
 * members' probabilities, checked step by step against the members run on their own.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mergedMetadata, mergeModels, mergeProblem, recurrentBlocks } from '../../../src/lib/model/merge';
import { useWasmMatvec } from '../../../src/lib/model/matvec';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { initialWeights } from '../../../src/lib/model/init';
import { fromModelFiles, toModelFiles, newModelMetadata } from '../../../src/lib/model/format';
import { songBarContext } from '../../../src/lib/model/features';
import { mulberry32 } from '../../../src/lib/generate/random';
import type { LstmModelWeights } from '../../../src/lib/model/types';
import { readModelDir } from '../../../src/cli/files';
import { repoRoot } from '../../shared';

const { weights: bundled, metadata: bundledMetadata } = readModelDir(join(repoRoot, 'static/models/default'));

/** "O Tannenbaum"'s opening in 3/4 with an upbeat, in the encoding the models read. */
const TUNE =
	'67 _ _ 72 _ _ _ 72 72 _ _ _ 74 _ _ _ 76 _ _ _ _ 76 76 _ _ _ _ _ 76 _ 74 _ 76 _ 77 _ _ _ 71 _ _ _ 74 _ _ _ 72 _ _ _'.split(
		' '
	);

/** A fresh model with the bundled model's inputs, its weights scaled so its predictions are far from flat. */
function member(units: number, seed: number, layers = 1, scale = 3): LstmModelWeights {
	const w = initialWeights(bundled.vocabulary, layers, units, seed, true, bundled.styles, true);
	const r = mulberry32(seed);
	const jitter = (a: Float32Array) => a.map((x) => x * scale + (r() - 0.5) * 0.2);
	return {
		...w,
		layers: w.layers.map((l) => ({
			...l,
			kernel: jitter(l.kernel),
			recurrentKernel: jitter(l.recurrentKernel),
			bias: jitter(l.bias)
		})),
		denseKernel: jitter(w.denseKernel),
		denseBias: jitter(w.denseBias)
	};
}

/** Each step's probabilities for TUNE in 3/4 with a one-quarter upbeat, in the given style. */
function run(weights: LstmModelWeights, style: string | null, mixture?: boolean): Float32Array[] {
	let model = new LstmStepModel(weights)
		.withBar(songBarContext({ meter: '3/4', barPhase: 8 }))
		.withStyle(style);
	if (mixture !== undefined) model = model.withMixture(mixture);
	const ids = TUNE.map((s) => model.vocabulary.indexOf(s));
	expect(ids).not.toContain(-1);
	let state = model.initialState();
	const out: Float32Array[] = [];
	for (const id of [model.vocabulary.indexOf('/'), ...ids]) {
		const next = model.step(state, id);
		state = next.state;
		out.push(next.probabilities);
	}
	return out;
}

/** The normalized geometric mean of the members' distributions, step by step. */
function geometricMean(runs: Float32Array[][]): Float64Array[] {
	return runs[0].map((_, t) => {
		const g = new Float64Array(runs[0][t].length).map((_, k) =>
			Math.exp(runs.reduce((s, r) => s + Math.log(r[t][k]), 0) / runs.length)
		);
		const z = g.reduce((a, b) => a + b, 0);
		return g.map((x) => x / z);
	});
}

/** The mixture (mean) of the members' distributions, step by step. */
function mixtureOf(runs: Float32Array[][]): Float64Array[] {
	return runs[0].map((_, t) =>
		new Float64Array(runs[0][t].length).map((_, k) => runs.reduce((s, r) => s + r[t][k], 0) / runs.length)
	);
}

function expectClose(got: Float32Array[], want: ArrayLike<number>[]) {
	expect(got.length).toBe(want.length);
	let worst = 0;
	got.forEach((p, t) => p.forEach((x, k) => (worst = Math.max(worst, Math.abs(x - want[t][k])))));
	expect(worst).toBeLessThan(1e-5);
}

describe('mergeModels', () => {
	it('predicts the geometric mean of the bundled model and a member of another width, in every style', () => {
		const other = member(48, 7);
		const merged = mergeModels([bundled, other]);
		expect(merged.layers[0].units).toBe(bundled.layers[0].units + 48);
		for (const style of [null, 'china', 'germany']) {
			const runs = [run(bundled, style), run(other, style)];
			// The members disagree (else the test could not tell a wrong merge from a right one).
			const apart = Math.max(
				...runs[0].map((p, t) => Math.max(...p.map((x, k) => Math.abs(x - runs[1][t][k]))))
			);
			expect(apart).toBeGreaterThan(0.3);
			expectClose(run(merged, style), geometricMean(runs));
		}
	});

	it('stacks of two layers of unequal widths, and three members', () => {
		// Member 2's upper layer is wider than its lower one: its rows in the merged layer above start where
		// its units below start, not where its units above do.
		const wide = member(11, 4, 2);
		const narrow = member(5, 2, 2);
		narrow.layers[1] = {
			...wide.layers[1],
			inputSize: 5,
			kernel: wide.layers[1].kernel.slice(0, 5 * 4 * 11)
		};
		narrow.denseKernel = wide.denseKernel;
		const members = [member(9, 1, 2), narrow, member(13, 3, 2)];
		const merged = mergeModels(members);
		expect(merged.layers.map((l) => l.units)).toEqual([27, 33]);
		expectClose(run(merged, 'romania'), geometricMean(members.map((m) => run(m, 'romania'))));
	});

	it('merged with itself, a model predicts as before; the merged model survives the model files', () => {
		const twice = mergeModels([bundled, bundled]);
		const config = { ...bundledMetadata.config!, units: twice.layers[0].units };
		const metadata = newModelMetadata({
			name: 'twice',
			vocabulary: bundled.vocabulary,
			config,
			styles: bundled.styles
		});
		const back = fromModelFiles(toModelFiles(twice, metadata)).weights;
		expect(back.layers[0].units).toBe(2 * bundled.layers[0].units);
		expectClose(run(back, 'germany'), run(bundled, 'germany'));
	});

	it('gives the mixture of its members run alone when asked, also after the model files and in plain JS', () => {
		const members = [member(32, 11), member(48, 7)];
		const merged = mergeModels(members);
		expect(new LstmStepModel(merged).merged).toBe(true);
		const alone = members.map((m) => run(m, 'germany'));
		const mixture = run(merged, 'germany', true);
		expectClose(mixture, mixtureOf(alone));
		// Not the geometric mean: the two differ by more than the tolerance (else the test could not fail).
		const geometric = run(merged, 'germany', false);
		expectClose(geometric, geometricMean(alone));
		expect(
			Math.max(...mixture.map((p, t) => Math.max(...p.map((x, k) => Math.abs(x - geometric[t][k])))))
		).toBeGreaterThan(0.01);
		// Unset, a merged model scores with the geometric mean, as before.
		expectClose(run(merged, 'germany'), geometricMean(alone));
		const opened = { weights: members[0], metadata: { ...bundledMetadata, members: undefined } };
		const metadata = mergedMetadata([opened, { ...opened, weights: members[1] }], merged, 'two');
		const back = fromModelFiles(toModelFiles(merged, metadata)).weights;
		expect(back.members?.map((m) => m.units)).toEqual([32, 48]);
		expectClose(run(back, 'germany', true), mixtureOf(alone));
		useWasmMatvec(false);
		try {
			expectClose(run(merged, 'germany', true), mixtureOf(alone));
		} finally {
			useWasmMatvec(true);
		}
	});

	it('three members in two layers: the mixture of the three', () => {
		const members = [member(9, 1, 2), member(13, 3, 2), member(6, 5, 2)];
		expectClose(run(mergeModels(members), 'romania', true), mixtureOf(members.map((m) => run(m, 'romania'))));
	});

	it('refuses models that read different inputs, saying which', () => {
		const plain = initialWeights(bundled.vocabulary, 1, 8, 1, true, bundled.styles, false);
		expect(mergeProblem([bundled])).toMatch(/at least two/);
		expect(mergeProblem([bundled, plain])).toMatch(/model 2 does not look back bars, model 1 does/);
		expect(mergeProblem([bundled, { ...member(8, 1), styles: ['germany'] }])).toMatch(/other styles/);
		expect(
			mergeProblem([bundled, { ...member(8, 1), vocabulary: [...bundled.vocabulary].reverse() }])
		).toMatch(/another vocabulary/);
		expect(mergeProblem([bundled, member(8, 1, 2)])).toMatch(/2 LSTM layers, model 1 1/);
		expect(() => mergeModels([bundled, plain])).toThrow(/cannot be merged/);
	});

	it('finds the blocks a merge makes, and none in an ordinary layer', () => {
		const u = bundled.layers[0].units;
		// The bundled model is itself merged: one block per member it lists.
		const own = recurrentBlocks(bundled.layers[0].recurrentKernel, u);
		expect(own.map((b) => b.size)).toEqual(bundledMetadata.members?.map((m) => m.config?.units) ?? [u]);
		const merged = mergeModels([bundled, member(48, 7), member(5, 8)]);
		expect(recurrentBlocks(merged.layers[0].recurrentKernel, merged.layers[0].units)).toEqual([
			...own,
			{ start: u, size: 48 },
			{ start: u + 48, size: 5 }
		]);
		expect(recurrentBlocks(member(32, 3).layers[0].recurrentKernel, 32)).toEqual([{ start: 0, size: 32 }]);
		// One unit reading another's state joins their blocks, whichever gate reads it.
		const r = new Float32Array(4 * 4 * 4);
		r[0 * 16 + 2 * 4 + 1] = 0.5; // unit 1's cell gate reads unit 0
		r[3 * 16 + 3] = 1;
		expect(recurrentBlocks(r, 4)).toEqual([
			{ start: 0, size: 2 },
			{ start: 2, size: 1 },
			{ start: 3, size: 1 }
		]);
	});

	it('a merged model steps the same in WebAssembly (block by block) as in plain JS', () => {
		const merged = mergeModels([bundled, member(48, 7)]);
		const wasm = run(merged, 'germany');
		useWasmMatvec(false);
		try {
			expectClose(wasm, run(merged, 'germany'));
		} finally {
			useWasmMatvec(true);
		}
	});
});
