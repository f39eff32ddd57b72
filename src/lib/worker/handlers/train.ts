/**
 * Training in the worker: picks the backend, runs the trainer on a stored corpus, saves a checkpoint after
 * every epoch and on pause/stop, and the model when the run ends. One run at a time per worker.
 *
 * Everything a worker remembers between requests lives in one `TrainState` that `createTrainHandlers()`
 * makes (the worker's entry calls it once), so two tables never share a run, a held model or a backend.
 */
import * as tf from '#tf';
import type { HandlerTable, Post } from '../protocol';
import type { RunStored } from '../messages/train';
import { selectBackend, type BackendName, type BackendSelection } from '../../train/backend';
import { Trainer, type TrainingSong } from '../../train/trainer';
import type { Checkpoint, RunStatus } from '../../model/checkpoint';
import { WASM_PATHS } from '../../train/wasm-assets';
import { getCorpus } from '../../storage/corpora';
import {
	getRun,
	newRunId,
	runCorpusId,
	runCorpusIds,
	runItem,
	saveCheckpoint,
	type RunListItem
} from '../../storage/checkpoints';
import { modelFile, saveModel } from '../../storage/models';
import { QuotaError } from '../../storage/db';
import { newModelMetadata, type ModelMetadata } from '../../model/format';
import type { LstmModelWeights } from '../../model/types';
import { LstmStepModel } from '../../model/lstm-step';
import { scoreBarSongs } from '../../eval/score';
import { keptValLoss } from '../../eval/quality';
import { loadModel } from '../load-model';
import { collectSongForms, type SongForms, type TemplateSong } from '../../generate/templates';

/** A run going in this worker: the id of the request that started it, its stored run, what it was asked. */
interface Run {
	/** The `train/start` or `train/resume` request's id. */
	id: string;
	/** The stored run's id (`train/started`'s `runId`), which `train/control` names. */
	runId: string;
	/** Pause or stop, once a `train/control` for this run asked; the trainer reads it between batches. */
	request: 'pause' | 'stop' | null;
}

/** What one worker's train handlers remember between requests. */
interface TrainState {
	/** Runs going, by stored run id (one at a time today; a control names the one it means). */
	runs: Map<string, Run>;
	/**
	 * Finished models whose save hit a full quota, by run, with the run's last checkpoint when that did not
	 * fit either: saved again or downloaded on request, lost when the tab closes.
	 */
	unsaved: Map<
		string,
		{ weights: LstmModelWeights; metadata: ModelMetadata; checkpoint?: { item: RunListItem; cp: Checkpoint } }
	>;
	selected: { force: BackendName | null; selection: Promise<BackendSelection> } | null;
	/** The bundled model's loss per run (its validation songs do not change), once computed. */
	bundledLevels: Map<string, number | null>;
}

/**
 * Chooses the backend once per worker (switching while GPU tensors live breaks them); requests that
 * arrive together (an estimate, then a run) share the one choice.
 */
function backend(state: TrainState, force: BackendName | null): Promise<BackendSelection> {
	if (state.selected && state.selected.force === force) return state.selected.selection;
	const selection = selectBackend({ force, wasmPaths: WASM_PATHS, log: (line) => console.info(line) });
	const mine = { force, selection };
	state.selected = mine;
	selection.catch(() => {
		if (state.selected === mine) state.selected = null;
	});
	return selection;
}

/**
 * The songs of a run: one stored corpus, or several (`runCorpusIds`), each then a
 * style named after its corpus (a repeated name gets " (2)").
 */
