/**
 * Messages of the diagnostics domain (request types start with 'diagnostics/'): checks of the numeric
 * kernels in the real worker, for the browser tests. Not part of `protocol.ts`'s unions, so the page's
 * typed client does not offer them; tests post them to the worker directly.
 */
import type { BackendName } from '../../model/backend';
import type { CheckResult } from '../../model/lstm-kernels-check';

export type DiagnosticsRequest =
	/**
	 * Compares the fast LSTM with tf.layers.lstm (and an autodiff LSTM for resets) on `backend`, once per
	 * entry of `fused` (the fused cell kernels on or off). Answers `diagnostics/lstm-check-result` per
	 * entry (or one with `error` when the backend is unavailable), then `done`.
	 */
	{ type: 'diagnostics/lstm-check'; id: string; backend: BackendName; fused: boolean[]; seed?: string };

export type DiagnosticsResponse = {
	type: 'diagnostics/lstm-check-result';
	id: string;
	backend: string;
	result?: CheckResult;
	error?: string;
};
