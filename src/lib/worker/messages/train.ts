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
	/** Pauses or stops the active run (answered by `done` at once): its `train/start` request then finishes. */
	| { type: 'train/control'; id: string; action: 'pause' | 'stop' };

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
	/** Something the user should know that did not stop training (e.g. a checkpoint that did not fit). */
	| {
			type: 'train/warning';
			id: string;
			message: string;
			/** Set when the finished model could not be saved: `train/save-model` with this run saves it. */
			unsavedRunId?: string;
	  }
	| { type: 'train/model-saved'; id: string; runId: string; modelId: string }
	| {
			type: 'train/finished';
			id: string;
			runId: string;
			status: RunStatus;
			/** The model saved from this run (finished, early-stopped or stopped after at least one epoch). */
			modelId?: string;
			message?: string;
	  };