async function loadSongs(corpusId: string): Promise<{ songs: TrainingSong[]; name: string; hash: string }> {
	const ids = runCorpusIds(corpusId);
	const songs: TrainingSong[] = [];
	const names: string[] = [];
	const hashes: string[] = [];
	for (const id of ids) {
		const corpus = await getCorpus(id);
		if (!corpus)
			throw new Error(
				'A corpus of this run is no longer stored (it may have been deleted). Import it again, then train.'
			);
		let style = corpus.name;
		for (let k = 2; names.includes(style); k++) style = `${corpus.name} (${k})`;
		names.push(style);
		hashes.push(corpus.hash);
		// Symbols with meter and bar phase: runs with bar-position input need them.
		for (const { symbols, meter, barPhase, bars, meterChanges } of corpus.songs)
			songs.push({ symbols, meter, barPhase, bars, meterChanges, ...(ids.length > 1 ? { style } : {}) });
	}
	return { songs, name: names.join(' + '), hash: runCorpusId(hashes) };
}

/**
 * What a run keeps of its songs once the trainer has encoded them. The corpus's symbol strings are most of
 * a large corpus's memory (75 MiB at 16× erk, against 27 MiB for the trainer's encoded copy), so they are
 * let go before the first batch; a song's form is read at the end from the encoded copy instead.
 */
interface KeptSongs {
	/** The validation songs, in the split's order (the bundled model is scored on them every epoch). */
	val: TrainingSong[];
	/** Each song's meter and bars for its form, by song index (null: a song of bare symbols, no form). */
	forms: (Omit<TemplateSong, 'symbols'> | null)[];
}

function keepSongs(songs: readonly TrainingSong[], trainer: Trainer): KeptSongs {
	return {
		val: trainer.split.val.map((i) => songs[i]),
		forms: songs.map((song) =>
			isSymbols(song)
				? null
				: {
						meter: song.meter,
						barPhase: song.barPhase,
						bars: song.bars,
						meterChanges: song.meterChanges,
						// A tune in this song's form writes in its style (several corpora as styles).
						...(song.style === undefined ? {} : { style: song.style })
					}
		)
	};
}

/**
 * Loads a run's songs, picks the backend and makes the trainer (`make`); returns what the run keeps of the
 * songs. The songs themselves stay inside this call, so nothing of the run holds them once it returns.
 */
async function openRun(
	state: TrainState,
	corpusId: string,
	force: BackendName | null,
	make: (songs: readonly TrainingSong[], name: string, hash: string) => Trainer
): Promise<{ trainer: Trainer; name: string; selection: BackendSelection; kept: KeptSongs }> {
	const { songs, name, hash } = await loadSongs(corpusId);
	const selection = await backend(state, force);
	const trainer = make(songs, name, hash);
	return { trainer, name, selection, kept: keepSongs(songs, trainer) };
}

/** The run's songs' forms, each song's symbols decoded from the trainer as `collectSongForms` reaches it. */
function songForms(run: RunContext): SongForms {
	const { trainer } = run;
	return collectSongForms(
		run.kept.forms.flatMap((bars, i) =>
			bars
				? [
						{
							// One song's symbols at a time: a getter, read once per song.
							get song(): TemplateSong {
								return { ...bars, symbols: trainer.songSymbols(i) };
							}
						}
					]
				: []
		)
	);
}

/** One run in this worker: the trainer, where it is stored, and whom to tell. */
interface RunContext {
	state: TrainState;
	trainer: Trainer;
	runId: string;
	name: string;
	createdAt: number;
	selection: BackendSelection;
	post: Post;
	requestId: string;
	signal: AbortSignal;
	/** What the run keeps of its songs (validation songs, the songs' bars for their forms). */
	kept: KeptSongs;
	/** The bundled model's folder URL, to score it on the run's validation songs. */
	bundled?: string;
	/** The epoch of the newest checkpoint of this run in storage (null: none is), so warnings tell the truth. */
	storedEpoch: number | null;
}

/** What a warning about a refused checkpoint says is still stored. */
function checkpointTruth(storedEpoch: number | null): string {
	return storedEpoch === null
		? 'No checkpoint of this run is stored, so it cannot be resumed once the tab is closed.'
		: `The checkpoint after epoch ${storedEpoch} is the newest one stored; the run resumes from there.`;
}

/**
 * Saves a checkpoint; a full quota becomes a warning that says which checkpoint is still stored. Returns
 * whether it was saved; `failed` receives the refused record (to hold it with a refused model).
 */
