/**
 * Held-out score of the default recipe trained with this app's fast LSTM (the Trainer: hand-written
 * BPTT) against the same recipe trained with the tfjs-layers LSTM cell (`tf.layers.lstmCell`, the cell
 * inside `tf.layers.lstm`, gradients by TensorFlow.js autodiff): same songs, split, inputs, batches,
 * initial weights, dropout masks, hidden bars, clipping, Adam and learning-rate decay. Both models are
 * written as model directories and scored with the protocol of `cli eval` (stateful, one song at a time
 * with its bars, on kinder + altdeu1 + altdeu2 + dva minus songs identical to an erk song). The layers
 * cell is stepped by hand because tf.layers.lstm cannot reset a lane's state where a new song starts
 * inside a batch, which the many-to-many design needs.
 *
 * `RECIPE_INPUT` picks the inputs of both: `bars` (default: the recipe's, symbols + bar position, a
 * tenth of the songs without bars each epoch, lr decay 0.9) or `symbols` (one-hot symbols only, constant
 * rate). `RECIPE_EPOCHS` (default 2) sets the epochs; `RECIPE_OUT` the output folder (default
 * /tmp/recipe-impl); `RECIPE_MAX_BATCHES` caps the batches per epoch (a smoke run).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';
import { SHARED } from '../tests/shared';
import { ingest } from '../src/lib/corpus/ingest';
import { contentHash } from '../src/lib/corpus/summary';
import { dropFromPaths } from '../src/cli/files';
import { DEFAULT_ENCODE_OPTIONS } from '../src/lib/encoding/song';
import { writeModelDir } from '../src/cli/files';
import { resolveConfig, type TrainConfig } from '../src/lib/model/config';
import { learningRateAt, Trainer, bits } from '../src/lib/train/trainer';
import type { EpochRecord } from '../src/lib/model/checkpoint';
import { encodeSong, LaneBatches, splitSongs, type Batch } from '../src/lib/train/data';
import { SONG_END } from '../src/lib/music/symbols';
import { buildVocabulary } from '../src/lib/music/vocabulary';
import { initialWeights } from '../src/lib/model/init';
import { Rng } from '../src/lib/model/rng';
import { oneHotFloat } from '../src/lib/train/fast-lstm';
import { toModelFiles, type ModelMetadata } from '../src/lib/model/format';
import type { LstmModelWeights } from '../src/lib/model/types';
import { removeDuplicates } from '../src/lib/eval/dedupe';
import { scoreBarSongs } from '../src/lib/eval/score';
import { scoreBatched } from '../src/lib/eval/batched';
import { LstmStepModel } from '../src/lib/model/lstm-step';
import { METER_FEATURES, songBarContext } from '../src/lib/model/features';
import type { EncodedSong } from '../src/lib/encoding/song';

const HELD = ['kinder', 'altdeu1', 'altdeu2', 'dva'];

/** The Trainer's per-batch seed (trainer.ts `seedOf`): the dropout masks come out identical. */
function seedOf(...parts: (string | number)[]): number {
	return new Rng(parts.join(':')).uint32() % 2147483647;
}

/** The Trainer's share of training songs read without bars in an epoch (trainer.ts `HIDDEN_BARS`). */
const HIDDEN_BARS = 0.1;

