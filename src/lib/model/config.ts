/**
 * Training settings: each described once in `TRAIN_SETTINGS` (label, help, range, CLI flag), from which
 * the checks (`resolveConfig`), the flags and usage of `cli train` and the Train stage's form derive; the
 * defaults and presets. A new setting is a field of `TrainConfig`, its default, its row, and its use in
 * train/trainer.ts.
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
	/**
	 * Within each epoch the rate falls along a half cosine from the epoch's rate to this share of it
	 * (1 = constant within the epoch). Each epoch then ends on small steps, so its checkpoint and its
	 * validation are not caught mid-jump (docs/speed.md, "A good model sooner").
	 */
	learningRateFloor: number;
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
	/**
	 * Also feed the symbols one, two, four and eight bars before each step (features.ts `lookbackIndices`),
	 * so the model can repeat bars and phrases as folk tunes do: 9.5 % fewer bits on held-out German songs
	 * (docs/model-card.md, section E). Needs `meterInput`.
	 */
	lookback: boolean;
	/**
	 * Share of each target's probability spread evenly over the vocabulary in the training loss
	 * (0 = plain cross-entropy). Reported losses stay plain cross-entropy, so runs compare.
	 */
	labelSmoothing: number;
	/** Share of songs read as "no style" each epoch in a multi-style run, 0–0.9. */
	styleDropout: number;
	/** At most this many readings per epoch of a small style's songs (see `styleRepeats`); 1 = off. */
	styleOversample: number;
}

/**
 * The recipe the app and the CLI use unless told otherwise: the settings of the best held-out score in
 * docs/model-card.md (bar input and a decaying learning rate made the difference there); since issue 23
 * a first rate of 0.01 eased to a tenth within each epoch (M5), so the first epoch's model is already
 * good (docs/speed.md).
 */
export const DEFAULT_CONFIG: TrainConfig = {
	design: 'sequence',
	layers: 1,
	units: 128,
	dropout: 0.2,
	recurrentDropout: 0,
	seqLength: 16,
	batchSize: 64,
	learningRate: 0.01,
	learningRateDecay: 0.9,
	learningRateFloor: 0.1,
	epochs: 30,
	validation: 0.1,
	patience: 4,
	clipNorm: 5,
	seed: 1,
	maxBatchesPerEpoch: 0,
	meterInput: true,
	lookback: true,
	labelSmoothing: 0,
	styleDropout: 0.1,
	styleOversample: 1
};

/** Named starting points offered by the Train stage. */
export const PRESETS: Record<'small' | 'default', Partial<TrainConfig>> = {
	small: { layers: 1, units: 64, seqLength: 32, batchSize: 32, epochs: 5, learningRate: 0.005 },
	default: {}
};

/** How one training setting is shown, read and checked. */
export interface TrainSetting {
	key: keyof TrainConfig;
	label: string;
	/** One line for a musician. */
	help: string;
	/** Flag of `cli train`, without `--`. */
	flag: string;
	kind: 'integer' | 'number' | 'boolean' | 'choice';
	/** Inclusive range of numbers; `step` is the form's increment. */
	min?: number;
	max?: number;
	step?: number;
	choices?: readonly { value: string; label: string }[];
	/** Shown only when the user asks for every setting. */
	advanced: boolean;
}

