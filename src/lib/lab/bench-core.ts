/**
 * Training throughput measurements shared by `npm run bench` in Node and by the worker in Chromium
 * (`diagnostics/train-throughput`): target symbols learned per second by this app's LSTM and by the tfjs-layers LSTM, in
 * the many-to-many design and in the reference design (64-step windows, one target each).
 */
import * as tf from '@tensorflow/tfjs';
import { Trainer, type TrainingSong } from '../train/trainer';
import type { TrainConfig, TrainDesign } from '../model/config';
import { lstmBackward, lstmForward } from '../train/fast-lstm';
import { cellMode, useCellMode, type CellMode } from '../train/lstm-kernels';

/** One measurement. */
export interface ThroughputResult extends ThroughputCase {
	backend: string;
	msPerBatch: number;
	targetsPerSecond: number;
}

/** What to measure. */
export interface ThroughputCase {
	impl: 'fast' | 'layers';
	design: TrainDesign;
	units: number;
	batch: number;
	seq: number;
	/** Batches timed (after one untimed warm-up batch). */
	batches: number;
	/**
	 * The fast LSTM only: train with these settings instead (the app's recipe: `DEFAULT_CONFIG`, bar input
	 * and dropout included); `units`, `batch` and `seq` must say the same. Default: bare LSTM, no bar input.
	 */
	config?: Partial<TrainConfig>;
}

/** Times `batches` training batches (after a warm-up batch) on the active backend. */
export async function measureThroughput(
	songs: readonly TrainingSong[],
	c: ThroughputCase
): Promise<ThroughputResult> {
	const targetsPerBatch = c.design === 'sequence' ? c.batch * c.seq : c.batch;
	let ms: number;
	let targets = targetsPerBatch;
	if (c.impl === 'fast') {
		const trainer = Trainer.create(
			songs,
			{
				...(c.config ?? { meterInput: false }),
				design: c.design,
				units: c.units,
				batchSize: c.batch,
				seqLength: c.seq,
				epochs: 1,
				validation: 0,
				maxBatchesPerEpoch: c.batches + 1
			},
			{ id: 'bench', name: 'bench', hash: 'bench' }
		);
		const marks: number[] = [];
		await trainer.run({ yieldEachBatch: false, onBatch: (p) => void marks.push(p.elapsedSeconds) });
		// Targets actually learned (the last batch of a lane may be short; padding does not count).
		targets = trainer.history[0].targets / marks.length;
		trainer.dispose();
		ms = ((marks[marks.length - 1] - marks[0]) * 1000) / (marks.length - 1);
	} else {
		const v = 38;
		const model = tf.sequential();
		model.add(
			tf.layers.lstm({
				units: c.units,
				returnSequences: c.design === 'sequence',
				recurrentActivation: 'sigmoid',
				kernelInitializer: 'glorotUniform',
				recurrentInitializer: 'glorotUniform',
				inputShape: [c.seq, v]
			})
		);
		model.add(tf.layers.dropout({ rate: 0.2 }));
		model.add(tf.layers.dense({ units: v, activation: 'softmax' }));
		model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
		const ids = tf.randomUniform([c.batch, c.seq], 0, v, 'int32', 1);
		const x = tf.cast(tf.oneHot(ids, v), 'float32');
		const y =
			c.design === 'sequence'
				? tf.cast(tf.randomUniform([c.batch, c.seq, 1], 0, v, 'int32', 2), 'float32')
				: tf.cast(tf.randomUniform([c.batch, 1], 0, v, 'int32', 2), 'float32');
		await model.trainOnBatch(x, y);
		const start = performance.now();
		for (let i = 0; i < c.batches; i++) await model.trainOnBatch(x, y);
		ms = (performance.now() - start) / c.batches;
		model.dispose();
		tf.dispose([ids, x, y]);
	}
	return {
		...c,
		backend: tf.getBackend(),
		msPerBatch: ms,
		targetsPerSecond: (targets * 1000) / ms
	};
}

/** One epoch's measurement. */
export interface EpochTiming {
	seconds: number;
	targets: number;
	batches: number;
	targetsPerSecond: number;
	backend: string;
}

/**
 * Seconds for one full epoch (validation excluded) and its throughput: by default LSTM(256), batch 64,
 * 64 steps, symbols only; `config` sets another (the recipe: `DEFAULT_CONFIG`).
 */
