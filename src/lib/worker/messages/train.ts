/** Messages of the train domain. Request types start with 'train/'. */
import type { TrainConfig } from '../../model/config';
import type { BatchProgress, EpochRecord, RunStatus } from '../../model/checkpoint';
import type { BackendName, BackendReport } from '../../train/backend';

export type TrainRequest =
	/**
	 * Starts a run on a stored corpus. Answers `train/started`, then `train/progress` after every batch,
	 * `train/epoch` and `train/checkpoint` after every epoch, `train/finished`, then `done`.
	 */
	| {
			type: 'train/start';
			id: string;
			corpusId: string;
			/**
			 * Several stored corpora for one model (`corpusId` is then ignored): each becomes a style, named
			 * after its corpus.
			 */
			corpusIds?: string[];
			config: Partial<TrainConfig>;
			/** Force a backend (else the best that passes its check). */
			backend?: BackendName | null;
			name?: string;
			/** The bundled model's folder URL: `train/epoch` then says how it scores the validation songs. */
			bundled?: string;
	  }
	/** Continues a stored run from its checkpoint; answers like `train/start`. */
	| { type: 'train/resume'; id: string; runId: string; backend?: BackendName | null; bundled?: string }
	/**
	 * Saves again a finished model whose save hit a full quota (a `train/warning` with `unsavedRunId` said so).
	 * Answers `train/model-saved`, then `done`; a full quota again is an error, and the model stays held.
	 */
	| { type: 'train/save-model'; id: string; runId: string }
	/**
	 * The held model of `train/save-model` as the app's model file (a zip), for the user to download when the
	 * storage refuses it. Answers `train/model-file`, then `done`; the model stays held.
	 */
	| { type: 'train/export-model'; id: string; runId: string }
	/**
	 * Times a few training batches of each config on a stored corpus, on the backend a run would use, so
	 * the page can say how long a run takes on this device. Answers `train/estimate` per config.
	 */
	| {
			type: 'train/estimate';
			id: string;
			corpusId: string;
			configs: Partial<TrainConfig>[];
			backend?: BackendName | null;
			/** Batches to time per config (the first, which compiles, is not counted); default 4. */
			batches?: number;
	  }
	/**
	 * Pauses or stops the run `runId` (the `runId` of its `train/started`), answered by `done` at once: its
	 * `train/start` or `train/resume` request then finishes. A run that is not going (it ended, or another
	 * worker has it) is answered with an error sentence, and no other run is touched.
	 */
	| { type: 'train/control'; id: string; runId: string; action: 'pause' | 'stop' };

/** What a run left in storage when it ended: the status the page shows says this, not what was hoped. */
export interface RunStored {
	/**
	 * 'saved': `modelId` is stored; 'held': the storage refused the model and this worker holds it
	 * (`train/save-model`, `train/export-model`) until the tab closes; 'none': the run made no model
	 * (paused, failed, or stopped before its first epoch).
	 */
	model: 'saved' | 'held' | 'none';
	/** Whether the checkpoint the run ended with is stored. */
	checkpoint: boolean;
	/** The epoch of the newest checkpoint of this run that is stored (null: none is). */
	checkpointEpoch: number | null;
}

export type TrainResponse =
	| {
			type: 'train/started';
			id: string;
			runId: string;
			name: string;
			backend: BackendName;
			backends: BackendReport[];
			/** Threads the backend computes with (wasm: 1 unless the page is cross-origin isolated). */
			threads?: number;
			/** Whether the worker is cross-origin isolated (shared memory for wasm threads). */
			isolated: boolean;
			config: TrainConfig;
			batchesPerEpoch: number;
			trainSongs: number;
			valSongs: number;
			vocabulary: number;
			/** Epochs already done (a resumed run) and their records. */
			history: EpochRecord[];
			elapsedSeconds: number;
	  }
	| { type: 'train/progress'; id: string; progress: BatchProgress }
	/** Seconds per training batch of `configs[index]`, and how many batches one epoch has. */
	| {
			type: 'train/estimate';
			id: string;
			index: number;
			backend: BackendName;
			secondsPerBatch: number;
			batchesPerEpoch: number;
	  }
	| {
			type: 'train/epoch';
			id: string;
			record: EpochRecord;
			tensors: number;
			/**
			 * The bundled model's loss on this run's validation songs (nats per target, the unit of
			 * `record.valLoss`, same targets): the run has passed the bundled model's level once its
			 * `valLoss` is lower. Absent without `bundled`, validation songs or a readable bundled model.
			 */
			bundledValLoss?: number;
	  }
	| { type: 'train/checkpoint'; id: string; runId: string; epoch: number; batch: number }
	/**
	 * Something the user should know that did not stop training (e.g. a checkpoint that did not fit). Each
	 * says what is stored at that moment; a later one of the same `topic` replaces the earlier (it says the
	 * newer truth), warnings of different topics are all kept.
	 */
	| {
			type: 'train/warning';
			id: string;
			topic: 'checkpoint' | 'model';
			message: string;
			/** Set when the finished model could not be saved: `train/save-model` with this run saves it. */
			unsavedRunId?: string;
	  }
	/** The held model is stored now; `checkpoint` says whether the run's last checkpoint is stored too. */
	| { type: 'train/model-saved'; id: string; runId: string; modelId: string; checkpoint: boolean }
	| { type: 'train/model-file'; id: string; runId: string; fileName: string; bytes: Uint8Array }
	| {
			type: 'train/finished';
			id: string;
			runId: string;
			status: RunStatus;
			/** The model saved from this run (finished, early-stopped or stopped after at least one epoch). */
			modelId?: string;
			message?: string;
			stored: RunStored;
	  };