async function store(
	run: RunContext,
	cp: Checkpoint,
	modelId?: string,
	failed?: (item: RunListItem) => void
): Promise<boolean> {
	const { runId, name, createdAt, post, requestId } = run;
	const item = runItem(runId, name, createdAt, cp, { modelId });
	try {
		await saveCheckpoint(item, cp);
		run.storedEpoch = cp.epoch;
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
			failed?.(item);
			post({
				type: 'train/warning',
				id: requestId,
				topic: 'checkpoint',
				message: `${e.message} ${checkpointTruth(run.storedEpoch)}`
			});
			return false;
		}
		throw e;
	}
}

/**
 * Saves the model a run ends with; a full quota becomes a warning, and the model is held in this worker.
 * Returns its id when saved.
 */
async function keepModel(run: RunContext, status: RunStatus): Promise<string | undefined> {
	const { trainer } = run;
	const metadata = newModelMetadata({
		name: run.name,
		vocabulary: trainer.vocabulary,
		config: trainer.config,
		history: trainer.history,
		corpus: trainer.corpus,
		status,
		backend: run.selection.backend,
		...(trainer.styles.length ? { styles: [...trainer.styles] } : {}),
		scores: validationScores(run, status),
		// Its songs' forms, for tunes "as the songs go" (phrases of two bars: the kern marks are not kept).
		songForms: songForms(run)
	});
	const weights = await trainer.weights();
	try {
		return (await saveModel(weights, metadata, { id: `model-${run.runId}`, runId: run.runId })).id;
	} catch (e) {
		if (!(e instanceof QuotaError)) throw e;
		// Held here, so the user can free some space and save it again (train/save-model).
		run.state.unsaved.set(run.runId, { weights, metadata });
		run.post({
			type: 'train/warning',
			id: run.requestId,
			topic: 'model',
			message:
				`${e.message} The trained model is NOT saved: it is kept in this tab only, until it is saved ` +
				'again or the tab is closed. Download it now to keep it for sure.',
			unsavedRunId: run.runId
		});
		return undefined;
	}
}

/**
 * What the stored model keeps of its validation: how many songs, its own bits per step on them, and the
 * bundled model's on the same songs where it was scored, so the model library can say how good it is in
 * the words of the Train stage (eval/quality.ts).
 */
function validationScores(run: RunContext, status: RunStatus): Record<string, number> {
	const own = keptValLoss(run.trainer.history, status);
	const bundled = run.state.bundledLevels.get(run.runId);
	return {
		valSongs: run.trainer.split.val.length,
		...(own === null ? {} : { valBitsPerStep: own / Math.LN2 }),
		...(bundled == null ? {} : { bundledValBitsPerStep: bundled / Math.LN2 })
	};
}

function isSymbols(song: TrainingSong): song is readonly string[] {
	return Array.isArray(song);
}

/**
 * The bundled model's loss (nats per target) on the run's validation songs, scored the way the trainer
 * validates (each song from the zero state after `/`, its symbols and its closing `/`, with its bars);
 * null where it cannot be had (no validation songs, the model unreadable or of the window design).
 */
async function bundledLevel(ctx: RunContext): Promise<number | null> {
	const { trainer, runId, bundled } = ctx;
	const { bundledLevels } = ctx.state;
	if (!bundled || trainer.split.val.length === 0) return null;
	if (bundledLevels.has(runId)) return bundledLevels.get(runId)!;
	let level: number | null = null;
	try {
		const { model } = await loadModel({ kind: 'default', url: bundled });
		// Exactly the app's step model: a window-design model (a subclass) is not scored statefully.
		if (model instanceof LstmStepModel && model.constructor === LstmStepModel) {
			const result = scoreBarSongs(
				model,
				ctx.kept.val.map((song) => (isSymbols(song) ? { symbols: song } : song))
			);
			level = result.bitsPerStep * Math.LN2;
		}
	} catch (e) {
		console.info(`the bundled model could not be scored: ${(e as Error).message}`);
	}
	bundledLevels.set(runId, level);
	return level;
}

