/**
 * A training run as data: its records, its status and the checkpoint that resumes it exactly. Plain
 * structured-clone-friendly objects, shared by the trainer, storage, the model format and the worker.
 */
import type { TrainConfig } from './config';
import { firstInputSize } from './features';
import type { LstmModelWeights } from './types';
import { finiteProblem, vocabularyProblem, weightsProblem } from './validate';

/** The corpus a run learns from, named by id and content hash. */
export interface CorpusRef {
	id: string;
	name: string;
	hash: string;
}

/** One finished epoch. Losses are in nats per target; the UI shows bits (÷ ln 2). */
export interface EpochRecord {
	epoch: number;
	trainLoss: number;
	trainAccuracy: number;
	valLoss: number | null;
	valAccuracy: number | null;
	/** Seconds spent on training batches (validation excluded). */
	seconds: number;
	targets: number;
	symbolsPerSecond: number;
}

/** Where a run stopped inside an epoch (pause or stop); absent at an epoch boundary. */
export interface EpochPosition {
	batch: number;
	/** Per layer, the lanes' state after the last batch. */
	h: Float32Array[];
	c: Float32Array[];
	lossSum: number;
	correct: number;
	count: number;
	seconds: number;
}

/** Why a run ended, or that it is still going. */
export type RunStatus = 'running' | 'paused' | 'stopped' | 'finished' | 'early-stopped' | 'failed';

/** Everything needed to continue a run exactly, or to keep its result. Structured-clone friendly. */
export interface Checkpoint {
	format: 'folk-studio-checkpoint';
	version: 1;
	config: TrainConfig;
	vocabulary: string[];
	corpus: CorpusRef;
	split: { train: number[]; val: number[] };
	/** Completed epochs. */
	epoch: number;
	position: EpochPosition | null;
	weights: LstmModelWeights;
	optimizer: { step: number; m: Float32Array[]; v: Float32Array[] };
	/** The random state: every draw derives from (seed, epoch, batch), stored here to make that explicit. */
	rng: { seed: number; epoch: number; batch: number };
	history: EpochRecord[];
	best: { valLoss: number; epoch: number; weights: LstmModelWeights } | null;
	status: RunStatus;
	message?: string;
	elapsedSeconds: number;
}

/** Sent after every batch. */
export interface BatchProgress {
	epoch: number;
	batch: number;
	batches: number;
	loss: number;
	accuracy: number;
	symbolsPerSecond: number;
	elapsedSeconds: number;
}

/** Refuses a checkpoint whose parts do not fit together, with a sentence saying which. */
export function validateCheckpoint(cp: Checkpoint): void {
	const bad = (what: string) => {
		throw new Error(`This checkpoint cannot be used: ${what}. Start a new run instead.`);
	};
	if (cp?.format !== 'folk-studio-checkpoint' || cp.version !== 1) bad('it is not a checkpoint of this app');
	const vocab = vocabularyProblem(cp.vocabulary);
	if (vocab) bad(vocab);
	const v = cp.vocabulary.length;
	const c = cp.config;
	if (cp.weights.vocabulary.length !== v || cp.weights.vocabulary.some((s, i) => s !== cp.vocabulary[i]))
		bad('its weights were made for another vocabulary');
	if (cp.weights.layers.length !== c.layers)
		bad(`it has ${cp.weights.layers.length} layers, its settings say ${c.layers}`);
	cp.weights.layers.forEach((l, i) => {
		const inSize =
			i === 0
				? firstInputSize(v, { ...cp.weights, meterInput: c.meterInput, lookback: c.lookback })
				: c.units;
		if (l.units !== c.units || l.inputSize !== inSize) bad(`layer ${i + 1} has the wrong shape`);
		if (
			l.kernel.length !== inSize * 4 * c.units ||
			l.recurrentKernel.length !== c.units * 4 * c.units ||
			l.bias.length !== 4 * c.units
		)
			bad(`the weights of layer ${i + 1} are truncated or the wrong size`);
	});
	if (cp.weights.denseKernel.length !== c.units * v || cp.weights.denseBias.length !== v)
		bad('the output weights are truncated or the wrong size');
	const sizes = [
		...cp.weights.layers.flatMap((l) => [l.kernel.length, l.recurrentKernel.length, l.bias.length]),
		cp.weights.denseKernel.length,
		cp.weights.denseBias.length
	];
	const opt = cp.optimizer;
	if (
		opt.m.length !== sizes.length ||
		opt.v.length !== sizes.length ||
		sizes.some((s, i) => opt.m[i].length !== s || opt.v[i].length !== s)
	)
		bad('its optimizer state does not match its weights');
	// Shapes first (above, with the settings' words), then the values: NaN or infinity anywhere would train on
	// from nonsense.
	const problem =
		weightsProblem(cp.weights) ??
		(cp.best ? weightsProblem(cp.best.weights) : null) ??
		finiteProblem('its optimizer state', [...opt.m, ...opt.v]);
	if (problem) bad(problem);
}
