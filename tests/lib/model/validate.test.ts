/**
 * One validation for every model that enters the app or the command line: the app's format, checkpoints and
 * Keras imports all refuse non-finite weights, broken vocabularies and impossible shapes with a sentence that
 * names the file and the fix.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initialWeights } from '../../../src/lib/model/init';
import {
	MODEL_FILES,
	ModelFormatError,
	newModelMetadata,
	openModel,
	toModelFiles,
	type ModelFiles
} from '../../../src/lib/model/format';
import { styleListProblem, vocabularyProblem, weightsProblem } from '../../../src/lib/model/validate';
import { validateCheckpoint, type Checkpoint } from '../../../src/lib/model/checkpoint';
import { DEFAULT_CONFIG } from '../../../src/lib/model/config';
import { importKeras } from '../../../src/lib/keras/import';
import { KerasImportError } from '../../../src/lib/keras/mapping';
import { sanityBits } from '../../../src/lib/keras/sanity';
import { hasShared, repoRoot, shared } from '../../shared';

const vocabulary = ['/', '_', 'r', '60', '62', '64', '65', '67'];

function files(): ModelFiles {
	const weights = initialWeights(vocabulary, 1, 4, 3);
	return toModelFiles(weights, newModelMetadata({ name: 'm', vocabulary, config: null }));
}

/** The three files as a directory would hold them, with `change` applied to the parsed JSON or bytes. */
function open(change: (f: ModelFiles) => void, where = 'models/broken') {
	const f = structuredClone(files());
	change(f);
	return () =>
		openModel(
			{ model: JSON.stringify(f.modelJson), weights: f.weights, metadata: JSON.stringify(f.metadata) },
			where
		);
}

/** Sets float `index` of weights.bin to `value`. */
function setWeight(f: ModelFiles, index: number, value: number) {
	const copy = f.weights.slice();
	new DataView(copy.buffer).setFloat32(index * 4, value, true);
	f.weights = copy;
}