async function run(ctx: RunContext): Promise<void> {
	const { state, trainer, runId, selection, post, requestId, signal } = ctx;
	const control: Run = { id: requestId, runId, request: null };
	state.runs.set(runId, control);
	post({
		type: 'train/started',
		id: requestId,
		runId,
		name: ctx.name,
		backend: selection.backend,
		backends: selection.reports,
		threads: selection.threads,
		isolated: selection.isolated,
		config: trainer.config,
		batchesPerEpoch: trainer.batchesPerEpoch(),
		trainSongs: trainer.split.train.length,
		valSongs: trainer.split.val.length,
		vocabulary: trainer.vocabulary.length,
		history: trainer.history,
		elapsedSeconds: trainer.elapsedSeconds
	});
	try {
		// The run is on record from its first moment, so a reload can always find it.
		if (trainer.epoch === 0 && trainer.history.length === 0) await store(ctx, await trainer.checkpoint());
		const status = await trainer.run({
			control: () => (signal.aborted ? 'stop' : control.request),
			onBatch: (progress) => post({ type: 'train/progress', id: requestId, progress }),
			onEpoch: async (record) => {
				const level = await bundledLevel(ctx);
				post({
					type: 'train/epoch',
					id: requestId,
					record,
					tensors: tf.memory().numTensors,
					...(level === null ? {} : { bundledValLoss: level })
				});
				await store(ctx, await trainer.checkpoint());
			}
		});
		let modelId: string | undefined;
		let message = trainer.message;
		let model: RunStored['model'] = 'none';
		let checkpoint = false;
		if (status === 'failed') {
			// Keep the last good checkpoint; only its list record learns what happened.
			const previous = await getRun(runId);
			if (previous) {
				message = `${message} The last good checkpoint (epoch ${previous.checkpoint.epoch}) is kept.`;
				checkpoint = await store(ctx, { ...previous.checkpoint, status, message });
			}
		} else {
			if (status !== 'paused' && trainer.history.length > 0) {
				modelId = await keepModel(ctx, status);
				model = modelId ? 'saved' : 'held';
			}
			const cp = await trainer.checkpoint();
			checkpoint = await store(ctx, cp, modelId, (item) => {
				// Saved with the held model, so the run's record says it has one.
				const held = state.unsaved.get(runId);
				if (held) held.checkpoint = { item, cp };
			});
		}
		const stored: RunStored = { model, checkpoint, checkpointEpoch: ctx.storedEpoch };
		post({ type: 'train/finished', id: requestId, runId, status, modelId, message, stored });
	} finally {
		trainer.dispose();
		if (state.runs.get(runId) === control) state.runs.delete(runId);
	}
}

/** The sentence a request that needs the worker free gets while a run goes. */
function refuseWhileRunning(state: TrainState, sentence: string): void {
	if (state.runs.size > 0) throw new Error(sentence);
}