export async function measureEpoch(
	songs: readonly TrainingSong[],
	config: Partial<TrainConfig> = { units: 256, batchSize: 64, seqLength: 64, meterInput: false }
): Promise<EpochTiming> {
	const trainer = Trainer.create(
		songs,
		{ ...config, epochs: 1, validation: 0, maxBatchesPerEpoch: 0 },
		{ id: 'bench', name: 'bench', hash: 'bench' }
	);
	const batches = trainer.batchesPerEpoch();
	await trainer.run({ yieldEachBatch: false });
	trainer.dispose();
	const r = trainer.history[0];
	return {
		seconds: r.seconds,
		targets: r.targets,
		batches,
		targetsPerSecond: r.symbolsPerSecond,
		backend: tf.getBackend()
	};
}

/** Shape and mode of one timing of the fast LSTM alone (no softmax, no optimizer). */
export interface LstmTimingCase {
	units: number;
	batch: number;
	steps: number;
	/** Vocabulary size: the input is symbol ids. */
	vocabulary: number;
	/** The cell mode asked for (see lstm-kernels.ts `cellMode`). */
	mode: CellMode;
	/** Timed repeats after one untimed warm-up. */
	repeats: number;
}

/** Best-of-repeats milliseconds of one forward and one backward pass over a batch. */
export interface LstmTiming extends LstmTimingCase {
	backend: string;
	/** The mode that ran ('generic' where the backend lacks the kernels of the one asked for). */
	modeActive: CellMode;
	forwardMs: number;
	backwardMs: number;
}

/**
 * Times the fast LSTM's forward and backward pass on the active backend (seeded random weights and ids,
 * song resets in two lanes). Each phase ends with an awaited read, so GPU work is counted.
 */
export async function timeFastLstm(c: LstmTimingCase): Promise<LstmTiming> {
	useCellMode(c.mode);
	const modeActive = cellMode();
	const n = c.units;
	const p = tf.tidy(() => ({
		kernel: tf.randomUniform([c.vocabulary, 4 * n], -0.1, 0.1, 'float32', 1) as tf.Tensor2D,
		recurrentKernel: tf.randomUniform([n, 4 * n], -0.1, 0.1, 'float32', 2) as tf.Tensor2D,
		bias: tf.zeros([4 * n]) as tf.Tensor1D
	}));
	const ids = tf.randomUniform([c.steps, c.batch], 0, c.vocabulary, 'int32', 3) as tf.Tensor2D;
	const upstream = tf.randomUniform([c.steps, c.batch, n], -1, 1, 'float32', 4) as tf.Tensor3D;
	const h0 = tf.zeros([c.batch, n]) as tf.Tensor2D;
	const keep = Array.from({ length: c.steps }, (_, t) =>
		t === Math.floor(c.steps / 2)
			? (tf.tensor2d(
					Array.from({ length: c.batch }, (_, b) => (b < 2 ? 0 : 1)),
					[c.batch, 1]
				) as tf.Tensor2D)
			: null
	);
	let forwardMs = Infinity;
	let backwardMs = Infinity;
	try {
		for (let r = 0; r <= c.repeats; r++) {
			let t0 = performance.now();
			const fwd = lstmForward({ ids }, p, h0, h0, { training: true, keep });
			await fwd.outputs.data();
			const f = performance.now() - t0;
			t0 = performance.now();
			const g = lstmBackward(fwd.cache!, p, upstream);
			await Promise.all([g.kernel.data(), g.recurrentKernel.data(), g.bias.data()]);
			const b = performance.now() - t0;
			tf.dispose([fwd.outputs, fwd.h, fwd.c, g.kernel, g.recurrentKernel, g.bias]);
			if (r > 0) {
				forwardMs = Math.min(forwardMs, f);
				backwardMs = Math.min(backwardMs, b);
			}
		}
	} finally {
		useCellMode('auto');
		tf.dispose([p.kernel, p.recurrentKernel, p.bias, ids, upstream, h0]);
		tf.dispose(keep.filter((k): k is tf.Tensor2D => k !== null));
	}
	return { ...c, backend: tf.getBackend(), modeActive, forwardMs, backwardMs };
}
