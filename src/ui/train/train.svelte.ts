/**
 * The Train stage's state: the settings being edited, the run the worker trains (its own worker, so
 * generation never waits on it), and the unfinished runs that can be resumed. Components read it and call
 * its methods; only this module talks to the training worker.
 */
import { app, chooseModel } from '$ui/app-state.svelte';
import { library, validationSongs } from '$ui/models/library.svelte';
import { describeQuality, keptValLoss, type Quality } from '$lib/eval/quality';
import { StudioClient, requestId, studio } from '$ui/worker-client';
import { source } from '$ui/generate/source';
import type { TrainConfig } from '$lib/model/config';
import type { BackendName } from '$lib/train/backend';
import type { BatchProgress, EpochRecord, RunStatus } from '$lib/model/checkpoint';
import type { Request, Response } from '$lib/worker/protocol';
import type { RunStored, TrainResponse } from '$lib/worker/messages/train';
import { download } from '$ui/download';
import { addWarning, statusSentence, type TrainWarning } from './outcome';
import { bitsOf } from '$ui/units';
import { TRAIN_PRESETS, presetOf, type Preset } from './presets';
import { estimates } from './estimate.svelte';
import { deleteRun, isUnfinished, listRuns, type RunListItem } from '$lib/storage/checkpoints';
import { bundledModelUrl } from '$ui/bundled-model';

type Started = Extract<TrainResponse, { type: 'train/started' }>;
/** The running run as the worker announced it (`train/started`), with the request that runs it. */
export type CurrentRun = Omit<Started, 'type' | 'id' | 'history' | 'elapsedSeconds'> & { requestId: string };
/** A short melody from the checkpoint after an epoch, to hear how the model is doing. */
export interface EpochSample {
	epoch: number;
	symbols: string[];
}

/** Samples are 4 bars of 4/4 from the same random seed every epoch, so they compare. */
const SAMPLE = { steps: 64, temperature: 0.5, stopAtEnd: false, variations: 1, randomSeed: 1, meter: '4/4' };

/** The bundled model's folder, for the worker to score the run's validation songs with. */
const bundledUrl = () => bundledModelUrl();

/** How often the live panel redraws while batches arrive (a tiny model reports dozens a second). */
const PROGRESS_EVERY_MS = 250;

class Training {
	/** The settings in the form; while a run trains, that run's own. */
	config = $state<TrainConfig>({ ...TRAIN_PRESETS[1].config });
	/** The preset these settings are, or null once changed by hand. */
	readonly preset = $derived(presetOf(this.config));
	backendChoice = $state<'auto' | BackendName>('auto');
	runName = $state('');
	/** Other stored corpora this run also learns from, each (and the chosen one) a style. */
	styleCorpora = $state<string[]>([]);

	current = $state<CurrentRun | null>(null);
	starting = $state(false);
	history = $state<EpochRecord[]>([]);
	/** The bundled model's loss on this run's validation songs (nats), from the worker. */
	bundledValLoss = $state<number | null>(null);
	/** How many songs the run holds out for validation (the songs both models are scored on). */
	valSongs = $state<number | null>(null);
	/** How good the model a run ended with is, against the bundled model on the same songs. */
	outcome = $state<Quality | null>(null);
	/** The first epoch whose validation loss beat the bundled model's. */
	readonly passedAt = $derived(
		this.bundledValLoss === null
			? null
			: (this.history.find((h) => h.valLoss !== null && h.valLoss < this.bundledValLoss!) ?? null)
	);
	/** Replaced, never changed in place: a raw array of plain points costs the charts no proxies. */
	batchLoss = $state.raw<{ x: number; y: number }[]>([]);
	progress = $state<BatchProgress | null>(null);
	/** Smoothed seconds per batch, for the time left. */
	secondsPerBatch = $state<number | null>(null);
	controlSent = $state<'pause' | 'stop' | null>(null);
	message = $state<string | null>(null);
	error = $state<string | null>(null);
	/** Every warning of the run (one per topic, each saying what is stored now), oldest first. */
	warnings = $state<TrainWarning[]>([]);
	/** The run whose finished model hit a full quota and waits in the worker to be saved again or downloaded. */
	unsavedRunId = $state<string | null>(null);
	savingAgain = $state(false);
	/** How the run that ended did, for the status sentence after "Try saving again". */
	private ended: { name: string; status: RunStatus; stored: RunStored } | null = null;

	samples = $state<EpochSample[]>([]);
	runs = $state<RunListItem[]>([]);
	readonly unfinished = $derived(this.runs.filter((r) => isUnfinished(r) && r.id !== this.current?.runId));

