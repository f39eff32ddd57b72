/**
 * The training loop: the network (network.ts) trained with Adam (adam.ts), epoch by epoch, with validation, early stopping, clipping, non-finite detection and checkpoints
 * that resume exactly. Runs the same in the worker and in Node.
 */
import * as tf from '#tf';
import { resolveConfig, type TrainConfig } from '../model/config';
import { encodeSongs, LaneBatches, splitSongs, WindowBatches } from './data';
import { SONG_END } from '../music/symbols';
import { buildVocabulary } from '../music/vocabulary';
import { carryWeights, initialWeights } from '../model/init';
import { extraInputSize, songBarContext, styleSlot, type BarContext } from '../model/features';
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
import { Network, type LstmState } from './network';
import type { LstmModelWeights } from '../model/types';

/**
 * A song to learn from: its symbols, with its meter and bar phase when the run uses bar input, and its
 * style (a corpus or region id) when the model learns several.
 */
export type TrainingSong =
	| readonly string[]
	| ({ readonly symbols: readonly string[]; readonly style?: string } & Parameters<typeof songBarContext>[0]);

function symbolsOf(song: TrainingSong): readonly string[] {
	return Array.isArray(song) ? (song as readonly string[]) : (song as { symbols: readonly string[] }).symbols;
}