/** The recipe trained with the layers LSTM cell, replaying the Trainer's data, masks and updates. */
async function trainLayers(
	songs: EncodedSong[],
	config: TrainConfig,
	log: (s: string) => void
): Promise<{ weights: LstmModelWeights; history: EpochRecord[]; vocabulary: string[] }> {
	const vocabulary = buildVocabulary(songs.map((s) => s.symbols));
	const V = vocabulary.length;
	// Input width: the one-hot symbol, then the bar features when the recipe reads them.
	const D = V + (config.meterInput ? METER_FEATURES : 0);
	const n = config.units;
	const split = splitSongs(songs.length, config.validation, config.seed);
	const encoded = songs.map((s) => encodeSong(s.symbols, vocabulary));
	const bars = config.meterInput ? songs.map((s) => songBarContext(s)) : null;
	// The Trainer's seeded tenth of the songs without bars, per epoch (trainer.ts `hideSomeBars`).
	const hideSomeBars = (epoch: number) => {
		if (!bars) return null;
		const rng = new Rng(`bars:${config.seed}:${epoch}`);
		return bars.map((b) => (rng.next() < HIDDEN_BARS ? null : b));
	};
	const endId = vocabulary.indexOf(SONG_END);
	const init = initialWeights(vocabulary, 1, n, config.seed, config.meterInput);
	const l0 = init.layers[0];
	const cell = tf.layers.lstmCell({
		units: n,
		recurrentActivation: 'sigmoid',
		kernelInitializer: 'glorotUniform',
		recurrentInitializer: 'glorotUniform'
	});
	cell.build([null, D]);
	cell.built = true;
	tf.tidy(() =>
		cell.setWeights([
			tf.tensor2d(l0.kernel, [D, 4 * n]),
			tf.tensor2d(l0.recurrentKernel, [n, 4 * n]),
			tf.tensor1d(l0.bias)
		])
	);
	const denseK = tf.variable(tf.tensor2d(init.denseKernel, [n, V]));
	const denseB = tf.variable(tf.tensor1d(init.denseBias));
	const vars = [...cell.trainableWeights.map((w) => w.read() as tf.Variable), denseK, denseB];
	const m: tf.Tensor[] = vars.map((x) => tf.zerosLike(x));
	const v: tf.Tensor[] = vars.map((x) => tf.zerosLike(x));
	let step = 0;

	/** Loss sum, correct, count over the batch; new state. Records on the tape when called under grads. */
	const forward = (batch: Batch, h0: tf.Tensor2D, c0: tf.Tensor2D, seed: number | null) => {
		const T = batch.steps;
		const B = batch.lanes;
		let h = h0;
		let c = c0;
		const hs: tf.Tensor2D[] = [];
		// One-hot symbol and bar features per step, as the Trainer's first layer reads them.
		const x = new Float32Array(T * B * D);
		for (let r = 0; r < T * B; r++) {
			x[r * D + batch.inputs[r]] = 1;
			for (const f of batch.features?.[r] ?? []) x[r * D + V + f] = 1;
		}
		const xs = tf.unstack(tf.tensor3d(x, [T, B, D]));
		for (let t = 0; t < T; t++) {
			const k = batch.keep[t];
			if (k) {
				const kt = tf.tensor2d(k, [B, 1]);
				h = tf.mul(h, kt);
				c = tf.mul(c, kt);
			}
			const out = cell.apply([xs[t], h, c]) as tf.Tensor2D[];
			h = out[1];
			c = out[2];
			hs.push(h);
		}
		let y = tf.stack(hs) as tf.Tensor3D;
		if (seed !== null && config.dropout > 0) {
			// The Trainer's mask for layer 0: seed + 2.
			const mask = tf.div(
				tf.step(tf.sub(tf.randomUniform([T, B, n], 0, 1, 'float32', seed + 2), config.dropout)),
				1 - config.dropout
			);
			y = tf.mul(y, mask);
		}
		const Y = tf.reshape(y, [T * B, n]);
		const targets = tf.tensor1d(batch.targets, 'int32');
		const w = tf.tensor1d(batch.weights);
		const logits = tf.add(tf.matMul(Y, denseK), denseB);
		const logp = tf.logSoftmax(logits);
		const nll = tf.neg(tf.sum(tf.mul(logp, oneHotFloat(targets, V)), 1));
		const count = tf.sum(w);
		const lossSum = tf.sum(tf.mul(nll, w));
		const correct = tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(logits, 1), targets), 'float32'), w));
		return { loss: tf.div(lossSum, tf.maximum(count, 1)) as tf.Scalar, lossSum, correct, count, h, c };
	};

	const zeros = (lanes: number) => [tf.zeros([lanes, n]), tf.zeros([lanes, n])] as tf.Tensor2D[];
	const history: EpochRecord[] = [];
	let best: { valLoss: number; epoch: number; values: Float32Array[] } | null = null;
	for (let epoch = 0; epoch < config.epochs; epoch++) {
		const order = new Rng(`order:${config.seed}:${epoch}`).shuffle([...split.train]);
		const batches = new LaneBatches(
			encoded,
			order,
			config.batchSize,
			config.seqLength,
			endId,
			hideSomeBars(epoch)
		);
		let [h, c] = zeros(batches.lanes.length);
		let lossSum = 0;
		let correct = 0;
		let count = 0;
		const started = performance.now();
		const total = config.maxBatchesPerEpoch
			? Math.min(batches.batchCount, config.maxBatchesPerEpoch)
			: batches.batchCount;
		for (let k = 0; k < total; k++) {
			const batch = batches.batch(k);
			const seed = seedOf(config.seed, epoch, k);
			const r = tf.tidy(() => {
				let state: tf.Tensor[] = [];
				let stats: tf.Tensor[] = [];
				const { grads } = tf.variableGrads(() => {
					const f = forward(batch, h, c, seed);
					state = [tf.keep(f.h), tf.keep(f.c)];
					stats = [tf.keep(tf.stack([f.lossSum, f.correct, f.count]))];
					return f.loss;
				}, vars);
				let g = vars.map((x) => grads[x.name]);
				const normSq = tf.addN(g.map((x) => tf.sum(tf.square(x))));
				if (config.clipNorm > 0) {
					const factor = tf.div(config.clipNorm, tf.maximum(tf.sqrt(normSq), config.clipNorm));
					g = g.map((x) => tf.mul(x, factor));
				}
				// Adam as in the Trainer (Keras's form, epsilon 1e-7).
				step += 1;
				const lr = learningRateAt(config, epoch, k, total);
				const lrT = (lr * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step);
				g.forEach((gi, i) => {
					const mi = tf.add(tf.mul(m[i], 0.9), tf.mul(gi, 0.1));
					const vi = tf.add(tf.mul(v[i], 0.999), tf.mul(tf.square(gi), 0.001));
					vars[i].assign(tf.sub(vars[i], tf.mul(tf.div(mi, tf.add(tf.sqrt(vi), 1e-7)), lrT)));
					m[i].dispose();
					v[i].dispose();
					m[i] = tf.keep(mi);
					v[i] = tf.keep(vi);
				});
				return { h: state[0], c: state[1], stats: stats[0] };
			});
			const s = await r.stats.data();
			r.stats.dispose();
			h.dispose();
			c.dispose();
			h = r.h as tf.Tensor2D;
			c = r.c as tf.Tensor2D;
			lossSum += s[0];
			correct += s[1];
			count += s[2];
		}
		h.dispose();
		c.dispose();
		const seconds = (performance.now() - started) / 1000;
		// Validation as the Trainer does it: val songs in lanes, each batch from the carried state.
		const vb = new LaneBatches(encoded, split.val, config.batchSize, config.seqLength, endId, bars);
		let [vh, vc] = zeros(vb.lanes.length);
		let vl = 0;
		let vcor = 0;
		let vn = 0;
		for (let k = 0; k < vb.batchCount; k++) {
			const r = tf.tidy(() => {
				const f = forward(vb.batch(k), vh, vc, null);
				return { h: f.h, c: f.c, stats: tf.stack([f.lossSum, f.correct, f.count]) };
			});
			const s = await r.stats.data();
			r.stats.dispose();
			vh.dispose();
			vc.dispose();
			vh = r.h;
			vc = r.c;
			vl += s[0];
			vcor += s[1];
			vn += s[2];
		}
		vh.dispose();
		vc.dispose();
		const record: EpochRecord = {
			epoch: epoch + 1,
			trainLoss: lossSum / count,
			trainAccuracy: correct / count,
			valLoss: vl / Math.max(vn, 1),
			valAccuracy: vcor / Math.max(vn, 1),
			seconds,
			targets: count,
			symbolsPerSecond: count / seconds
		};
		history.push(record);
		log(
			`layers epoch ${epoch + 1}: train ${bits(record.trainLoss).toFixed(3)} bits, val ${bits(record.valLoss!).toFixed(3)} bits, ${seconds.toFixed(1)} s`
		);
		if (!best || record.valLoss! < best.valLoss)
			best = {
				valLoss: record.valLoss!,
				epoch: epoch + 1,
				values: await Promise.all(vars.map(async (x) => (await x.data()) as Float32Array))
			};
		else if (config.patience > 0 && epoch + 1 - best.epoch >= config.patience) break;
	}
	// Like the Trainer: the best validation epoch's weights.
	const [kernel, recurrentKernel, bias, denseKernel, denseBias] = best!.values;
	tf.dispose([...vars, ...m, ...v]);
	return {
		vocabulary,
		history,
		weights: {
			vocabulary: [...vocabulary],
			layers: [{ inputSize: D, units: n, kernel, recurrentKernel, bias }],
			denseKernel,
			denseBias,
			...(config.meterInput ? { meterInput: true } : {})
		}
	};
}

