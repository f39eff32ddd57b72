/**
 * Training in the worker: picks the backend, runs the trainer on a stored corpus, saves a checkpoint after
 * every epoch and on pause/stop, and the model when the run ends. One run at a time per worker.
 */
import * as tf from '@tensorflow/tfjs';
import type { HandlerTable, Response } from '../protocol';
import type { TrainRequest } from '../messages/train';
import { selectBackend, type BackendName, type BackendSelection } from '../../train/backend';
import { Trainer, type TrainingSong } from '../../train/trainer';
import type { Checkpoint, RunStatus } from '../../model/checkpoint';
import { WASM_PATHS } from '../../train/wasm-assets';
import { getCorpus } from '../../storage/corpora';
import { getRun, newRunId, runItem, saveCheckpoint } from '../../storage/checkpoints';
import { saveModel } from '../../storage/models';
import { QuotaError } from '../../storage/db';
import type { ModelMetadata } from '../../model/format';
import { measureEpoch, measureThroughput } from '../../lab/bench-core';
import { SONG_END } from '../../music/symbols';

type Post = (response: Response) => void;

let active: { request: 'pause' | 'stop' | null } | null = null;
let selected: { force: BackendName | null; selection: BackendSelection } | null = null;

/** Chooses the backend once per worker (switching while GPU tensors live breaks them). */
async function backend(force: BackendName | null): Promise<BackendSelection> {
	if (selected && selected.force === force) return selected.selection;
	const selection = await selectBackend({
		force,
		wasmPaths: WASM_PATHS,
		log: (line) => console.info(line)
	});
	selected = { force, selection };
	return selection;
}

async function loadSongs(corpusId: string): Promise<{ songs: TrainingSong[]; name: string; hash: string }> {
	const corpus = await getCorpus(corpusId);
	if (!corpus)
		throw new Error(
			'The corpus of this run is no longer stored (it may have been deleted). Import it again, then train.'
		);
	// Symbols with meter and bar phase: runs with bar-position input need them.
	const songs = corpus.songs.map(({ symbols, meter, barPhase, bars, meterChanges }) => ({
		symbols,
		meter,
		barPhase,
		bars,
		meterChanges
	}));
	return { songs, name: corpus.name, hash: corpus.hash };
}

/** Saves a checkpoint; a full quota becomes a warning (the previous checkpoint is kept). */
async function store(
	runId: string,
	name: string,
	createdAt: number,
	cp: Checkpoint,
	post: Post,
	requestId: string,
	modelId?: string
): Promise<boolean> {
	try {
		await saveCheckpoint(runItem(runId, name, createdAt, cp, { modelId }), cp);
		post({
			type: 'train/checkpoint',
			id: requestId,
			runId,
			epoch: cp.epoch,
			batch: cp.position?.batch ?? 0
		});
		return true;
	} catch (e) {
		if (e instanceof QuotaError) {
			post({ type: 'train/warning', id: requestId, message: e.message });
			return false;
		}
		throw e;
	}
}

