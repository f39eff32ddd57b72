/**
 * Messages of the diagnostics domain (request types start with 'diagnostics/'): checks of the numeric
 * kernels in the real worker, for the browser tests. Not part of `protocol.ts`'s unions, so the page's
 * typed client does not offer them; tests post them to the worker directly.
 */
import type { BackendName } from '../../train/backend';
import type { CheckResult } from '../../lab/lstm-kernels-check';
import type { CellMode } from '../../train/lstm-kernels';
import type { LstmTiming, LstmTimingCase } from '../../lab/bench-core';

export type DiagnosticsRequest =
	/**
	 * Compares the fast LSTM with tf.layers.lstm (and an autodiff LSTM for resets) on `backend`, once per
	 * cell mode in `modes`. Answers `diagnostics/lstm-check-result` per mode (or one with `error` when the
	 * backend is unavailable), then `done`.
	 */
	| { type: 'diagnostics/lstm-check'; id: string; backend: BackendName; modes: CellMode[]; seed?: string }
	/**
	 * Times the fast LSTM's forward and backward pass on `backend` for each case (bench/lstm-kernels):
	 * answers `diagnostics/lstm-time-result` per case, then `done`.
	 */
	| { type: 'diagnostics/lstm-time'; id: string; backend: BackendName; cases: LstmTimingCase[] };

export type DiagnosticsResponse =
	| {
			type: 'diagnostics/lstm-check-result';
			id: string;
			backend: string;
			result?: CheckResult;
			error?: string;
	  }
	| {
			type: 'diagnostics/lstm-time-result';
			id: string;
			backend: string;
			timing?: LstmTiming;
			error?: string;
	  };