	readonly busy = $derived(!!this.current || this.starting);
	readonly epochsTotal = $derived(this.current?.config.epochs ?? this.config.epochs);
	readonly doneBatches = $derived(
		this.progress && this.current
			? this.progress.epoch * this.current.batchesPerEpoch + this.progress.batch + 1
			: 0
	);
	readonly totalBatches = $derived(this.current ? this.epochsTotal * this.current.batchesPerEpoch : 0);
	readonly eta = $derived(
		this.secondsPerBatch !== null && this.current
			? Math.max(0, (this.totalBatches - this.doneBatches) * this.secondsPerBatch)
			: null
	);

	private client: StudioClient | null = null;
	private lastElapsed = 0;
	/** Batches reported since the page last drew: small batches arrive faster than a page should redraw. */
	private pending: { progress: BatchProgress; point: { x: number; y: number } }[] = [];
	private smoothed: number | null = null;
	private flushTimer: ReturnType<typeof setTimeout> | 0 = 0;

	/** Shows the batches reported since the last time. */
	private flush() {
		clearTimeout(this.flushTimer);
		this.flushTimer = 0;
		if (!this.pending.length) return;
		this.progress = this.pending.at(-1)!.progress;
		this.secondsPerBatch = this.smoothed;
		this.batchLoss = [...this.batchLoss, ...this.pending.map((x) => x.point)];
		this.pending = [];
	}

	applyPreset(id: Preset['id']) {
		this.config = { ...TRAIN_PRESETS.find((p) => p.id === id)!.config };
	}

	/** The worker training runs in (its own, so generation never waits on it). */
	worker(): StudioClient {
		this.client ??= new StudioClient();
		return this.client;
	}

	/** Times the presets on the chosen corpus, unless a run is going. */
	estimate() {
		if (!app.corpusId || this.busy) return;
		void estimates.measure(
			this.worker(),
			app.corpusId,
			this.backendChoice === 'auto' ? null : this.backendChoice
		);
	}

	async refreshRuns() {
		try {
			this.runs = await listRuns();
		} catch (e) {
			this.error = (e as Error).message;
		}
	}

	/** Runs and models both change when a checkpoint is written. */
	async refresh() {
		await Promise.all([this.refreshRuns(), library.refresh()]);
	}

	start() {
		if (!app.corpusId) return;
		void this.launch({
			type: 'train/start',
			id: requestId('train'),
			corpusId: app.corpusId,
			...(this.styleCorpora.length ? { corpusIds: [app.corpusId, ...this.styleCorpora] } : {}),
			config: $state.snapshot(this.config),
			backend: this.backendChoice === 'auto' ? null : this.backendChoice,
			name: this.runName.trim() || undefined,
			bundled: bundledUrl()
		});
	}

	resume(runId: string) {
		void this.launch({
			type: 'train/resume',
			id: requestId('train'),
			runId,
			backend: this.backendChoice === 'auto' ? null : this.backendChoice,
			bundled: bundledUrl()
		});
	}

	control(action: 'pause' | 'stop') {
		if (!this.client || !this.current) return;
		this.controlSent = action;
		// Named, so a click that arrives after this run ended never pauses another one.
		this.client.post({ type: 'train/control', id: requestId('control'), runId: this.current.runId, action });
	}

	async removeRun(r: RunListItem) {
		if (!confirm(`Delete the run “${r.name}” and its checkpoint? A model saved from it is kept.`)) return;
		await deleteRun(r.id);
		await this.refreshRuns();
		await library.refreshStorage();
	}

	/** Saves again the finished model that did not fit (after the user freed some space). */
	async saveAgain() {
		const runId = this.unsavedRunId;
		if (!runId || !this.client || this.savingAgain) return;
		this.savingAgain = true;
		this.error = null;
		try {
			let saved: Extract<Response, { type: 'train/model-saved' }> | null = null;
			await this.client.send({ type: 'train/save-model', id: requestId('save'), runId }, (r) => {
				if (r.type === 'train/model-saved') saved = r;
			});
			const answer = saved as Extract<Response, { type: 'train/model-saved' }> | null;
			if (!answer) return;
			this.unsavedRunId = null;
			// The model warning is no longer true; a checkpoint warning is, unless the checkpoint fit now too.
			this.warnings = this.warnings.filter(
				(w) => w.topic !== 'model' && !(answer.checkpoint && w.topic === 'checkpoint')
			);
			chooseModel(answer.modelId);
			if (this.ended) {
				const stored: RunStored = {
					...this.ended.stored,
					model: 'saved',
					checkpoint: this.ended.stored.checkpoint || answer.checkpoint
				};
				this.ended = { ...this.ended, stored };
				this.message = statusSentence(this.ended.name, this.ended.status, stored);
			} else this.message = 'The model is saved and chosen for generation.';
			await this.refresh();
			await library.refreshStorage();
		} catch (e) {
			this.error = (e as Error).message;
		} finally {
			this.savingAgain = false;
		}
	}

