/**
 * Trains the small model `tests/lib/generate/calibration.test.ts` samples: LSTM 32 with bar input, no
 * dropout, 25 epochs on the first 120 songs of each of
 * 2/4, 3/4 and 4/4 from Essen's erk (files in name order); then its output bias refit on those songs
 * (eval/calibrate.ts). A few minutes on one core.
 *
 *   npx tsx scripts/calibration-model.ts [out-dir]   (default tests/lib/generate/calibration-model)
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Trainer } from '../src/lib/train/trainer';
import { calibratedBias } from '../src/lib/eval/calibrate';
import { ingest } from '../src/lib/corpus/ingest';
import { dropFromPaths } from '../src/cli/files';
import { MODEL_FILES, newModelMetadata, toModelFiles } from '../src/lib/model/format';

const METERS = ['2/4', '3/4', '4/4'];
const PER_METER = 120;
const out = process.argv[2] ?? 'tests/lib/generate/calibration-model';
const shared = process.env.FOLK_SHARED ?? join('..', 'shared');

await tf.setBackend('cpu');
const dir = join(shared, 'corpus', 'essen', 'deutschl', 'erk');
const files = readdirSync(dir)
	.filter((f) => f.endsWith('.krn'))
	.sort()
	.map((f) => join(dir, f));
const { songs: all } = await ingest(dropFromPaths(files));
const songs = METERS.flatMap((m) => all.filter((s) => s.meter === m).slice(0, PER_METER));
const corpus = {
	id: 'calibration',
	name: `erk: the first ${PER_METER} songs in each of ${METERS.join(', ')} (files in name order)`,
	hash: 'calibration'
};
const trainer = Trainer.create(
	songs,
	{
		units: 32,
		seqLength: 32,
		batchSize: 32,
		epochs: 25,
		validation: 0,
		dropout: 0,
		learningRate: 0.01,
		learningRateDecay: 0.9,
		seed: 1,
		meterInput: true,
		lookback: false,
		patience: 0
	},
	corpus
);
await trainer.run({
	yieldEachBatch: false,
	onEpoch: () =>
		console.log(`epoch ${trainer.history.length}: loss ${trainer.history.at(-1)?.trainLoss.toFixed(4)}`)
});
const weights = await trainer.weights();
// Trained networks predict too few note onsets on their own songs (eval/calibrate.ts): the same
// correction as the bundled model's members get.
weights.denseBias = calibratedBias(weights, songs);
const files3 = toModelFiles(
	weights,
	newModelMetadata({
		name: 'Calibration check: LSTM 32, bar input, no dropout',
		vocabulary: weights.vocabulary,
		config: { ...trainer.config },
		corpus,
		history: trainer.history
	})
);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, MODEL_FILES.model), JSON.stringify(files3.modelJson));
writeFileSync(join(out, MODEL_FILES.weights), files3.weights);
writeFileSync(join(out, MODEL_FILES.metadata), JSON.stringify(files3.metadata));
console.log(`wrote ${out}`);