describe('the app model format refuses what would load as nonsense', () => {
	it('NaN or infinite weights, naming the file and what to do', () => {
		for (const bad of [NaN, Infinity, -Infinity]) {
			const load = open((f) => setWeight(f, 5, bad));
			expect(load).toThrow(ModelFormatError);
			expect(load).toThrow(
				/^models\/broken cannot be loaded: LSTM layer 1's kernel holds 1 value that is not a finite number .* Export it again/
			);
		}
		expect(open((f) => setWeight(f, files().weights.length / 4 - 1, NaN))).toThrow(/output layer’s bias/);
		expect(open(() => {})().weights.vocabulary).toEqual(vocabulary);
	});

	it('a vocabulary with a duplicate, a number written oddly, markup or no song end', () => {
		const withVocab = (v: unknown[]) =>
			open((f) => {
				(f.metadata as { vocabulary: unknown }).vocabulary = v;
			});
		expect(withVocab(['/', '_', 'r', '60', '62', '64', '64', '67'])).toThrow(/holds "64" twice/);
		expect(withVocab(['/', '_', 'r', '60', '62', '64', '065', '67'])).toThrow(/"065", which is not a symbol/);
		expect(withVocab(['/', '_', 'r', '60', '62', '64', 65, '67'])).toThrow(/holds 65, which is not a symbol/);
		expect(withVocab(['/', '_', 'r', '60', '62', '64', '<b>x</b>', '67'])).toThrow(
			/"<b>x<\/b>", which is not/
		);
		expect(withVocab(['x', '_', 'r', '60', '62', '64', '65', '67'])).toThrow(/"x", which is not/);
		expect(vocabularyProblem(['60', '_'])).toMatch(/no "\/"/);
		expect(vocabularyProblem(['/', '128'])).toMatch(/"128"/);
		expect(vocabularyProblem(vocabulary)).toBeNull();
	});

	it('fields of the wrong type get a sentence, never a TypeError', () => {
		const spec = (f: ModelFiles) =>
			f.modelJson.weightsManifest[0].weights[0] as unknown as Record<string, unknown>;
		const cases: [(f: ModelFiles) => void, RegExp][] = [
			[(f) => (spec(f).shape = 'abc'), /impossible shape/],
			[(f) => (spec(f).shape = [-1, 4]), /impossible shape/],
			[(f) => (spec(f).shape = [1e12, 1e12]), /impossible shape/],
			[(f) => (spec(f).name = 42), /no name/],
			[(f) => ((f.modelJson as unknown as Record<string, unknown>).weightsManifest = 'x'), /weightsManifest/],
			[(f) => (f.modelJson.modelTopology.config.layers = [null as never]), /has no layers/],
			[(f) => (f.modelJson.modelTopology.config.layers[0].config.units = 1e9), /units/],
			[(f) => (f.modelJson.modelTopology.config.layers[0].config.units = 'many'), /units/],
			[(f) => ((f as { metadata: unknown }).metadata = []), /not this app's model metadata/]
		];
		for (const [change, message] of cases) {
			const load = open(change);
			let error: unknown;
			try {
				load();
			} catch (e) {
				error = e;
			}
			expect(error, String(message)).toBeInstanceOf(ModelFormatError);
			expect((error as Error).message).toMatch(message);
			expect((error as Error).message).not.toMatch(/is not a function|Cannot read|undefined/);
		}
	});

	it('a model with styles opens; a broken list of styles is refused with a sentence', () => {
		const styles = ['china', 'romania'];
		const styled = () => {
			const weights = initialWeights(vocabulary, 1, 4, 3, true, styles);
			return toModelFiles(weights, newModelMetadata({ name: 'm', vocabulary, config: null, styles }));
		};
		const withStyles = (list: unknown) => () => {
			const f = structuredClone(styled());
			(f.metadata as { styles: unknown }).styles = list;
			// The bar input must be on for the shapes to fit, as the trainer writes it.
			(f.metadata as { config: unknown }).config = { meterInput: true };
			return openModel(
				{ model: JSON.stringify(f.modelJson), weights: f.weights, metadata: JSON.stringify(f.metadata) },
				'models/styled'
			);
		};
		expect(withStyles(styles)().weights.styles).toEqual(styles);
		expect(withStyles(['china', 'china'])).toThrow(/^models\/styled cannot be loaded: .*holds "china" twice/);
		expect(withStyles(['china', ''])).toThrow(/"", which is not a style name/);
		expect(withStyles(['china', 7])).toThrow(/holds 7, which is not a style name/);
		expect(withStyles('china')).toThrow(/not a list of names/);
		// One style too few: the first layer's kernel no longer fits its input.
		expect(withStyles(['china'])).toThrow(ModelFormatError);
		expect(styleListProblem(['x'.repeat(101)])).toMatch(/not a style name/);
		expect(
			weightsProblem({ ...initialWeights(vocabulary, 1, 4, 3, false, styles), styles: ['a', 'a'] })
		).toMatch(/twice/);
		expect(weightsProblem(initialWeights(vocabulary, 1, 4, 3, false, styles))).toBeNull();
	});

	it('the bundled default model passes', () => {
		const dir = join(repoRoot, 'static/models/default');
		const read = (f: string) => readFileSync(join(dir, f));
		const m = openModel({
			model: read(MODEL_FILES.model).toString('utf8'),
			weights: new Uint8Array(read(MODEL_FILES.weights)),
			metadata: read(MODEL_FILES.metadata).toString('utf8')
		});
		expect(weightsProblem(m.weights)).toBeNull();
	});
});

describe('checkpoints', () => {
	function checkpoint(): Checkpoint {
		const config = { ...DEFAULT_CONFIG, layers: 1, units: 4, meterInput: false };
		const weights = initialWeights(vocabulary, 1, 4, 3);
		const sizes = [
			...weights.layers.flatMap((l) => [l.kernel.length, l.recurrentKernel.length, l.bias.length]),
			weights.denseKernel.length,
			weights.denseBias.length
		];
		return {
			format: 'folk-studio-checkpoint',
			version: 1,
			config,
			vocabulary,
			corpus: { id: 'c', name: 'c', hash: 'h' },
			split: { train: [0], val: [] },
			epoch: 1,
			position: null,
			weights,
			optimizer: {
				step: 1,
				m: sizes.map((n) => new Float32Array(n)),
				v: sizes.map((n) => new Float32Array(n))
			},
			rng: { seed: 1, epoch: 1, batch: 0 },
			history: [],
			best: null,
			status: 'paused',
			elapsedSeconds: 1
		};
	}

	it('refuse NaN weights, NaN optimizer state and a broken vocabulary', () => {
		expect(() => validateCheckpoint(checkpoint())).not.toThrow();
		const nanWeights = checkpoint();
		nanWeights.weights.layers[0].recurrentKernel[3] = NaN;
		expect(() => validateCheckpoint(nanWeights)).toThrow(
			/^This checkpoint cannot be used: LSTM layer 1's recurrent kernel holds 1 value that is not a finite number/
		);
		const nanBest = checkpoint();
		nanBest.best = { valLoss: 1, epoch: 1, weights: structuredClone(nanBest.weights) };
		nanBest.best.weights.denseKernel[0] = Infinity;
		expect(() => validateCheckpoint(nanBest)).toThrow(/output layer’s kernel/);
		const nanAdam = checkpoint();
		nanAdam.optimizer.v[2][0] = NaN;
		expect(() => validateCheckpoint(nanAdam)).toThrow(/optimizer state holds 1 value/);
		const dup = checkpoint();
		dup.vocabulary = ['/', '_', 'r', '60', '62', '64', '60', '67'];
		dup.weights.vocabulary = dup.vocabulary;
		expect(() => validateCheckpoint(dup)).toThrow(/holds "60" twice/);
	});
});

describe.skipIf(!hasShared())('Keras models', () => {
	const h5 = () => new Uint8Array(readFileSync(shared('fixtures/seed-keras/model.h5')));
	const mapping = () => readFileSync(shared('fixtures/seed-keras/mapping.json'), 'utf8');

	it('refuses a model.h5 whose weights hold NaN, naming it', () => {
		const bytes = h5();
		const good = importKeras(bytes, mapping());
		expect(good.warnings).toEqual([]);
		// Find the output bias's first value in the file and make it NaN.
		const target = new Uint8Array(new Float32Array([good.weights.denseBias[0]]).buffer);
		let at = -1;
		for (let i = 0; i + 4 <= bytes.length && at < 0; i++)
			if (target.every((b, k) => bytes[i + k] === b)) at = i;
		expect(at).toBeGreaterThan(0);
		const bad = bytes.slice();
		bad.set(new Uint8Array(new Float32Array([NaN]).buffer), at);
		expect(() => importKeras(bad, mapping(), { model: 'nan.h5' })).toThrow(KerasImportError);
		expect(() => importKeras(bad, mapping(), { model: 'nan.h5' })).toThrow(
			/^nan\.h5 cannot be used: .* not a finite number/
		);
	});

	it('warns when mapping.json has the right symbols in a shuffled order', () => {
		const right = JSON.parse(mapping()) as Record<string, number>;
		const good = importKeras(h5(), right);
		const score = sanityBits(good.weights)!;
		expect(score.steps).toBeGreaterThan(200);
		expect(score.bitsPerStep).toBeLessThan(3);
		// Rotate the indices: every symbol keeps a valid, distinct index, but the wrong one.
		const n = Object.keys(right).length;
		const shuffled = Object.fromEntries(Object.entries(right).map(([s, i]) => [s, (i + 7) % n]));
		const r = importKeras(h5(), shuffled, { mapping: 'germany.json' });
		expect(r.warnings).toHaveLength(1);
		expect(r.warnings[0]).toMatch(
			/harder than random guessing \(\d+\.\d bits per step where guessing costs 5\.2\): germany\.json is probably not in the order/
		);
		expect(sanityBits(r.weights)!.bitsPerStep).toBeGreaterThan(Math.log2(n));
	});
});
