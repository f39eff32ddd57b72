/**
 * The training loop: a stacked fast LSTM with a softmax on top, trained with hand-written gradients and
 * Adam, epoch by epoch, with validation, early stopping, clipping, non-finite detection and checkpoints
 * that resume exactly. Runs the same in the worker and in Node.
 */
import * as tf from '@tensorflow/tfjs';
import { lstmBackward, lstmForward, oneHotFloat, type LstmCache, type LstmParams } from './fast-lstm';
import { resolveConfig, type TrainConfig } from '../model/config';
import { encodeSong, LaneBatches, splitSongs, WindowBatches, type Batch } from './data';
import { SONG_END } from '../music/symbols';
import { buildVocabulary } from '../music/vocabulary';
import { initialWeights } from '../model/init';
import { METER_FEATURES, songBarContext, type BarContext } from '../model/features';
import { Rng } from '../model/rng';
import {
	validateCheckpoint,
	type BatchProgress,
	type Checkpoint,
	type CorpusRef,
	type EpochPosition,
	type EpochRecord,
	type RunStatus
} from '../model/checkpoint';
import { Adam, type AdamState } from './adam';
import type { LstmModelWeights } from '../model/types';

/** A song to learn from: its symbols, with its meter and bar phase when the run uses bar input. */
export type TrainingSong =
	readonly string[] | ({ readonly symbols: readonly string[] } & Parameters<typeof songBarContext>[0]);

function symbolsOf(song: TrainingSong): readonly string[] {
	return Array.isArray(song) ? (song as readonly string[]) : (song as { symbols: readonly string[] }).symbols;
}

function barOf(song: TrainingSong): BarContext | null {
	if (Array.isArray(song)) return null;
	return songBarContext(song as Parameters<typeof songBarContext>[0]);
}

/** Callbacks and control of `Trainer.run`. */
export interface RunHooks {
	onBatch?(p: BatchProgress): void;
	/** Called after each epoch, before the next starts; await it to save a checkpoint. */
	onEpoch?(record: EpochRecord): void | Promise<void>;
	/** Polled between batches: 'pause' or 'stop' ends `run` at that point (resumable). */
	control?(): 'pause' | 'stop' | null;
	/** Yields to the event loop between batches so messages get through (default true). */
	yieldEachBatch?: boolean;
}

const LN2 = Math.LN2;
/** Share of training songs read without bar features in each epoch (see `hideSomeBars`). */
const HIDDEN_BARS = 0.1;

function seedOf(...parts: (string | number)[]): number {
	return new Rng(parts.join(':')).uint32() % 2147483647;
}

const nextTick = () => new Promise<void>((r) => setTimeout(r, 0));

/** A training run over one corpus. Call `dispose()` when done. */
export class Trainer {
	readonly config: TrainConfig;
	readonly vocabulary: string[];
	readonly corpus: CorpusRef;
	readonly split: { train: number[]; val: number[] };
	epoch = 0;
	history: EpochRecord[] = [];
	status: RunStatus = 'running';
	message: string | undefined;
	elapsedSeconds = 0;
	private readonly songs: Int32Array[];
	/** Per song, its bar for the bar-position input (null where the meter is unknown or input is off). */
	private readonly bars: (BarContext | null)[] | null;
	private readonly endId: number;
	private params: (LstmParams & {
		kernel: tf.Variable<tf.Rank.R2>;
		recurrentKernel: tf.Variable<tf.Rank.R2>;
		bias: tf.Variable<tf.Rank.R1>;
	})[];
	private dense: { kernel: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> };
	private adam: Adam;
	private position: EpochPosition | null = null;
	private best: Checkpoint['best'] = null;
	private state: { h: tf.Tensor2D[]; c: tf.Tensor2D[] } | null = null;
	private valBatches: LaneBatches | null = null;

