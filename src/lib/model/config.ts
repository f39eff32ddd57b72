/**
 * Training settings: defaults, presets and checks. Shared by the worker, the Train stage and `cli train`.
 */

/** How sequences are cut from the songs. */
export type TrainDesign =
	/** Many-to-many: B lanes of songs back to back, a target at every step, state carried (truncated BPTT). */
	| 'sequence'
	/** The reference's design: every 64-step window of the joined corpus, one target each, zero state. */
	| 'window';

/**
 * The reference's window: each prediction of its model sees the previous 64 symbols, padded with `/`
 * before a song (docs/reference.md). The window design trains on windows of `seqLength` symbols instead.
 */
export const REFERENCE_WINDOW = 64;

/** Everything that shapes a training run. Stored with checkpoints and models. */
export interface TrainConfig {
	design: TrainDesign;
	/** LSTM layers, 1–3. */
	layers: number;
	/** Units per LSTM layer, 16–512 (64–512 in the UI). */
	units: number;
	/** Dropout on each LSTM layer's outputs (between layers and before the softmax), 0–0.8. */
	dropout: number;
	/** Dropout on the recurrent state fed back into each LSTM layer, 0–0.8. */
	recurrentDropout: number;
	/** Steps per truncated sequence (window length in the window design). */
	seqLength: number;
	batchSize: number;
	learningRate: number;
	/**
	 * The learning rate is multiplied by this after every epoch (1 = constant). Late epochs with small
	 * steps settle the noisy validation loss of a high starting rate.
	 */
	learningRateDecay: number;
	epochs: number;
	/** Fraction of songs held out for validation, 0–0.5. */
	validation: number;
	/** Epochs without a better validation loss before stopping; 0 turns early stopping off. */
	patience: number;
	/** Largest global gradient norm; 0 turns clipping off. */
	clipNorm: number;
	/** Seed of every random choice: split, initial weights, order, dropout. */
	seed: number;
	/** Stop each epoch after this many batches (0 = all); for quick comparisons. */
	maxBatchesPerEpoch: number;
	/**
	 * Also feed each step's position in the bar, from the song's meter (features.ts). Always off in the
	 * window design.
	 */
	meterInput: boolean;
}

/**
 * The recipe the app and the CLI use unless told otherwise: the settings of the best held-out score in
 * docs/model-card.md (bar input and a decaying learning rate made the difference there).
 */
export const DEFAULT_CONFIG: TrainConfig = {
	design: 'sequence',
	layers: 1,
	units: 128,
	dropout: 0.2,
	recurrentDropout: 0,
	seqLength: 16,
	batchSize: 64,
	learningRate: 0.005,
	learningRateDecay: 0.9,
	epochs: 30,
	validation: 0.1,
	patience: 4,
	clipNorm: 5,
	seed: 1,
	maxBatchesPerEpoch: 0,
	meterInput: true
};

/** Named starting points offered by the Train stage. */
export const PRESETS: Record<'small' | 'default', Partial<TrainConfig>> = {
	small: { layers: 1, units: 64, seqLength: 32, batchSize: 32, epochs: 5, learningRate: 0.005 },
	default: {}
};

/** Fills in defaults and checks ranges; throws an Error whose message is a sentence for the user. */
export function resolveConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
	const c: TrainConfig = { ...DEFAULT_CONFIG, ...partial };
	// The reference's windows have no song to take a meter from.
	if (c.design === 'window') c.meterInput = false;
	const check = (ok: boolean, what: string) => {
		if (!ok) throw new RangeError(`The training setting ${what}; change it and start again.`);
	};
	check(c.design === 'sequence' || c.design === 'window', `design must be "sequence" or "window"`);
	check(Number.isInteger(c.layers) && c.layers >= 1 && c.layers <= 3, 'layers must be 1, 2 or 3');
	check(Number.isInteger(c.units) && c.units >= 4 && c.units <= 1024, 'units must be a whole number, 4–1024');
	check(c.dropout >= 0 && c.dropout < 0.9, 'dropout must be at least 0 and below 0.9');
	check(
		c.recurrentDropout >= 0 && c.recurrentDropout < 0.9,
		'recurrent dropout must be at least 0 and below 0.9'
	);
	check(
		Number.isInteger(c.seqLength) && c.seqLength >= 2 && c.seqLength <= 1024,
		'sequence length must be 2–1024'
	);
	check(
		Number.isInteger(c.batchSize) && c.batchSize >= 1 && c.batchSize <= 1024,
		'batch size must be 1–1024'
	);
	check(c.learningRate > 0 && c.learningRate < 1, 'learning rate must be above 0 and below 1');
	check(
		c.learningRateDecay > 0 && c.learningRateDecay <= 1,
		'learning-rate decay must be above 0 and at most 1'
	);
	check(
		Number.isInteger(c.epochs) && c.epochs >= 1 && c.epochs <= 10000,
		'epochs must be a whole number, 1–10000'
	);
	check(c.validation >= 0 && c.validation <= 0.5, 'validation fraction must be 0–0.5');
	check(Number.isInteger(c.patience) && c.patience >= 0, 'patience must be a whole number, 0 or more');
	check(c.clipNorm >= 0, 'gradient clipping must be 0 or more');
	check(Number.isInteger(c.seed), 'seed must be a whole number');
	check(
		Number.isInteger(c.maxBatchesPerEpoch) && c.maxBatchesPerEpoch >= 0,
		'batches per epoch must be 0 or more'
	);
	return c;
}
