/**
 * Training throughput measurements shared by `npm run bench` in Node and by the worker in Chromium
 * (`train/bench`): target symbols learned per second by this app's LSTM and by the tfjs-layers LSTM, in
 * the many-to-many design and in the reference design (64-step windows, one target each).
 */
import * as tf from '@tensorflow/tfjs';
import { Trainer } from './trainer';
import type { TrainDesign } from './config';

/** One measurement. */
export interface ThroughputResult {
	impl: 'fast' | 'layers';
	design: TrainDesign;
	backend: string;
	units: number;
	batch: number;
	seq: number;
	/** Batches timed (after one untimed warm-up batch). */
	batches: number;
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
	batches: number;
}

/** Times `batches` training batches (after a warm-up batch) on the active backend. */
export async function measureThroughput(songs: string[][], c: ThroughputCase): Promise<ThroughputResult> {
	const targetsPerBatch = c.design === 'sequence' ? c.batch * c.seq : c.batch;
	let ms: number;
	if (c.impl === 'fast') {
		const trainer = Trainer.create(
			songs,
			{
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
		targetsPerSecond: (targetsPerBatch * 1000) / ms
	};
}

/** Seconds for one full epoch of the many-to-many design (validation excluded) and its throughput. */
export async function measureEpoch(
	songs: string[][],
	units = 256,
	batch = 64,
	seq = 64
): Promise<{ seconds: number; targets: number; batches: number; targetsPerSecond: number; backend: string }> {
	const trainer = Trainer.create(
		songs,
		{ units, batchSize: batch, seqLength: seq, epochs: 1, validation: 0 },
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