function styleOf(song: TrainingSong): string | undefined {
	return Array.isArray(song) ? undefined : (song as { style?: string }).style;
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

/**
 * How often each style's songs are read per epoch: √(largest style ÷ this style), rounded down, at most
 * `cap`, so a style of 20 songs beside one of 2,000 is not drowned out (but is not read 100 times either).
 */
export function styleRepeats(counts: readonly number[], cap: number): number[] {
	const most = Math.max(1, ...counts);
	return counts.map((n) => (n === 0 ? 1 : Math.max(1, Math.min(cap, Math.floor(Math.sqrt(most / n))))));
}

/**
 * The learning rate of batch k of an epoch's `total`: the epoch's rate (`learningRate` decayed per epoch),
 * falling along a half cosine towards `learningRateFloor` of it by the epoch's end. Without the easing,
 * a checkpoint of the recipe on erk scored anywhere from 0.88 to 1.27 bits on table A after one epoch,
 * depending on where the last large steps had left it; with it, 0.87 (docs/speed.md).
 */
export function learningRateAt(c: TrainConfig, epoch: number, k: number, total: number): number {
	const rate = c.learningRate * c.learningRateDecay ** epoch;
	const floor = c.learningRateFloor ?? 1;
	if (floor >= 1 || total <= 1) return rate;
	return rate * (floor + (1 - floor) * 0.5 * (1 + Math.cos((Math.PI * k) / total)));
}

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
	/** The styles the model learns (empty for a single-corpus run), in slot order. */
	readonly styles: string[];
	epoch = 0;
	history: EpochRecord[] = [];
	status: RunStatus = 'running';
	message: string | undefined;
	elapsedSeconds = 0;
	private readonly songs: Int32Array[];
	/** Per song, its bar for the bar-position input (null where the meter is unknown or input is off). */
	private readonly bars: (BarContext | null)[] | null;
	/** Per song, the feature index of its style slot (−1 for none); null when the model has no styles. */
	private readonly styleSlots: Int32Array | null;
	private readonly endId: number;
	private readonly net: Network;
	private adam: Adam;
	private position: EpochPosition | null = null;
	private best: Checkpoint['best'] = null;
	private state: LstmState | null = null;
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
		this.songs = encodeSongs(songs.map(symbolsOf), vocabulary);
		this.bars = config.meterInput ? songs.map(barOf) : null;
		this.styles = [...(weights.styles ?? [])];
		this.styleSlots = this.styles.length
			? Int32Array.from(songs, (s) => {
					const k = this.styles.indexOf(styleOf(s) ?? '');
					return k < 0 ? -1 : styleSlot(config.meterInput, k);
				})
			: null;
		this.endId = vocabulary.indexOf(SONG_END);
		this.net = new Network(weights, config);
		this.adam = new Adam(this.net.variables(), optimizer);
	}

	/**
	 * A new run: vocabulary from all songs, seeded split and initial weights, or with `from` the weights of
	 * a trained model to go on from (its layers, units and bar input; see `carryWeights`).
	 */
	static create(
		songs: readonly TrainingSong[],
		partial: Partial<TrainConfig>,
		corpus: CorpusRef,
		from?: LstmModelWeights
	): Trainer {
		const config = resolveConfig(
			from
				? {
						...partial,
						layers: from.layers.length,
						units: from.layers[0].units,
						meterInput: from.meterInput === true
					}
				: partial
		);
		if (songs.length === 0) throw new Error(`The corpus "${corpus.name}" has no songs to train on.`);
		const vocabulary = buildVocabulary(songs.map(symbolsOf));
		const split = splitSongs(songs.length, config.validation, config.seed);
		const styles = [...new Set(songs.flatMap((s) => styleOf(s) ?? []))];
		const fresh = initialWeights(
			vocabulary,
			config.layers,
			config.units,
			config.seed,
			config.meterInput,
			styles,
			config.lookback
		);
		const weights = from ? carryWeights(from, fresh) : fresh;
		return new Trainer(songs, config, vocabulary, corpus, split, weights);
	}

	/** Song `i`'s symbols, decoded from the encoded copy (a run may let go of the corpus's strings). */
	songSymbols(i: number): string[] {
		return Array.from(this.songs[i], (id) => this.vocabulary[id]);
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

	/** Batches of one epoch over the training songs, in that epoch's seeded order. */
	private epochBatches(epoch: number): LaneBatches | WindowBatches {
		const rng = new Rng(`order:${this.config.seed}:${epoch}`);
		const c = this.config;
		if (c.design === 'window')
			return new WindowBatches(this.songs, this.split.train, c.batchSize, c.seqLength, this.endId, rng);
		const order = rng.shuffle(this.trainingOrder());
		return new LaneBatches(
			this.songs,
			order,
			c.batchSize,
			c.seqLength,
			this.endId,
			this.hideSomeBars(epoch),
			this.hideSomeStyles(epoch),
			this.lookbackBlock()
		);
	}

	/** The training songs of one epoch, small styles repeated (`styleOversample`). */
	private trainingOrder(): number[] {
		const cap = this.config.styleOversample ?? 1;
		if (!this.styleSlots || cap <= 1) return [...this.split.train];
		const slots = this.styleSlots;
		const counts = this.styles.map((_, k) => {
			const slot = styleSlot(this.config.meterInput, k);
			return this.split.train.filter((i) => slots[i] === slot).length;
		});
		const repeats = styleRepeats(counts, cap);
		const base = styleSlot(this.config.meterInput, 0);
		return this.split.train.flatMap((i) => {
			const k = slots[i] - base;
			return new Array(slots[i] < 0 ? 1 : repeats[k]).fill(i);
		});
	}

	/** Where the lookback block starts in the features, with lookback on. */
	private lookbackBlock(): { base: number; vocabularySize: number } | null {
		if (!this.config.lookback) return null;
		return {
			base: extraInputSize(this.config.meterInput, this.styles.length),
			vocabularySize: this.vocabulary.length
		};
	}

	/**
	 * The songs' styles for one epoch, a seeded share of them (`styleDropout`) read as "no style", so the
	 * model also writes sensibly when no style is chosen.
	 */
	private hideSomeStyles(epoch: number): Int32Array | null {
		if (!this.styleSlots) return null;
		const rate = this.config.styleDropout ?? 0;
		const rng = new Rng(`styles:${this.config.seed}:${epoch}`);
		return this.styleSlots.map((s) => (rng.next() < rate ? -1 : s));
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

	private disposeState(): void {
		if (!this.state) return;
		for (const x of [...this.state.h, ...this.state.c]) x.dispose();
		this.state = null;
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
			this.bars,
			this.styleSlots,
			this.lookbackBlock()
		);
		const vb = this.valBatches;
		const saved = this.state;
		this.state = this.net.zeroState(vb.lanes.length);
		let lossSum = 0;
		let correct = 0;
		let count = 0;
		try {
			for (let k = 0; k < vb.batchCount; k++) {
				const r = this.net.pass(vb.batch(k), this.state!, false, 0);
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
			} else this.state = this.net.zeroState(lanes);
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
					this.state = this.net.zeroState(batch.lanes);
				}
				const r = this.net.pass(batch, this.state!, true, seedOf(c.seed, this.epoch, k));
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
				this.adam.apply(r.grads!, learningRateAt(c, this.epoch, k, total));
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
					this.best = { valLoss: val.loss, epoch: this.epoch, weights: await this.net.weights() };
				else if (c.patience > 0 && this.epoch - this.best.epoch >= c.patience) early = true;
			}
			if (early || this.epoch >= c.epochs) {
				if (this.best && this.best.epoch !== this.epoch) this.net.setWeights(this.best.weights);
				this.status = early ? 'early-stopped' : 'finished';
			}
			await hooks.onEpoch?.(record);
			if (early) return this.status;
		}
		this.status = this.status === 'early-stopped' ? this.status : 'finished';
		return this.status;
	}

	/** The current weights as plain arrays. */
	weights(): Promise<LstmModelWeights> {
		return this.net.weights();
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
			weights: await this.net.weights(),
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
		this.net.dispose();
	}
}

/** Bits per target from nats. */
export function bits(nats: number): number {
	return nats / LN2;
}