/** Every training setting, in the order a form shows them. */
export const TRAIN_SETTINGS: readonly TrainSetting[] = [
	{
		key: 'design',
		label: 'Design',
		help: 'How the melodies are cut for learning: every position of whole songs, or the reference’s windows.',
		flag: 'design',
		kind: 'choice',
		choices: [
			{ value: 'sequence', label: 'Every position (fast)' },
			{ value: 'window', label: 'Reference: 64-step windows, one target' }
		],
		advanced: false
	},
	{
		key: 'layers',
		label: 'Layers',
		help: 'LSTM layers stacked on each other; more can learn longer shapes but train slower.',
		flag: 'layers',
		kind: 'integer',
		min: 1,
		max: 3,
		step: 1,
		advanced: false
	},
	{
		key: 'units',
		label: 'Units',
		help: 'Memory cells per layer: the size of the model.',
		flag: 'units',
		kind: 'integer',
		min: 4,
		max: 1024,
		step: 4,
		advanced: false
	},
	{
		key: 'seqLength',
		label: 'Sequence length',
		help: 'Sixteenth-note steps learned in one go (the window length in the reference design).',
		flag: 'seq',
		kind: 'integer',
		min: 2,
		max: 1024,
		step: 1,
		advanced: false
	},
	{
		key: 'batchSize',
		label: 'Batch size',
		help: 'Songs (or windows) learned side by side in each step.',
		flag: 'batch',
		kind: 'integer',
		min: 1,
		max: 1024,
		step: 1,
		advanced: false
	},
	{
		key: 'learningRate',
		label: 'Learning rate',
		help: 'How big each correction is: too high and training wanders, too low and it crawls.',
		flag: 'lr',
		kind: 'number',
		min: 0.000001,
		max: 0.9,
		advanced: false
	},
	{
		key: 'learningRateDecay',
		label: 'Learning-rate decay per epoch',
		help: 'The learning rate is multiplied by this after every pass over the songs (1 = constant).',
		flag: 'lr-decay',
		kind: 'number',
		min: 0.01,
		max: 1,
		step: 0.01,
		advanced: true
	},
	{
		key: 'learningRateFloor',
		label: 'Learning-rate floor within an epoch',
		help: 'Each pass over the songs eases the learning rate down to this share of its start (1 = no easing).',
		flag: 'lr-floor',
		kind: 'number',
		min: 0,
		max: 1,
		step: 0.05,
		advanced: true
	},
	{
		key: 'epochs',
		label: 'Epochs',
		help: 'Passes over all training songs, at most.',
		flag: 'epochs',
		kind: 'integer',
		min: 1,
		max: 10000,
		step: 1,
		advanced: false
	},
	{
		key: 'dropout',
		label: 'Dropout',
		help: 'Share of the model silenced at random while learning, so it cannot just memorize the songs.',
		flag: 'dropout',
		kind: 'number',
		min: 0,
		max: 0.8,
		step: 0.05,
		advanced: false
	},
	{
		key: 'recurrentDropout',
		label: 'Recurrent dropout',
		help: 'The same inside the memory that is carried from step to step.',
		flag: 'recurrent-dropout',
		kind: 'number',
		min: 0,
		max: 0.8,
		step: 0.05,
		advanced: true
	},
	{
		key: 'labelSmoothing',
		label: 'Label smoothing',
		help: 'Teaches the model to be a little less sure of each next note, which keeps sampling varied.',
		flag: 'label-smoothing',
		kind: 'number',
		min: 0,
		max: 0.5,
		step: 0.05,
		advanced: true
	},
	{
		key: 'validation',
		label: 'Validation share',
		help: 'Share of songs held out to measure how well the model predicts songs it never saw.',
		flag: 'val',
		kind: 'number',
		min: 0,
		max: 0.5,
		step: 0.05,
		advanced: true
	},
	{
		key: 'patience',
		label: 'Early-stopping patience',
		help: 'Epochs without a better score on held-out songs before training stops (0 = never stop early).',
		flag: 'patience',
		kind: 'integer',
		min: 0,
		max: 1000,
		step: 1,
		advanced: true
	},
	{
		key: 'clipNorm',
		label: 'Gradient clip (norm)',
		help: 'Caps each correction so one odd batch cannot throw training off (0 = no cap).',
		flag: 'clip',
		kind: 'number',
		min: 0,
		max: 1000,
		advanced: true
	},
	{
		key: 'seed',
		label: 'Seed',
		help: 'Number behind every random choice: the same seed and songs give the same model.',
		flag: 'seed',
		kind: 'integer',
		min: 0,
		max: 2147483647,
		step: 1,
		advanced: true
	},
	{
		key: 'maxBatchesPerEpoch',
		label: 'Batches per epoch',
		help: 'Stop each epoch after this many batches, for quick comparisons (0 = all).',
		flag: 'max-batches',
		kind: 'integer',
		min: 0,
		max: 1000000000,
		step: 1,
		advanced: true
	},
	{
		key: 'styleDropout',
		label: 'Style dropout',
		help: 'With several corpora, share of songs read without their style, so the model also writes with none.',
		flag: 'style-dropout',
		kind: 'number',
		min: 0,
		max: 0.9,
		step: 0.05,
		advanced: true
	},
	{
		key: 'styleOversample',
		label: 'Small styles read up to',
		help: 'With several corpora, how many times per epoch a small corpus may be read (1 = once, like the rest).',
		flag: 'style-oversample',
		kind: 'integer',
		min: 1,
		max: 100,
		step: 1,
		advanced: true
	},
	{
		key: 'meterInput',
		label: 'Tell the model the meter and each step’s place in the bar',
		help: 'The model learns where bars begin, so its melodies keep the meter (not in the reference design).',
		flag: 'meter-input',
		kind: 'boolean',
		advanced: false
	},
	{
		key: 'lookback',
		label: 'Let the model look back one, two, four and eight bars',
		help: 'Folk tunes repeat bars and phrases: the model reads what came one, two, four and eight bars earlier (needs the meter).',
		flag: 'lookback',
		kind: 'boolean',
		advanced: true
	}
];