async function run(
	trainer: Trainer,
	runId: string,
	name: string,
	createdAt: number,
	selection: BackendSelection,
	post: Post,
	requestId: string,
	signal: AbortSignal
): Promise<void> {
	const control = { request: null as 'pause' | 'stop' | null };
	active = control;
	post({
		type: 'train/started',
		id: requestId,
		runId,
		name,
		backend: selection.backend,
		backends: selection.reports,
		config: trainer.config,
		batchesPerEpoch: trainer.batchesPerEpoch(),
		trainSongs: trainer.split.train.length,
		valSongs: trainer.split.val.length,
		vocabulary: trainer.vocabulary.length,
		history: trainer.history,
		elapsedSeconds: trainer.elapsedSeconds
	});
	let status: RunStatus;
	try {
		// The run is on record from its first moment, so a reload can always find it.
		if (trainer.epoch === 0 && trainer.history.length === 0)
			await store(runId, name, createdAt, await trainer.checkpoint(), post, requestId);
		status = await trainer.run({
			control: () => (signal.aborted ? 'stop' : control.request),
			onBatch: (progress) => post({ type: 'train/progress', id: requestId, progress }),
			onEpoch: async (record) => {
				post({ type: 'train/epoch', id: requestId, record, tensors: tf.memory().numTensors });
				await store(runId, name, createdAt, await trainer.checkpoint(), post, requestId);
			}
		});
		let modelId: string | undefined;
		let message = trainer.message;
		if (status === 'failed') {
			// Keep the last good checkpoint; only its list record learns what happened.
			const previous = await getRun(runId);
			if (previous) {
				message = `${message} The last good checkpoint (epoch ${previous.checkpoint.epoch}) is kept.`;
				await store(runId, name, createdAt, { ...previous.checkpoint, status, message }, post, requestId);
			}
		} else {
			if (status !== 'paused' && trainer.history.length > 0) {
				const metadata: ModelMetadata = {
					format: 'folk-studio-model',
					version: 1,
					name,
					createdAt: Date.now(),
					vocabulary: trainer.vocabulary,
					songStart: SONG_END,
					design: trainer.config.design,
					config: trainer.config,
					history: trainer.history,
					corpus: trainer.corpus,
					status,
					backend: selection.backend
				};
				try {
					modelId = (await saveModel(await trainer.weights(), metadata, { id: `model-${runId}`, runId })).id;
				} catch (e) {
					if (!(e instanceof QuotaError)) throw e;
					post({ type: 'train/warning', id: requestId, message: e.message });
				}
			}
			await store(runId, name, createdAt, await trainer.checkpoint(), post, requestId, modelId);
		}
		post({ type: 'train/finished', id: requestId, runId, status, modelId, message });
		post({ type: 'done', id: requestId });
	} finally {
		trainer.dispose();
		if (active === control) active = null;
	}
}

export const handlers: HandlerTable = {
	'train/start': async (request, post, signal) => {
		if (active) throw new Error('A training run is already going in this tab. Pause or stop it first.');
		const req = request as Extract<TrainRequest, { type: 'train/start' }>;
		const { songs, name: corpusName, hash } = await loadSongs(req.corpusId);
		const selection = await backend(req.backend ?? null);
		const trainer = Trainer.create(songs, req.config, { id: req.corpusId, name: corpusName, hash });
		const c = trainer.config;
		const name = req.name?.trim() || `${corpusName} · ${c.layers}×${c.units}`;
		await run(trainer, newRunId(), name, Date.now(), selection, post, req.id, signal);
	},
	'train/resume': async (request, post, signal) => {
		if (active) throw new Error('A training run is already going in this tab. Pause or stop it first.');
		const req = request as Extract<TrainRequest, { type: 'train/resume' }>;
		const stored = await getRun(req.runId);
		if (!stored) throw new Error('That run is no longer stored (it may have been deleted). Start a new one.');
		const { songs } = await loadSongs(stored.checkpoint.corpus.id);
		const corpus = await getCorpus(stored.checkpoint.corpus.id);
		const selection = await backend(req.backend ?? null);
		const trainer = Trainer.resume(songs, stored.checkpoint, corpus!.hash);
		await run(trainer, stored.id, stored.name, stored.createdAt, selection, post, req.id, signal);
	},
	'train/bench': async (request, post) => {
		if (active) throw new Error('A training run is going in this worker; benchmark in a fresh one.');
		const req = request as Extract<TrainRequest, { type: 'train/bench' }>;
		const selection = await backend(req.backend);
		if (selection.backend !== req.backend) {
			const why = selection.reports.find((r) => r.name === req.backend)?.reason ?? 'unavailable';
			post({ type: 'train/bench-result', id: req.id, backend: req.backend, error: why });
			post({ type: 'done', id: req.id });
			return;
		}
		for (const c of req.cases) {
			const result = await measureThroughput(req.songs, c);
			post({ type: 'train/bench-result', id: req.id, backend: selection.backend, result });
		}
		if (req.epoch) {
			const epoch = await measureEpoch(req.songs);
			post({ type: 'train/bench-result', id: req.id, backend: selection.backend, epoch });
		}
		post({ type: 'done', id: req.id });
	},
	'train/control': async (request) => {
		const req = request as Extract<TrainRequest, { type: 'train/control' }>;
		if (active) active.request = req.action;
	}
};