	/** Downloads the model the storage refused, as the app's model file (a zip), from the worker that holds it. */
	async downloadUnsaved() {
		const runId = this.unsavedRunId;
		if (!runId || !this.client) return;
		this.error = null;
		try {
			await this.client.send({ type: 'train/export-model', id: requestId('export'), runId }, (r) => {
				if (r.type === 'train/model-file') download(r.bytes, r.fileName, 'application/zip');
			});
		} catch (e) {
			this.error = (e as Error).message;
		}
	}

	/** Ends the worker (the stage is gone). */
	dispose() {
		this.client?.terminate();
		this.client = null;
	}

	private async launch(request: Request) {
		this.error = null;
		this.warnings = [];
		this.message = null;
		this.ended = null;
		this.outcome = null;
		this.starting = true;
		this.controlSent = null;
		this.samples = [];
		app.training = true;
		estimates.cancel(this.client);
		try {
			await this.worker().send(request, (r) => this.onResponse(r));
		} catch (e) {
			this.error = (e as Error).message;
		} finally {
			this.starting = false;
			app.training = false;
			this.current = null;
			this.controlSent = null;
			await this.refresh();
			await library.refreshStorage();
		}
	}

	private onResponse(r: Response) {
		switch (r.type) {
			case 'train/started': {
				const { type: _type, id, history, elapsedSeconds, ...started } = r;
				this.current = { ...started, requestId: id };
				this.config = { ...started.config }; // the form shows the run's own settings
				this.runName = started.name;
				this.history = [...history];
				this.bundledValLoss = null;
				this.valSongs = started.valSongs;
				this.batchLoss = [];
				this.progress = null;
				this.secondsPerBatch = null;
				this.smoothed = null;
				this.pending = [];
				this.lastElapsed = elapsedSeconds;
				this.starting = false;
				this.message = null;
				break;
			}
			case 'train/progress': {
				const p = r.progress;
				const dt = p.elapsedSeconds - this.lastElapsed;
				this.lastElapsed = p.elapsedSeconds;
				if (dt > 0) this.smoothed = this.smoothed === null ? dt : 0.8 * this.smoothed + 0.2 * dt;
				this.pending.push({
					progress: p,
					point: { x: p.epoch * p.batches + p.batch + 1, y: bitsOf(p.loss) }
				});
				this.flushTimer ||= setTimeout(() => this.flush(), PROGRESS_EVERY_MS);
				break;
			}
			case 'train/epoch':
				this.flush();
				this.history.push(r.record);
				this.bundledValLoss = r.bundledValLoss ?? null;
				if (this.current)
					estimates.learn(
						this.current.config,
						this.current.backend,
						r.record.seconds / Math.max(this.current.batchesPerEpoch, 1)
					);
				break;
			case 'train/checkpoint':
				if (r.batch === 0 && r.epoch > 0 && !this.samples.some((x) => x.epoch === r.epoch))
					void this.sample(r.runId, r.epoch);
				void this.refresh();
				void library.refreshStorage();
				break;
			case 'train/warning': {
				const { type: _type, id: _id, ...warning } = r;
				this.warnings = addWarning(this.warnings, warning);
				if (r.unsavedRunId) this.unsavedRunId = r.unsavedRunId;
				break;
			}
			case 'train/finished':
				this.flush();
				this.finish(r);
				break;
		}
	}

	/** Generates a short melody from the run's checkpoint (in the generation worker, beside training). */
	private async sample(runId: string, epoch: number) {
		try {
			await studio().send(
				{
					type: 'generate/run',
					id: requestId('sample'),
					model: source({ runId, epoch }),
					seed: [],
					settings: { ...SAMPLE, barPhase: 0 }
				},
				(r) => {
					if (r.type === 'generate/result') this.samples.push({ epoch, symbols: r.melodies[0].symbols });
				}
			);
		} catch {
			// A sample is a bonus: training goes on without it.
		}
	}

	private finish(r: Extract<TrainResponse, { type: 'train/finished' }>) {
		const { status, modelId, stored } = r;
		if (modelId && stored.model === 'saved') chooseModel(modelId);
		const name = this.current?.name ?? 'The run';
		this.ended = { name, status, stored };
		this.message = statusSentence(name, status, stored);
		if (stored.model !== 'none') this.outcome = this.qualityOf(status);
		if (status === 'failed' && r.message) this.error = r.message;
	}

	/** The model a run ended with, said as every place says how good a model is (eval/quality.ts). */
	private qualityOf(status: RunStatus): Quality {
		const kept = keptValLoss(this.history, status);
		const songs = validationSongs(this.valSongs);
		return describeQuality(
			kept === null ? null : { bitsPerStep: bitsOf(kept), songs },
			this.bundledValLoss === null ? null : { bitsPerStep: bitsOf(this.bundledValLoss), songs },
			library.bundled?.heldOut ?? null
		);
	}
}

/** The one Train stage's state. */
export const training = new Training();