/** The allowed values in words: `1, 2 or 3`, `a number from 0 to 0.8`, `"sequence" or "window"`. */
export function describeRange(setting: TrainSetting): string {
	const or = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}` : xs[0]);
	const { kind, min = -Infinity, max = Infinity } = setting;
	if (kind === 'boolean') return 'on or off';
	if (kind === 'choice') return or((setting.choices ?? []).map((c) => `"${c.value}"`));
	if (kind === 'integer' && max - min <= 3)
		return or(Array.from({ length: max - min + 1 }, (_, i) => String(min + i)));
	return `${kind === 'integer' ? 'a whole number' : 'a number'} from ${min} to ${max}`;
}

/** Null when `value` suits the setting, else what it must be ("must be 1, 2 or 3"). */
export function settingProblem(setting: TrainSetting, value: unknown): string | null {
	const ok =
		setting.kind === 'boolean'
			? typeof value === 'boolean'
			: setting.kind === 'choice'
				? (setting.choices ?? []).some((c) => c.value === value)
				: typeof value === 'number' &&
					Number.isFinite(value) &&
					(setting.kind === 'number' || Number.isInteger(value)) &&
					value >= (setting.min ?? -Infinity) &&
					value <= (setting.max ?? Infinity);
	return ok ? null : `must be ${describeRange(setting)}`;
}

/** A setting's value from text (a flag, a form field): `on`/`off` for booleans, numbers as numbers. */
export function readSetting(setting: TrainSetting, text: string): unknown {
	if (setting.kind === 'boolean')
		return text === 'on' || text === 'true' ? true : text === 'off' || text === 'false' ? false : text;
	if (setting.kind === 'choice') return text;
	return text.trim() === '' ? NaN : Number(text);
}

/**
 * Fills in defaults and checks every setting against its row of `TRAIN_SETTINGS`; throws a RangeError
 * whose message is a sentence for the user. Run on every config a run starts or resumes with.
 */
export function resolveConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
	const c: TrainConfig = { ...DEFAULT_CONFIG, ...partial };
	// The reference's windows have no song to take a meter from.
	if (c.design === 'window') c.meterInput = false;
	// Lookback counts back in bars: without the meter there are none.
	if (!c.meterInput) c.lookback = false;
	for (const setting of TRAIN_SETTINGS) {
		const problem = settingProblem(setting, c[setting.key]);
		if (problem)
			throw new RangeError(`The training setting “${setting.label}” ${problem}; change it and start again.`);
	}
	return c;
}