	private constructor(
		songs: readonly TrainingSong[],
		config: TrainConfig,
		vocabulary: string[],
		corpus: CorpusRef,
		split: { train: number[]; val: number[] },
		weights: LstmModelWeights,
		optimizer?: AdamState
	) {
		this.config = config;
		this.vocabulary = vocabulary;
		this.corpus = corpus;
		this.split = split;
		this.songs = songs.map((s) => encodeSong(symbolsOf(s), vocabulary));
		this.bars = config.meterInput ? songs.map(barOf) : null;
		this.endId = vocabulary.indexOf(SONG_END);
		// Inside tidy: tf.variable keeps its own copy, the initial tensors go.
		this.params = tf.tidy(() =>
			weights.layers.map((l) => ({
				kernel: tf.variable(tf.tensor2d(l.kernel, [l.inputSize, 4 * l.units])),
				recurrentKernel: tf.variable(tf.tensor2d(l.recurrentKernel, [l.units, 4 * l.units])),
				bias: tf.variable(tf.tensor1d(l.bias))
			}))
		);
		this.dense = tf.tidy(() => ({
			kernel: tf.variable(tf.tensor2d(weights.denseKernel, [config.units, vocabulary.length])),
			bias: tf.variable(tf.tensor1d(weights.denseBias))
		}));
		this.adam = new Adam(this.variables(), optimizer);
	}

	/** A new run: vocabulary from all songs, seeded split and initial weights. */
	static create(songs: readonly TrainingSong[], partial: Partial<TrainConfig>, corpus: CorpusRef): Trainer {
		const config = resolveConfig(partial);
		if (songs.length === 0) throw new Error(`The corpus "${corpus.name}" has no songs to train on.`);
		const vocabulary = buildVocabulary(songs.map(symbolsOf));
		const split = splitSongs(songs.length, config.validation, config.seed);
		return new Trainer(
			songs,
			config,
			vocabulary,
			corpus,
			split,
			initialWeights(vocabulary, config.layers, config.units, config.seed, config.meterInput)
		);
	}

	/** Continues a run from a checkpoint; the songs must be the corpus it names (same hash). */
	static resume(songs: readonly TrainingSong[], checkpoint: Checkpoint, corpusHash: string): Trainer {
		validateCheckpoint(checkpoint);
		if (corpusHash !== checkpoint.corpus.hash)
			throw new Error(
				`This run was trained on the corpus "${checkpoint.corpus.name}", which has changed or is missing; ` +
					'import that corpus again to resume, or start a new run.'
			);
		// Settings added since the checkpoint was written take their defaults (and are checked).
		const t = new Trainer(
			songs,
			resolveConfig(checkpoint.config),
			[...checkpoint.vocabulary],
			checkpoint.corpus,
			checkpoint.split,
			checkpoint.weights,
			checkpoint.optimizer
		);
		t.epoch = checkpoint.epoch;
		t.history = checkpoint.history.map((h) => ({ ...h }));
		t.position = checkpoint.position;
		t.best = checkpoint.best;
		t.elapsedSeconds = checkpoint.elapsedSeconds;
		t.status = 'running';
		return t;
	}

	private variables(): tf.Variable[] {
		return [
			...this.params.flatMap((p) => [p.kernel, p.recurrentKernel, p.bias] as tf.Variable[]),
			this.dense.kernel,
			this.dense.bias
		];
	}

	/** Batches of one epoch over the training songs, in that epoch's seeded order. */
	private epochBatches(epoch: number): LaneBatches | WindowBatches {
		const rng = new Rng(`order:${this.config.seed}:${epoch}`);
		const c = this.config;
		if (c.design === 'window')
			return new WindowBatches(this.songs, this.split.train, c.batchSize, c.seqLength, this.endId, rng);
		const order = rng.shuffle([...this.split.train]);
		return new LaneBatches(this.songs, order, c.batchSize, c.seqLength, this.endId, this.hideSomeBars(epoch));
	}

	/**
	 * The songs' bars for one epoch, with a seeded tenth of them hidden: a model that never trained
	 * without bar features predicted songs in free meter (or with no barlines) at over 25 bits per step.
	 */
	private hideSomeBars(epoch: number): (BarContext | null)[] | null {
		if (!this.bars) return null;
		const rng = new Rng(`bars:${this.config.seed}:${epoch}`);
		return this.bars.map((b) => (rng.next() < HIDDEN_BARS ? null : b));
	}

