/**
 * Messages of the diagnostics domain (request types start with 'diagnostics/'): checks and timings of
 * the numeric kernels and of training in the real worker, for the browser tests and `npm run bench`.
 * Part of the worker's protocol (`WorkerRequest`) but not the page's (`Request`): tests and benches post
 * them to the worker directly.
 */
import type { BackendName } from '../../train/backend';
import type { CheckResult } from '../../lab/lstm-kernels-check';
import type { CellMode } from '../../train/lstm-kernels';
import type {
	EpochTiming,
	LstmTiming,
	LstmTimingCase,
	ThroughputCase,
	ThroughputResult
} from '../../lab/bench-core';
import type { TrainConfig } from '../../model/config';
import type { TrainingSong } from '../../train/trainer';
import type { LstmModelWeights } from '../../model/types';
import type { GenerateSettings } from '../../generate/settings';

export type DiagnosticsRequest =
	/**
	 * Compares the fast LSTM with tf.layers.lstm (and an autodiff LSTM for resets) on `backend`, once per
	 * cell mode in `modes`. Answers `diagnostics/lstm-check-result` per mode (or one with `error` when the
	 * backend is unavailable), then `done`.
	 */
	| {
			type: 'diagnostics/lstm-check';
			id: string;
			backend: BackendName;
			modes: CellMode[];
			seed?: string;
			/** wasm: the thread count to start the backend with (a fresh worker; default the app's). */
			threads?: number;
	  }
	/**
	 * Times the fast LSTM's forward and backward pass on `backend` for each case (bench/lstm-kernels):
	 * answers `diagnostics/lstm-time-result` per case, then `done`.
	 */
	| { type: 'diagnostics/lstm-time'; id: string; backend: BackendName; cases: LstmTimingCase[] }
	/**
	 * Measures training throughput on `backend` (bench/training): answers
	 * `diagnostics/train-throughput-result` per case (and for the epoch measurement), then `done`.
	 */
	| {
			type: 'diagnostics/train-throughput';
			id: string;
			backend: BackendName;
			/** Songs with their bars where a case trains with bar input. */
			songs: TrainingSong[];
			cases: ThroughputCase[];
			/** wasm: the thread count to start the backend with (a fresh worker; default the app's). */
			threads?: number;
			/** Also time one full epoch over these songs with these settings. */
			epoch?: Partial<TrainConfig>;
	  }
	/**
	 * Times generation with these weights in the worker (bench/generation): `stateful` is the app's way,
	 * `window` the reference's (every symbol re-reads the last 64 from a zero state). `reference` marks
	 * the reference's own model (its songs start after 63 `/`). Answers `diagnostics/generate-time-result`.
	 */
	| {
			type: 'diagnostics/generate-time';
			id: string;
			weights: LstmModelWeights;
			reference?: boolean;
			design: 'stateful' | 'window';
			seed: string[];
			settings: GenerateSettings;
	  };

export type DiagnosticsResponse =
	| {
			type: 'diagnostics/lstm-check-result';
			id: string;
			backend: string;
			/** Threads the backend computed with. */
			threads?: number;
			result?: CheckResult;
			error?: string;
	  }
	| {
			type: 'diagnostics/lstm-time-result';
			id: string;
			backend: string;
			timing?: LstmTiming;
			error?: string;
	  }
	| {
			type: 'diagnostics/train-throughput-result';
			id: string;
			backend: string;
			/** Threads the backend computed with. */
			threads?: number;
			result?: ThroughputResult;
			epoch?: EpochTiming;
			error?: string;
	  }
	/** Milliseconds of generation alone (the model was built before the clock started). */
	| { type: 'diagnostics/generate-time-result'; id: string; ms: number; symbols: number };
