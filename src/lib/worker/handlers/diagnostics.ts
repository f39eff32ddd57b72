/**
 * Diagnostics in the worker: the fast LSTM's equivalence check and timings, and training throughput, on a
 * chosen backend, run where the app trains (the browser test and the benches drive them). Use a fresh
 * worker per backend: switching backends while GPU tensors are alive breaks them.
 */
import * as tf from '@tensorflow/tfjs';
import type { HandlerTable } from '../protocol';
import { selectBackend, type BackendName } from '../../train/backend';
import { checkFastLstm } from '../../lab/lstm-kernels-check';
import { WASM_PATHS } from '../../train/wasm-assets';
import { measureEpoch, measureThroughput, timeFastLstm } from '../../lab/bench-core';
import { generate, generateReference } from '../../generate/generate';
import { stepModelFor } from '../../keras/reference';

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

/** Activates `backend`; returns why not when it cannot run here, else its thread count. */
async function select(
	backend: BackendName,
	threads?: number
): Promise<{ why: string } | { why: null; threads?: number }> {
	const selection = await selectBackend({
		force: backend,
		wasmPaths: WASM_PATHS,
		threads,
		log: (l) => console.info(l)
	});
	if (selection.backend === backend) return { why: null, threads: selection.threads };
	return { why: selection.reports.find((r) => r.name === backend)?.reason ?? 'unavailable' };
}

export const handlers: HandlerTable = {
	'diagnostics/lstm-check': async (request, post) => {
		const { id, backend } = request;
		const selected = await select(backend, request.threads);
		if (selected.why !== null) {
			post({ type: 'diagnostics/lstm-check-result', id, backend, error: selected.why });
			return;
		}
		const threads = selected.threads;
		const saved = CPU_FORWARD_FLAGS.map((f) => [f, setFlag(f, false)] as const);
		try {
			for (const mode of request.modes) {
				const result = await checkFastLstm(mode, request.seed);
				post({ type: 'diagnostics/lstm-check-result', id, backend, threads, result });
			}
		} finally {
			for (const [f, old] of saved) if (old !== null) setFlag(f, old);
		}
	},
	'diagnostics/lstm-time': async (request, post) => {
		const { why } = await select(request.backend);
		if (why)
			post({ type: 'diagnostics/lstm-time-result', id: request.id, backend: request.backend, error: why });
		else
			for (const c of request.cases) {
				const timing = await timeFastLstm(c);
				post({ type: 'diagnostics/lstm-time-result', id: request.id, backend: request.backend, timing });
			}
	},
	'diagnostics/train-throughput': async (request, post) => {
		const { id, backend } = request;
		const selected = await select(backend, request.threads);
		if (selected.why !== null) {
			post({ type: 'diagnostics/train-throughput-result', id, backend, error: selected.why });
			return;
		}
		const threads = selected.threads;
		for (const c of request.cases) {
			const result = await measureThroughput(request.songs, c);
			post({ type: 'diagnostics/train-throughput-result', id, backend, threads, result });
		}
		if (request.epoch) {
			const epoch = await measureEpoch(request.songs, request.epoch);
			post({ type: 'diagnostics/train-throughput-result', id, backend, threads, epoch });
		}
	},
	'diagnostics/generate-time': async (request, post) => {
		const model = stepModelFor(request.weights, request.reference ? 'window' : 'sequence');
		const { settings } = request;
		const t0 = performance.now();
		const melodies =
			request.design === 'window'
				? [
						generateReference(model, request.seed, {
							...settings,
							steps: settings.steps ?? 0,
							stopAtEnd: settings.stopAtEnd ?? false
						})
					]
				: generate(model, request.seed, settings);
		const ms = performance.now() - t0;
		const symbols = melodies.reduce((n, m) => n + m.symbols.length - m.seedLength, 0);
		post({ type: 'diagnostics/generate-time-result', id: request.id, ms, symbols });
	}
};
