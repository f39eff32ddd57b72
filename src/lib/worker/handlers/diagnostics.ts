/**
 * Diagnostics in the worker: the fast LSTM's equivalence check on a chosen backend, run where the app
 * trains (the browser test drives it). Use a fresh worker per backend: switching backends while GPU
 * tensors are alive breaks them.
 */
import * as tf from '@tensorflow/tfjs';
import type { HandlerTable, Response } from '../protocol';
import type { DiagnosticsRequest, DiagnosticsResponse } from '../messages/diagnostics';
import { selectBackend, type BackendName } from '../../train/backend';
import { checkFastLstm } from '../../lab/lstm-kernels-check';
import { WASM_PATHS } from '../../train/wasm-assets';
import { timeFastLstm } from '../../lab/bench-core';

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
type Check = Extract<DiagnosticsRequest, { type: 'diagnostics/lstm-check' }>;
type Time = Extract<DiagnosticsRequest, { type: 'diagnostics/lstm-time' }>;

/** Activates `backend`; returns why not when it cannot run here. */
async function select(backend: BackendName): Promise<string | null> {
	const selection = await selectBackend({
		force: backend,
		wasmPaths: WASM_PATHS,
		log: (l) => console.info(l)
	});
	if (selection.backend === backend) return null;
	return selection.reports.find((r) => r.name === backend)?.reason ?? 'unavailable';
}

export const handlers = {
	'diagnostics/lstm-check': async (request: Check, post: Post) => {
		const why = await select(request.backend);
		if (why) {
			post({ type: 'diagnostics/lstm-check-result', id: request.id, backend: request.backend, error: why });
			post({ type: 'done', id: request.id });
			return;
		}
		const saved = CPU_FORWARD_FLAGS.map((f) => [f, setFlag(f, false)] as const);
		try {
			for (const mode of request.modes) {
				const result = await checkFastLstm(mode, request.seed);
				post({ type: 'diagnostics/lstm-check-result', id: request.id, backend: request.backend, result });
			}
		} finally {
			for (const [f, old] of saved) if (old !== null) setFlag(f, old);
		}
		post({ type: 'done', id: request.id });
	},
	'diagnostics/lstm-time': async (request: Time, post: Post) => {
		const why = await select(request.backend);
		if (why)
			post({ type: 'diagnostics/lstm-time-result', id: request.id, backend: request.backend, error: why });
		else
			for (const c of request.cases) {
				const timing = await timeFastLstm(c);
				post({ type: 'diagnostics/lstm-time-result', id: request.id, backend: request.backend, timing });
			}
		post({ type: 'done', id: request.id });
	}
} as unknown as HandlerTable;
