/**
 * The three ways to train a musician chooses between. Each is a full set of settings (the table's
 * defaults plus a few changes); "Best" is the recipe of the bundled model (docs/model-card.md). Each says
 * what to expect from it before training, from a measured run (docs/model-card.md, "How the page says how
 * good a model is").
 */
import { DEFAULT_CONFIG, PRESETS, type TrainConfig } from '$lib/model/config';
import { BUNDLED_HELD_OUT_KIND, describeQuality, type Figure, type Quality } from '$lib/eval/quality';

export interface Preset {
	id: 'quick' | 'balanced' | 'best';
	label: string;
	/** What it does, in a line of a musician's words. */
	blurb: string;
	/** The same in the network's words, for the disclosure. */
	technical: string;
	/**
	 * Bits per 16th step of a model trained with these settings on the bundled model's German training
	 * songs, scored on its German held-out songs (MEASURED_ON), and how it was had; null if not measured.
	 */
	measured: { bitsPerStep: number; how: string } | null;
	config: TrainConfig;
}

/** The songs the presets were measured on: the bundled model's German held-out slice. */
export const MEASURED_ON = { count: 284, kind: BUNDLED_HELD_OUT_KIND };
/** The bundled model on those songs, each collection in its style (docs/model-card.md section H). */
export const BUNDLED_ON_MEASURED: Figure = { bitsPerStep: 0.543, songs: MEASURED_ON };

export const TRAIN_PRESETS: readonly Preset[] = [
	{
		id: 'quick',
		label: 'Quick',
		blurb: 'A small model and five passes over the songs: to try a corpus out.',
		technical: 'LSTM 64, 32-step sequences, batch 32, 5 epochs.',
		measured: {
			bitsPerStep: 0.683,
			how: 'trained with the command line, cli train --preset small, on the bundled model’s German training songs: 3 minutes on a shared 2-core machine, 6 Dec 2026'
		},
		config: { ...DEFAULT_CONFIG, ...PRESETS.small }
	},
	{
		id: 'balanced',
		label: 'Balanced',
		blurb: 'The full model and ten passes over the songs.',
		technical: 'LSTM 128, 16-step sequences, batch 64, 10 epochs.',
		measured: {
			bitsPerStep: 0.656,
			how: 'trained with the command line, cli train --epochs 10, on the bundled model’s German training songs: 17 minutes on a shared 2-core machine, 6 Dec 2026'
		},
		config: { ...DEFAULT_CONFIG, epochs: 10 }
	},
	{
		id: 'best',
		label: 'Best',
		blurb: 'The bundled model’s recipe: up to 30 passes over the songs, stopping when it no longer improves.',
		technical:
			'LSTM 128, 16-step sequences, batch 64, up to 30 epochs (early stopping after 4 without progress).',
		measured: {
			bitsPerStep: 0.564,
			how: 'one network of this recipe (L8, docs/model-card.md section E), trained on the five styles of the bundled model; the bundled model is two such networks merged'
		},
		config: { ...DEFAULT_CONFIG }
	}
];

/** The preset whose settings these are, if any. */
export function presetOf(config: TrainConfig): Preset['id'] | null {
	const same = (a: TrainConfig, b: TrainConfig) =>
		(Object.keys(a) as (keyof TrainConfig)[]).every((k) => a[k] === b[k]);
	return TRAIN_PRESETS.find((p) => same(p.config, config))?.id ?? null;
}

/** What to expect of a preset's model, in the words every other place uses (eval/quality.ts). */
export function expectation(p: Preset): Quality {
	return describeQuality(
		p.measured ? { bitsPerStep: p.measured.bitsPerStep, songs: MEASURED_ON } : null,
		p.measured ? BUNDLED_ON_MEASURED : null
	);
}