export default async function (): Promise<void> {
	if (!SHARED) {
		console.log('SKIP: ../shared (Essen corpus) is not beside the repository');
		return;
	}
	const D = join(SHARED, 'corpus', 'essen', 'deutschl');
	const erkPath = join(D, 'erk');
	const epochs = Number(process.env.RECIPE_EPOCHS ?? 2);
	const outRoot = process.env.RECIPE_OUT ?? '/tmp/recipe-impl';
	await tf.setBackend('wasm');
	await tf.ready();
	const { songs: erk } = await ingest(dropFromPaths([erkPath]));
	const symbols = erk.map((s) => s.symbols);
	const bars = (process.env.RECIPE_INPUT ?? 'bars') !== 'symbols';
	const config = resolveConfig({
		layers: 1,
		units: 128,
		batchSize: 64,
		seqLength: 16,
		learningRate: 0.005,
		dropout: 0.2,
		validation: 0.05,
		patience: 2,
		seed: 1,
		// The same inputs for both LSTMs: the recipe's (bar position, decay) or symbols alone.
		meterInput: bars,
		// The layers replay reads the bar features only: lookback (on by default since 27 Nov 2026) off.
		lookback: false,
		learningRateDecay: bars ? 0.9 : 1,
		epochs,
		maxBatchesPerEpoch: Number(process.env.RECIPE_MAX_BATCHES ?? 0)
	});
	const inputs = bars
		? `symbols + bar position (${METER_FEATURES} features; a seeded tenth of the songs without bars each epoch), lr decay ${config.learningRateDecay}`
		: 'symbols only (one-hot), constant learning rate';
	const corpus = { id: 'bench:erk', name: 'erk', hash: await contentHash(erk, DEFAULT_ENCODE_OPTIONS) };
	const { songs: heldAll } = await ingest(dropFromPaths(HELD.map((h) => join(D, h))));
	const held = removeDuplicates(heldAll, symbols, (s) => s.symbols);
	console.log(
		`recipe: LSTM ${config.units}, batch ${config.batchSize}, seq ${config.seqLength}, lr ${config.learningRate}, ` +
			`dropout ${config.dropout}, val ${config.validation}, seed ${config.seed}, ${epochs} epochs on ${erk.length} erk songs (wasm); ` +
			`held out: ${HELD.join('+')}, ${held.kept.length} songs kept, ${held.removed.length} erk duplicates removed`
	);
	console.log(`inputs of both LSTMs: ${inputs}`);

	const results: { impl: string; dir: string; seconds: number; history: EpochRecord[]; score: number }[] = [];
	const write = (dir: string, weights: LstmModelWeights, history: EpochRecord[], impl: string) => {
		const metadata: ModelMetadata = {
			format: 'folk-studio-model',
			version: 1,
			name: `recipe-${impl}`,
			createdAt: Date.now(),
			vocabulary: weights.vocabulary,
			songStart: '/',
			design: config.design,
			config,
			history,
			corpus,
			status: 'finished',
			backend: 'wasm'
		};
		writeModelDir(dir, toModelFiles(weights, metadata));
	};

	// 1. The fast LSTM: the app's Trainer.
	let t0 = performance.now();
	const trainer = Trainer.create(erk, config, corpus);
	await trainer.run({
		yieldEachBatch: false,
		onEpoch: (r) =>
			console.log(
				`fast epoch ${r.epoch}: train ${bits(r.trainLoss).toFixed(3)} bits, val ${bits(r.valLoss!).toFixed(3)} bits, ${r.seconds.toFixed(1)} s`
			)
	});
	const fastWeights = await trainer.weights();
	const fastHistory = trainer.history;
	trainer.dispose();
	const fastSeconds = (performance.now() - t0) / 1000;
	write(join(outRoot, 'fast'), fastWeights, fastHistory, 'fast');

	// 2. The layers LSTM cell with autodiff, same everything.
	t0 = performance.now();
	const layers = await trainLayers(erk, config, console.log);
	const layersSeconds = (performance.now() - t0) / 1000;
	write(join(outRoot, 'layers'), layers.weights, layers.history, 'layers');

	for (const [impl, weights, history, seconds] of [
		['fast', fastWeights, fastHistory, fastSeconds],
		['layers', layers.weights, layers.history, layersSeconds]
	] as const) {
		// As `cli eval` scores a model: with each song's bars where it reads them.
		const r = bars
			? scoreBarSongs(new LstmStepModel(weights), held.kept)
			: await scoreBatched(
					weights,
					held.kept.map((s) => s.symbols)
				);
		results.push({ impl, dir: join(outRoot, impl), seconds, history: [...history], score: r.bitsPerStep });
		console.log(
			`${impl}: held-out ${r.bitsPerStep.toFixed(4)} bits/step, accuracy ${r.accuracy.toFixed(4)}, ` +
				`${r.bitsPerNote.toFixed(4)} bits/note (${r.songs} songs, ${r.steps} steps)`
		);
	}
	console.log('\nimpl     held-out bits/step  last val bits  train s (batches)  total s');
	for (const r of results) {
		const last = r.history[r.history.length - 1];
		const train = r.history.reduce((a, h) => a + h.seconds, 0);
		console.log(
			`${r.impl.padEnd(8)} ${r.score.toFixed(4).padStart(18)}  ${bits(last.valLoss!).toFixed(4).padStart(13)}  ` +
				`${train.toFixed(1).padStart(17)}  ${r.seconds.toFixed(1).padStart(7)}`
		);
	}
	const [fast, lay] = results;
	console.log(
		`fast − layers: ${(fast.score - lay.score).toFixed(5)} bits/step (${fast.score <= lay.score ? 'not worse' : 'WORSE'}); ` +
			`training batches ${(lay.history.reduce((a, h) => a + h.seconds, 0) / fast.history.reduce((a, h) => a + h.seconds, 0)).toFixed(1)}× faster`
	);
	console.log('reproduce the scores with:');
	for (const r of results)
		console.log(
			`  npm run --silent cli -- eval --model ${r.dir} --corpus ${HELD.map((h) => join(D, h)).join(' ')} --exclude ${erkPath}`
		);
}
