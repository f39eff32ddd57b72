/**
 * The three ways to train a musician chooses between. Each is a full set of settings (the table's
 * defaults plus a few changes); "Best" is the recipe of the bundled model (docs/model-card.md).
 */
import { DEFAULT_CONFIG, PRESETS, type TrainConfig } from '$lib/model/config';

export interface Preset {
	id: 'quick' | 'balanced' | 'best';
	label: string;
	/** What you get, in a line. */
	blurb: string;
	config: TrainConfig;
}

export const TRAIN_PRESETS: readonly Preset[] = [
	{
		id: 'quick',
		label: 'Quick',
		blurb: 'A small network, 5 epochs: to try the corpus out.',
		config: { ...DEFAULT_CONFIG, ...PRESETS.small }
	},
	{
		id: 'balanced',
		label: 'Balanced',
		blurb: 'The full network, 10 epochs: melodies that mostly keep the style.',
		config: { ...DEFAULT_CONFIG, epochs: 10 }
	},
	{
		id: 'best',
		label: 'Best',
		blurb: 'The bundled model’s recipe, up to 30 epochs (stops when it no longer improves).',
		config: { ...DEFAULT_CONFIG }
	}
];

/** The preset whose settings these are, if any. */
export function presetOf(config: TrainConfig): Preset['id'] | null {
	const same = (a: TrainConfig, b: TrainConfig) =>
		(Object.keys(a) as (keyof TrainConfig)[]).every((k) => a[k] === b[k]);
	return TRAIN_PRESETS.find((p) => same(p.config, config))?.id ?? null;
}
