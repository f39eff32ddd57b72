import { describe, expect, it } from 'vitest';
import { calibratedBias, outputLogits } from '../../../src/lib/eval/calibrate';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { ingest } from '../../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../../src/cli/files';
import { referenceVocabulary, tinyModel } from '../generate/tiny-model';
import { hasShared, shared } from '../../shared';

describe.skipIf(!hasShared())('output calibration', () => {
	it('refits the bias so the model predicts each symbol as often as the songs have it', async () => {
		const { songs: read } = await ingest(dropFromPaths([shared('corpus', 'essen', 'deutschl', 'kinder')]));
		const weights = tinyModel(referenceVocabulary(), 12, 3);
		const vocab = new Set(weights.vocabulary);
		const songs = read.filter((s) => s.symbols.every((x) => vocab.has(x))).slice(0, 40);
		expect(songs.length).toBe(40);
		const v = weights.vocabulary.length;
		/** Predicted and actual count of each symbol along the songs, read with the model's own step. */
		const counts = (bias: Float32Array) => {
			const model = new LstmStepModel({ ...weights, denseBias: bias });
			const predicted = new Float64Array(v);
			const actual = new Float64Array(v);
			for (const s of songs) {
				const ids = [...s.symbols.map((x) => weights.vocabulary.indexOf(x)), weights.vocabulary.indexOf('/')];
				let out = model.step(model.initialState(), weights.vocabulary.indexOf('/'));
				for (const id of ids) {
					out.probabilities.forEach((p, j) => (predicted[j] += p));
					actual[id]++;
					out = model.step(out.state, id);
				}
			}
			return { predicted, actual };
		};
		const before = counts(weights.denseBias);
		const after = counts(calibratedBias(weights, songs, { l2: 0.01 }));
		const worst = (c: { predicted: Float64Array; actual: Float64Array }) =>
			Math.max(...c.actual.map((a, j) => (a >= 100 ? Math.abs(c.predicted[j] - a) / a : 0)));
		// A random network is far off; refit, every symbol the songs have often is predicted as often
		// (rarer ones stay nearer their old bias: the fit is pulled towards it).
		expect(worst(before)).toBeGreaterThan(0.5);
		expect(worst(after)).toBeLessThan(0.01);
		// The logits it fits from are the model's own: its bias added back gives its distribution.
		const { logits, targets } = outputLogits(weights, songs.slice(0, 1));
		expect(targets.length).toBe(songs[0].symbols.length + 1);
		const model = new LstmStepModel(weights);
		const first = model.step(model.initialState(), weights.vocabulary.indexOf('/')).probabilities;
		const z = Array.from({ length: v }, (_, j) => Math.exp(logits[0][j] + weights.denseBias[j]));
		const sum = z.reduce((a, b) => a + b, 0);
		for (let j = 0; j < v; j++) expect(z[j] / sum).toBeCloseTo(first[j], 5);
	});
});