/** The train handlers of one worker, with their own runs, held models and backend choice. */
export function createTrainHandlers(): HandlerTable {
	const state: TrainState = { runs: new Map(), unsaved: new Map(), selected: null, bundledLevels: new Map() };
	const { unsaved } = state;
	return {
		'train/save-model': async (req, post) => {
			const held = unsaved.get(req.runId);
			if (!held)
				throw new Error(
					'That model is no longer held (the tab was reloaded or it was saved already); resume its run from the list to save it.'
				);
			// A QuotaError again leaves it held, for another try.
			const saved = await saveModel(held.weights, held.metadata, {
				id: `model-${req.runId}`,
				runId: req.runId
			});
			unsaved.delete(req.runId);
			let checkpoint = true;
			if (held.checkpoint) {
				// The model is what matters; a checkpoint that still does not fit only costs the resume.
				const { item, cp } = held.checkpoint;
				try {
					await saveCheckpoint({ ...item, modelId: saved.id, updatedAt: Date.now() }, cp);
				} catch (e) {
					if (!(e instanceof QuotaError)) throw e;
					checkpoint = false;
				}
			}
			post({ type: 'train/model-saved', id: req.id, runId: req.runId, modelId: saved.id, checkpoint });
		},
		'train/export-model': async (req, post) => {
			const held = unsaved.get(req.runId);
			if (!held)
				throw new Error(
					'That model is no longer held (the tab was reloaded or it was saved already); download it from the model list.'
				);
			const { fileName, bytes } = modelFile(held.weights, held.metadata);
			post({ type: 'train/model-file', id: req.id, runId: req.runId, fileName, bytes });
		},
		'train/start': async (req, post, signal) => {
			refuseWhileRunning(state, 'A training run is already going in this tab. Pause or stop it first.');
			const corpusId = req.corpusIds?.length ? runCorpusId(req.corpusIds) : req.corpusId;
			const {
				trainer,
				name: corpusName,
				selection,
				kept
			} = await openRun(state, corpusId, req.backend ?? null, (songs, name, hash) =>
				Trainer.create(songs, req.config, { id: corpusId, name, hash })
			);
			const c = trainer.config;
			const name = req.name?.trim() || `${corpusName} · ${c.layers}×${c.units}`;
			await run({
				state,
				trainer,
				runId: newRunId(),
				name,
				createdAt: Date.now(),
				selection,
				post,
				requestId: req.id,
				signal,
				kept,
				bundled: req.bundled,
				storedEpoch: null
			});
		},
		'train/resume': async (req, post, signal) => {
			refuseWhileRunning(state, 'A training run is already going in this tab. Pause or stop it first.');
			const stored = await getRun(req.runId);
			if (!stored)
				throw new Error('That run is no longer stored (it may have been deleted). Start a new one.');
			const { trainer, selection, kept } = await openRun(
				state,
				stored.checkpoint.corpus.id,
				req.backend ?? null,
				(songs, _name, hash) => Trainer.resume(songs, stored.checkpoint, hash)
			);
			await run({
				state,
				trainer,
				runId: stored.id,
				name: stored.name,
				createdAt: stored.createdAt,
				selection,
				post,
				requestId: req.id,
				signal,
				kept,
				bundled: req.bundled,
				storedEpoch: stored.checkpoint.epoch
			});
		},
		'train/estimate': async (req, post, signal) => {
			refuseWhileRunning(state, 'A training run is going in this worker; the estimate waits until it ends.');
			const { songs, name, hash } = await loadSongs(req.corpusId);
			const selection = await backend(state, req.backend ?? null);
			const count = Math.max(2, req.batches ?? 4);
			for (const [index, config] of req.configs.entries()) {
				if (signal.aborted) break;
				const trainer = Trainer.create(
					songs,
					{ ...config, maxBatchesPerEpoch: 0 },
					{ id: req.corpusId, name, hash }
				);
				try {
					const times: number[] = [];
					let before = 0;
					await trainer.run({
						control: () => (signal.aborted || times.length >= count ? 'stop' : null),
						onBatch: (p) => {
							times.push(p.elapsedSeconds - before);
							before = p.elapsedSeconds;
						}
					});
					// The first batch compiles kernels and fills caches: time the ones after it.
					const warm = times.slice(1).sort((a, b) => a - b);
					if (warm.length === 0) break;
					post({
						type: 'train/estimate',
						id: req.id,
						index,
						backend: selection.backend,
						secondsPerBatch: warm[Math.floor(warm.length / 2)],
						batchesPerEpoch: trainer.batchesPerEpoch()
					});
				} finally {
					trainer.dispose();
				}
			}
		},
		'train/control': async (req) => {
			const target = state.runs.get(req.runId);
			// Never applied to another run: a late click (the run ended meanwhile) must not pause the next one.
			if (!target)
				throw new Error(
					`The training run this ${req.action === 'pause' ? 'pause' : 'stop'} was meant for is not going any more (it ended or was never started here), so nothing was changed.`
				);
			target.request = req.action;
		}
	};
}
