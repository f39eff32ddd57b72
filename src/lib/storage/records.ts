/**
 * The records of the app's IndexedDB, store by store (db.ts owns the schema). Corpora, models and runs
 * each keep a full record under their id and a light list row under `meta:` + id, so that listing never
 * loads songs, weights or checkpoints.
 */
import type { MelodyForm } from '../generate/form';
import type { Mode } from '../music/key';
import type { CorpusListItem, StoredCorpus } from '../corpus/types';
import type { EncodedSong } from '../encoding/song';
import type { Checkpoint, RunStatus } from '../model/checkpoint';
import type { ModelMetadata } from '../model/format';
import type { LstmModelWeights } from '../model/types';

/** Prefix of the list rows' ids. */
export const META = 'meta:';

/** A corpus's list row: its list item under `meta:` + id. */
export type CorpusRow = CorpusListItem & { corpusId: string };

/**
 * A corpus's full record as saved since format 2 (corpora.ts packs and unpacks it): every song's symbols
 * as ids into the corpus's own small symbol table, all songs in one typed array, song after song. Read
 * back as strings, 16× erk was 61 MiB of heap in 4 million strings; as ids it is 4 MiB in one buffer.
 * Records saved before (a `StoredCorpus`, each song with its `symbols`) are read as they are.
 */
export interface PackedCorpus extends Omit<StoredCorpus, 'songs'> {
	format: 2;
	/** The symbols in use, each once; `symbolIds` index into it (Uint8Array up to 256 symbols). */
	symbolTable: string[];
	symbolIds: Uint8Array | Uint16Array;
	/** Each song without its symbols, and how many of `symbolIds` are its (they follow the song before). */
	songs: (Omit<EncodedSong, 'symbols'> & { symbolCount: number })[];
}

/** A stored model. */
export interface StoredModel {
	id: string;
	name: string;
	createdAt: number;
	metadata: ModelMetadata;
	weights: LstmModelWeights;
	/** Bytes of weights, for the list. */
	size: number;
	/** The training run it came from, if any. */
	runId?: string;
}

/** What the model list shows (no weights). */
export type ModelListItem = Omit<StoredModel, 'weights'>;

/** A model's list row: everything but the weights, under `meta:` + id. */
export type ModelRow = ModelListItem & { modelId: string };

/** What the run list shows. */
export interface RunListItem {
	id: string;
	name: string;
	createdAt: number;
	updatedAt: number;
	status: RunStatus;
	/** The corpus trained on; a run over several corpora joins their ids with `+` (`runCorpusIds`). */
	corpusId: string;
	corpusName: string;
	/** A run over several corpora: the style each corpus teaches, in the order of their ids. */
	styles?: string[];
	epoch: number;
	epochs: number;
	/** Batch reached inside the next epoch (0 at an epoch boundary). */
	batch: number;
	/** Last validation (else training) loss in nats, for the list. */
	lastLoss: number | null;
	modelId?: string;
	message?: string;
}

/** A stored run: its list record plus the checkpoint. */
export interface StoredRun extends RunListItem {
	checkpoint: Checkpoint;
}

/** A run's list row, under `meta:` + id. */
export type RunRow = RunListItem & { runId: string };

/** A melody as stored. */
export interface StoredMelody {
	id: string;
	name: string;
	createdAt: number;
	/** Id of the model that made it (stored model id, or `default` for the bundled one). */
	modelId: string;
	/** The model's name when it was made, shown if the model is later deleted. */
	modelName: string;
	/** Seed symbols (possibly empty). */
	seed: string[];
	temperature: number;
	/** Nucleus (top-p) it was drawn with; absent for melodies kept before top-p existed (= 1). */
	topP?: number;
	/** A whole tune's length in bars (GenerateSettings.bars); absent when it was made by steps. */
	bars?: number;
	/** New symbols asked for (when made by steps). */
	steps: number;
	stopAtEnd: boolean;
	/** This melody's own random seed (its variation's). */
	randomSeed: number;
	/** The generated melody: seed then new symbols. */
	symbols: string[];
	/** Meter for bar lines and export, e.g. `3/4`. */
	meter: string;
	/** Playback tempo in quarter notes per minute. */
	bpm: number;
	/** The key's tonic it was kept in (pitch class, 0 = C) and the mode it was written in; absent in older records. */
	tonic?: number;
	mode?: Mode;
	/** The form it was written in, phrase by phrase (generate/form.ts); absent: through-composed. */
	form?: MelodyForm;
}
