/**
 * Diagnostics in the worker: the fast LSTM's equivalence check on a chosen backend, run where the app
 * trains (the browser test drives it). Use a fresh worker per backend: switching backends while GPU
 * tensors are alive breaks them.
 */
import * as tf from '@tensorflow/tfjs';
import type { HandlerTable, Response } from '../protocol';
import type { DiagnosticsRequest, DiagnosticsResponse } from '../messages/diagnostics';
import { selectBackend } from '../../model/backend';
import { checkFastLstm } from '../../model/lstm-kernels-check';
import { WASM_PATHS } from '../../model/wasm-assets';

/** GPU backends hand small ops to the CPU; the check must exercise the GPU programs themselves. */
const CPU_FORWARD_FLAGS = ['WEBGPU_CPU_FORWARD', 'WEBGL_CPU_FORWARD'];

function setFlag(name: string, value: boolean): boolean | null {
	try {
		const old = tf.env().getBool(name);
		tf.env().set(name, value);
		return old;
	} catch {
		return null;
	}
}

type Post = (response: DiagnosticsResponse | Response) => void;

export const handlers = {
	'diagnostics/lstm-check': async (request: DiagnosticsRequest, post: Post) => {
		const selection = await selectBackend({
			force: request.backend,
			wasmPaths: WASM_PATHS,
			log: (line) => console.info(line)
		});
		if (selection.backend !== request.backend) {
			const why = selection.reports.find((r) => r.name === request.backend)?.reason ?? 'unavailable';
			post({ type: 'diagnostics/lstm-check-result', id: request.id, backend: request.backend, error: why });
			post({ type: 'done', id: request.id });
			return;
		}
		const saved = CPU_FORWARD_FLAGS.map((f) => [f, setFlag(f, false)] as const);
		try {
			for (const fused of request.fused) {
				const result = await checkFastLstm(fused, request.seed);
				post({ type: 'diagnostics/lstm-check-result', id: request.id, backend: selection.backend, result });
			}
		} finally {
			for (const [f, old] of saved) if (old !== null) setFlag(f, old);
		}
		post({ type: 'done', id: request.id });
	}
} as unknown as HandlerTable;
