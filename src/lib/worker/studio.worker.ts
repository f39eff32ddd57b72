/// <reference lib="webworker" />
/**
 * The studio worker: parsing, training and generation run here, never on the page's thread.
 * Handlers are collected from `handlers/*.ts`, one file per domain; `dispatch.ts` routes to them.
 * Diagnostics (the lab's checks and timings, with tf.layers) load on their first request only, so every
 * visitor's worker carries none of that code (`tests/lib/worker/bundle.test.ts` holds this).
 */
import type { HandlerTable, WorkerRequest, WorkerResponse } from './protocol';
import { dispatcher } from './dispatch';
import { createTrainHandlers } from './handlers/train';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const modules = import.meta.glob<{ handlers: HandlerTable }>(
	['./handlers/*.ts', '!./handlers/diagnostics.ts', '!./handlers/train.ts'],
	{ eager: true }
);
const dispatch = dispatcher(
	// Training keeps runs and held models: its table is made here, one per worker.
	[...Object.values(modules).map((m) => m.handlers), createTrainHandlers()],
	(response: WorkerResponse, transfer: Transferable[] = []) => scope.postMessage(response, transfer),
	{ diagnostics: () => import('./handlers/diagnostics') }
);

scope.onmessage = (event: MessageEvent<WorkerRequest>) => dispatch(event.data);
