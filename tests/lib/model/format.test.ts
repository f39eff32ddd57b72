/**
 * The app's model format: what `toModelFiles` writes, TensorFlow.js's own `loadLayersModel` reads and
 * computes the same as the plain-JS step model; bad files are refused with a sentence.
 */
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initialWeights } from '../../../src/lib/model/init';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import {
	fromModelFiles,
	ModelFormatError,
	packModel,
	toModelFiles,
	unpackModel,
	MODEL_FILES,
	type ModelMetadata
} from '../../../src/lib/model/format';
import { Rng } from '../../../src/lib/model/rng';
import { buildZip, entry, zeroBomb } from '../zip/zip-build';

const vocabulary = ['/', '_', 'r', '60', '62', '64', '65', '67'];

function metadata(): ModelMetadata {
	return {
		format: 'folk-studio-model',
		version: 1,
		name: 'test',
		createdAt: 0,
		vocabulary,
		songStart: '/',
		design: 'sequence',
		config: null,
		history: [],
		corpus: { id: 'c', name: 'c', hash: 'h' }
	};
}

/** Random weights (not the initial ones: biases and all non-zero) so a mix-up would show. */
function randomWeights(layers: number, units: number) {
	const w = initialWeights(vocabulary, layers, units, 3);
	const rng = new Rng('format');
	for (const l of w.layers) l.bias = l.bias.map(() => rng.next() - 0.5);
	w.denseBias = w.denseBias.map(() => rng.next() - 0.5);
	return w;
}

describe('model format', () => {
	test('tf.loadLayersModel reads it and matches LstmStepModel on a sequence (2 layers)', async () => {
		await tf.setBackend('cpu');
		const weights = randomWeights(2, 6);
		const files = toModelFiles(weights, metadata());
		const model = await tf.loadLayersModel(
			tf.io.fromMemory({
				modelTopology: files.modelJson.modelTopology,
				weightSpecs: files.modelJson.weightsManifest[0].weights as tf.io.WeightsManifestEntry[],
				weightData: files.weights.slice().buffer
			})
		);
		const ids = [0, 3, 1, 4, 5, 1, 2, 7, 6];
		const x = tf.oneHot(tf.tensor1d(ids, 'int32'), vocabulary.length).toFloat().expandDims(0);
		const probs = (await (model.predict(x) as tf.Tensor).data()) as Float32Array;
		const step = new LstmStepModel(weights);
		let state = step.initialState();
		let worst = 0;
		ids.forEach((id, t) => {
			const r = step.step(state, id);
			state = r.state;
			for (let j = 0; j < vocabulary.length; j++)
				worst = Math.max(worst, Math.abs(r.probabilities[j] - probs[t * vocabulary.length + j]));
		});
		expect(worst).toBeLessThan(1e-5);
	});

	test('round trip through one exported file keeps every weight and the metadata', async () => {
		const weights = randomWeights(1, 5);
		const back = await unpackModel(packModel(toModelFiles(weights, metadata())), 'm.zip');
		expect(back.metadata.vocabulary).toEqual(vocabulary);
		expect(Array.from(back.weights.layers[0].recurrentKernel)).toEqual(
			Array.from(weights.layers[0].recurrentKernel)
		);
		expect(Array.from(back.weights.denseBias)).toEqual(Array.from(weights.denseBias));
	});

	test('refuses truncated weights, a mismatched vocabulary and a broken zip with a clear message', async () => {
		const files = toModelFiles(randomWeights(1, 5), metadata());
		expect(() =>
			fromModelFiles({ ...files, weights: files.weights.slice(0, files.weights.length - 8) })
		).toThrow(/truncated/);
		expect(() =>
			fromModelFiles({ ...files, metadata: { ...files.metadata, vocabulary: [...vocabulary, '70'] } })
		).toThrow(ModelFormatError);
		expect(() =>
			fromModelFiles({ ...files, metadata: { ...files.metadata, vocabulary: [...vocabulary, '70'] } })
		).toThrow(/vocabulary|shape/);
		const zip = packModel(files);
		await expect(unpackModel(zip.slice(0, zip.length / 2), 'half.zip')).rejects.toThrow(/half\.zip/);
	});

	test('a model zip is read within limits: a bomb, a bad CRC or a missing file is refused with a sentence', async () => {
		const files = toModelFiles(randomWeights(1, 5), metadata());
		const parts = {
			model: entry(MODEL_FILES.model, JSON.stringify(files.modelJson)),
			weights: entry(MODEL_FILES.weights, files.weights),
			metadata: entry(MODEL_FILES.metadata, JSON.stringify(files.metadata))
		};
		const ok = await unpackModel(buildZip(Object.values(parts)), 'ok.zip');
		expect(ok.metadata.vocabulary).toEqual(vocabulary);
		// A bomb: 50 kB of deflate that would inflate to 64 MB, declared as 1,000 bytes.
		const bomb = { name: MODEL_FILES.weights, data: zeroBomb(1 << 26), method: 8, size: 1000, crc: 0 };
		await expect(
			unpackModel(buildZip([parts.model, bomb, parts.metadata]), 'bomb.model.zip')
		).rejects.toThrow(/bomb\.model\.zip\/weights\.bin is damaged.*more data than the 1000 bytes/);
		// Declared honestly as 1 GB: refused before inflating.
		await expect(
			unpackModel(buildZip([parts.model, { ...bomb, size: 1 << 30 }, parts.metadata]), 'big.zip')
		).rejects.toThrow(
			/^big\.zip would unpack to more than 272 MB: larger than any model this app writes \(256 MB of weights and their description\)/
		);
		const badCrc = { ...parts.weights, crc: parts.weights.crc ^ 1 };
		await expect(unpackModel(buildZip([parts.model, badCrc, parts.metadata]), 'crc.zip')).rejects.toThrow(
			/CRC-32/
		);
		await expect(unpackModel(buildZip([parts.model, parts.metadata]), 'two.zip')).rejects.toThrow(
			/two\.zip has no weights\.bin/
		);
	});
});
