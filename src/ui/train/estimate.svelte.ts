/**
 * How long each preset takes on this device: first from a short timed warm-up in the training worker
 * (a few batches of each preset's network on the chosen corpus), then from the epochs this device has
 * actually trained (remembered between visits).
 */
import type { TrainConfig } from '$lib/model/config';
import type { BackendName } from '$lib/train/backend';
import type { StudioClient } from '$ui/worker-client';
import { requestId } from '$ui/worker-client';
import { recall, remember } from '$ui/remember';
import { TRAIN_PRESETS, type Preset } from './presets';

/** Seconds of a batch of one network shape, as measured here. */
type Speeds = Record<string, number>;

/** Validation reads the held-out songs forward only: about this share of a training batch's time each. */
const VALIDATION_COST = 0.4;

/** What decides the time of one batch. */
export function shapeKey(c: TrainConfig, backend: string): string {
	return `${backend}:${c.design}:${c.layers}x${c.units}:${c.seqLength}:${c.batchSize}:${c.meterInput ? 'bar' : ''}`;
}

/** Seconds for a whole run of `config` at `secondsPerBatch`, validation included. */
export function runSeconds(config: TrainConfig, secondsPerBatch: number, batchesPerEpoch: number): number {
	const batches = config.maxBatchesPerEpoch
		? Math.min(batchesPerEpoch, config.maxBatchesPerEpoch)
		: batchesPerEpoch;
	const val = config.validation / Math.max(1 - config.validation, 0.5);
	return config.epochs * batches * secondsPerBatch * (1 + VALIDATION_COST * val);
}

class Estimates {
	/** Seconds per preset, and whether it comes from trained epochs ('measured') or the warm-up. */
	seconds = $state<Partial<Record<Preset['id'], { seconds: number; from: 'warm-up' | 'measured' }>>>({});
	running = $state(false);
	/** For which corpus and backend the figures are. */
	private forKey = '';
	private request: string | null = null;
	private speeds: Speeds = recall('speeds', {} as Speeds);

	/** Times the presets on `corpusId` (once per corpus and backend); cancelled by `cancel`. */
	async measure(client: StudioClient, corpusId: string, backend: BackendName | null) {
		const key = `${corpusId}:${backend ?? 'auto'}`;
		if (this.forKey === key || this.running) return;
		this.forKey = key;
		this.seconds = {};
		this.running = true;
		const id = requestId('estimate');
		this.request = id;
		// Presets that share a network shape (Balanced and Best differ only in epochs) are timed once.
		const shapes = [...new Set(TRAIN_PRESETS.map((p) => shapeKey(p.config, '')))];
		const configs = shapes.map((k) => TRAIN_PRESETS.find((p) => shapeKey(p.config, '') === k)!.config);
		try {
			await client.send(
				{
					type: 'train/estimate',
					id,
					corpusId,
					configs: configs.map((c) => ({ ...c, epochs: 1 })),
					backend
				},
				(r) => {
					if (r.type !== 'train/estimate') return;
					for (const preset of TRAIN_PRESETS.filter((p) => shapeKey(p.config, '') === shapes[r.index])) {
						const measured = this.speeds[shapeKey(preset.config, r.backend)];
						this.seconds[preset.id] = {
							seconds: runSeconds(preset.config, measured ?? r.secondsPerBatch, r.batchesPerEpoch),
							from: measured ? 'measured' : 'warm-up'
						};
					}
				}
			);
		} catch {
			this.forKey = ''; // try again next time
		} finally {
			this.running = false;
			this.request = null;
		}
	}

	cancel(client: StudioClient | null) {
		if (this.request) client?.cancel(this.request);
		this.forKey = '';
	}

	/** Remembers how fast an epoch of this network really trained here. */
	learn(config: TrainConfig, backend: string, secondsPerBatch: number) {
		this.speeds[shapeKey(config, backend)] = secondsPerBatch;
		remember('speeds', this.speeds);
	}
}

export const estimates = new Estimates();