	/** Number of batches an epoch takes (after `maxBatchesPerEpoch`). */
	batchesPerEpoch(): number {
		const n = this.epochBatches(this.epoch).batchCount;
		return this.config.maxBatchesPerEpoch ? Math.min(n, this.config.maxBatchesPerEpoch) : n;
	}

	private zeroState(lanes: number): { h: tf.Tensor2D[]; c: tf.Tensor2D[] } {
		const n = this.config.units;
		return {
			h: this.params.map(() => tf.zeros([lanes, n]) as tf.Tensor2D),
			c: this.params.map(() => tf.zeros([lanes, n]) as tf.Tensor2D)
		};
	}

	private disposeState(): void {
		if (!this.state) return;
		for (const x of [...this.state.h, ...this.state.c]) x.dispose();
		this.state = null;
	}

	/**
	 * Forward (and with `seed`, backward) over one batch from the carried state. Returns the statistics
	 * [lossSum, correct, count, gradNormSq] as one tensor, the new state and, when training, gradients.
	 */
	private pass(
		batch: Batch,
		training: boolean,
		seed: number
	): { stats: tf.Tensor1D; h: tf.Tensor2D[]; c: tf.Tensor2D[]; grads: tf.Tensor[] | null } {
		const c = this.config;
		const state = this.state!;
		type Out = { stats: tf.Tensor1D; h: tf.Tensor2D[]; c: tf.Tensor2D[]; grads: tf.Tensor[] };
		const out = tf.tidy((): Out => {
			const T = batch.steps;
			const B = batch.lanes;
			const V = this.vocabulary.length;
			const n = c.units;
			const ids = tf.tensor2d(batch.inputs, [T, B], 'int32');
			const keep = batch.keep.map((k) => (k ? (tf.tensor2d(k, [B, 1]) as tf.Tensor2D) : null));
			// Built in JS: four tensor ops over [T, B, n] cost ~50 ms a batch on wasm for 256 units.
			const dropMask = (shape: number[], rate: number, s: number) => {
				const rng = new Rng(s);
				const keep = 1 / (1 - rate);
				const m = new Float32Array(shape.reduce((a, b) => a * b, 1));
				for (let i = 0; i < m.length; i++) m[i] = rng.next() < rate ? 0 : keep;
				return tf.tensor(m, shape);
			};
			const caches: LstmCache[] = [];
			const outMasks: (tf.Tensor | null)[] = [];
			const hs: tf.Tensor2D[] = [];
			const cs: tf.Tensor2D[] = [];
			let x: tf.Tensor3D | null = null;
			this.params.forEach((p, l) => {
				const rmask =
					training && c.recurrentDropout > 0
						? (dropMask([B, n], c.recurrentDropout, seed + 2 * l + 1) as tf.Tensor2D)
						: null;
				const input = x ? { x } : batch.features ? { x: this.firstInput(batch), constant: true } : { ids };
				const r = lstmForward(input, p, state.h[l], state.c[l], { keep, recurrentMask: rmask, training });
				hs.push(r.h);
				cs.push(r.c);
				if (r.cache) caches.push(r.cache);
				let y: tf.Tensor3D = r.outputs;
				const mask = training && c.dropout > 0 ? dropMask([T, B, n], c.dropout, seed + 2 * l + 2) : null;
				if (mask) y = tf.mul(y, mask);
				outMasks.push(mask);
				x = y;
			});
			const top = x! as tf.Tensor3D;
			const rows = batch.lastOnly ? B : T * B;
			const from = batch.lastOnly ? (T - 1) * B : 0;
			const Y = batch.lastOnly
				? (tf.reshape(tf.slice(top, [T - 1, 0, 0], [1, B, n]), [B, n]) as tf.Tensor2D)
				: (tf.reshape(top, [T * B, n]) as tf.Tensor2D);
			const targets = tf.tensor1d(batch.targets.subarray(from, from + rows), 'int32');
			const w = tf.tensor1d(batch.weights.subarray(from, from + rows));
			const logits = tf.add(tf.matMul(Y, this.dense.kernel), this.dense.bias);
			const logp = tf.logSoftmax(logits);
			const oh = oneHotFloat(targets, V);
			const nll = tf.neg(tf.sum(tf.mul(logp, oh), 1));
			const count = tf.sum(w);
			const lossSum = tf.sum(tf.mul(nll, w));
			const correct = tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(logits, 1), targets), 'float32'), w));
			if (!training)
				return {
					stats: tf.stack([lossSum, correct, count, tf.scalar(0)]) as tf.Tensor1D,
					h: hs,
					c: cs,
					grads: []
				};

			// Mean cross-entropy over the batch's targets: d/dlogits = (p − q)·w / N, q the one-hot target, or
			// with label smoothing ε the target (1 − ε)·onehot + ε / V. The stats above stay plain NLL.
			const scale = tf.div(w, tf.maximum(count, 1));
			const eps = c.labelSmoothing;
			const q = eps > 0 ? tf.add(tf.mul(oh, 1 - eps), eps / V) : oh;
			const dLogits = tf.mul(tf.sub(tf.exp(logp), q), tf.expandDims(scale, 1)) as tf.Tensor2D;
			const gDenseK = tf.matMul(tf.transpose(Y), dLogits);
			const gDenseB = tf.sum(dLogits, 0);
			const dY = tf.matMul(dLogits, tf.transpose(this.dense.kernel));
			let dTop: tf.Tensor3D = batch.lastOnly
				? (tf.concat([tf.zeros([T - 1, B, n]), tf.reshape(dY, [1, B, n])], 0) as tf.Tensor3D)
				: (tf.reshape(dY, [T, B, n]) as tf.Tensor3D);
			const layerGrads: tf.Tensor[][] = new Array(this.params.length);
			for (let l = this.params.length - 1; l >= 0; l--) {
				const mask = outMasks[l];
				if (mask) dTop = tf.mul(dTop, mask);
				const g = lstmBackward(caches[l], this.params[l], dTop);
				layerGrads[l] = [g.kernel, g.recurrentKernel, g.bias];
				if (g.input) dTop = g.input;
			}
			let grads = [...layerGrads.flat(), gDenseK, gDenseB];
			const normSq = tf.addN(grads.map((g) => tf.sum(tf.square(g))));
			if (c.clipNorm > 0) {
				const factor = tf.div(c.clipNorm, tf.maximum(tf.sqrt(normSq), c.clipNorm));
				grads = grads.map((g) => tf.mul(g, factor));
			}
			const stats = tf.stack([lossSum, correct, count, normSq]) as tf.Tensor1D;
			return { stats, h: hs, c: cs, grads };
		}) as Out;
		return { ...out, grads: training ? out.grads : null };
	}

	/** Loss (nats per target) and accuracy over the validation songs, each from a zero state. */
	async validate(): Promise<{ loss: number; accuracy: number } | null> {
		if (this.split.val.length === 0) return null;
		this.valBatches ??= new LaneBatches(
			this.songs,
			this.split.val,
			this.config.batchSize,
			this.config.seqLength,
			this.endId,
			this.bars
		);
		const vb = this.valBatches;
		const saved = this.state;
		this.state = this.zeroState(vb.lanes.length);
		let lossSum = 0;
		let correct = 0;
		let count = 0;
		try {
			for (let k = 0; k < vb.batchCount; k++) {
				const r = this.pass(vb.batch(k), false, 0);
				this.disposeState();
				this.state = { h: r.h, c: r.c };
				const s = await r.stats.data();
				r.stats.dispose();
				lossSum += s[0];
				correct += s[1];
				count += s[2];
			}
		} finally {
			this.disposeState();
			this.state = saved;
		}
		return { loss: lossSum / Math.max(count, 1), accuracy: correct / Math.max(count, 1) };
	}

	/** Trains until the configured epochs, early stopping, a non-finite loss, or a pause/stop request. */
	async run(hooks: RunHooks = {}): Promise<RunStatus> {
		const c = this.config;
		const yieldEach = hooks.yieldEachBatch ?? true;
		this.status = 'running';
		this.message = undefined;
		while (this.epoch < c.epochs) {
			const batches = this.epochBatches(this.epoch);
			const total = c.maxBatchesPerEpoch
				? Math.min(batches.batchCount, c.maxBatchesPerEpoch)
				: batches.batchCount;
			const lanes = batches instanceof LaneBatches ? batches.lanes.length : c.batchSize;
			const pos: EpochPosition = this.position ?? {
				batch: 0,
				h: [],
				c: [],
				lossSum: 0,
				correct: 0,
				count: 0,
				seconds: 0
			};
			this.disposeState();
			if (pos.h.length) {
				this.state = {
					h: pos.h.map((a) => tf.tensor2d(a, [lanes, c.units])),
					c: pos.c.map((a) => tf.tensor2d(a, [lanes, c.units]))
				};
			} else this.state = this.zeroState(lanes);
			this.position = pos;
			for (let k = pos.batch; k < total; k++) {
				const request = hooks.control?.() ?? null;
				if (request) {
					pos.batch = k;
					this.status = request === 'pause' ? 'paused' : 'stopped';
					return this.status;
				}
				const started = performance.now();
				const batch = batches.batch(k);
				if (batch.lanes !== lanes && !(batches instanceof LaneBatches)) {
					this.disposeState();
					this.state = this.zeroState(batch.lanes);
				}
				const r = this.pass(batch, true, seedOf(c.seed, this.epoch, k));
				const s = await r.stats.data();
				r.stats.dispose();
				if (!Number.isFinite(s[0]) || !Number.isFinite(s[3])) {
					r.grads!.forEach((g) => g.dispose());
					[...r.h, ...r.c].forEach((x) => x.dispose());
					pos.batch = k;
					this.status = 'failed';
					this.message =
						`The loss became non-finite at epoch ${this.epoch + 1}, batch ${k + 1}, so training stopped: ` +
						(c.clipNorm > 0
							? 'lower the learning rate or clip gradients harder (a smaller clip norm) and start again.'
							: 'lower the learning rate or turn on gradient clipping and start again.');
					return this.status;
				}
				this.adam.apply(r.grads!, c.learningRate * c.learningRateDecay ** this.epoch);
				r.grads!.forEach((g) => g.dispose());
				if (c.design === 'window') {
					[...r.h, ...r.c].forEach((x) => x.dispose());
				} else {
					this.disposeState();
					this.state = { h: r.h, c: r.c };
				}
				pos.lossSum += s[0];
				pos.correct += s[1];
				pos.count += s[2];
				const seconds = (performance.now() - started) / 1000;
				pos.seconds += seconds;
				this.elapsedSeconds += seconds;
				pos.batch = k + 1;
				hooks.onBatch?.({
					epoch: this.epoch,
					batch: k,
					batches: total,
					loss: s[0] / Math.max(s[2], 1),
					accuracy: s[1] / Math.max(s[2], 1),
					symbolsPerSecond: pos.count / Math.max(pos.seconds, 1e-9),
					elapsedSeconds: this.elapsedSeconds
				});
				if (yieldEach) await nextTick();
			}
			this.disposeState();
			const val = await this.validate();
			const record: EpochRecord = {
				epoch: this.epoch + 1,
				trainLoss: pos.lossSum / Math.max(pos.count, 1),
				trainAccuracy: pos.correct / Math.max(pos.count, 1),
				valLoss: val?.loss ?? null,
				valAccuracy: val?.accuracy ?? null,
				seconds: pos.seconds,
				targets: pos.count,
				symbolsPerSecond: pos.count / Math.max(pos.seconds, 1e-9)
			};
			this.history.push(record);
			this.epoch += 1;
			this.position = null;
			let early = false;
			if (val) {
				if (!this.best || val.loss < this.best.valLoss)
					this.best = { valLoss: val.loss, epoch: this.epoch, weights: await this.weights() };
				else if (c.patience > 0 && this.epoch - this.best.epoch >= c.patience) early = true;
			}
			if (early || this.epoch >= c.epochs) {
				if (this.best && this.best.epoch !== this.epoch) this.setWeights(this.best.weights);
				this.status = early ? 'early-stopped' : 'finished';
			}
			await hooks.onEpoch?.(record);
			if (early) return this.status;
		}
		this.status = this.status === 'early-stopped' ? this.status : 'finished';
		return this.status;
	}

	/** The current weights as plain arrays (async: never a synchronous read, see docs/browsers.md). */
	async weights(): Promise<LstmModelWeights> {
		const layers = await Promise.all(
			this.params.map(async (p) => ({
				inputSize: p.kernel.shape[0],
				units: this.config.units,
				kernel: (await p.kernel.data()) as Float32Array,
				recurrentKernel: (await p.recurrentKernel.data()) as Float32Array,
				bias: (await p.bias.data()) as Float32Array
			}))
		);
		return {
			vocabulary: [...this.vocabulary],
			layers,
			denseKernel: (await this.dense.kernel.data()) as Float32Array,
			denseBias: (await this.dense.bias.data()) as Float32Array,
			...(this.config.meterInput ? { meterInput: true } : {})
		};
	}

	/** The first layer's dense input with bar features: one-hot symbol, then the step's features. */
	private firstInput(batch: Batch): tf.Tensor3D {
		const V = this.vocabulary.length;
		const D = V + METER_FEATURES;
		const rows = batch.steps * batch.lanes;
		const x = new Float32Array(rows * D);
		for (let r = 0; r < rows; r++) {
			x[r * D + batch.inputs[r]] = 1;
			for (const f of batch.features![r]) x[r * D + V + f] = 1;
		}
		return tf.tensor3d(x, [batch.steps, batch.lanes, D]);
	}

	private setWeights(w: LstmModelWeights): void {
		w.layers.forEach((l, i) => {
			const p = this.params[i];
			tf.tidy(() => {
				p.kernel.assign(tf.tensor2d(l.kernel, p.kernel.shape));
				p.recurrentKernel.assign(tf.tensor2d(l.recurrentKernel, p.recurrentKernel.shape));
				p.bias.assign(tf.tensor1d(l.bias));
			});
		});
		tf.tidy(() => {
			this.dense.kernel.assign(tf.tensor2d(w.denseKernel, this.dense.kernel.shape));
			this.dense.bias.assign(tf.tensor1d(w.denseBias));
		});
	}

	/** Everything needed to resume exactly from here. */
	async checkpoint(): Promise<Checkpoint> {
		const pos = this.position;
		let position: EpochPosition | null = null;
		if (pos && pos.batch > 0) {
			position = { ...pos, h: [], c: [] };
			if (this.state && this.config.design === 'sequence') {
				position.h = await Promise.all(this.state.h.map(async (x) => (await x.data()) as Float32Array));
				position.c = await Promise.all(this.state.c.map(async (x) => (await x.data()) as Float32Array));
			}
		}
		return {
			format: 'folk-studio-checkpoint',
			version: 1,
			config: { ...this.config },
			vocabulary: [...this.vocabulary],
			corpus: { ...this.corpus },
			split: { train: [...this.split.train], val: [...this.split.val] },
			epoch: this.epoch,
			position,
			weights: await this.weights(),
			optimizer: await this.adam.state(),
			rng: { seed: this.config.seed, epoch: this.epoch, batch: position?.batch ?? 0 },
			history: this.history.map((h) => ({ ...h })),
			best: this.best,
			status: this.status,
			message: this.message,
			elapsedSeconds: this.elapsedSeconds
		};
	}

	/** Frees every tensor the run holds. */
	dispose(): void {
		this.disposeState();
		this.adam.dispose();
		for (const x of this.variables()) x.dispose();
	}
}

/** Bits per target from nats. */
export function bits(nats: number): number {
	return nats / LN2;
}
