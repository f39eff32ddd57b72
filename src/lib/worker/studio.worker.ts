/// <reference lib="webworker" />
/**
 * The studio worker: parsing, training and generation run here, never on the page's thread.
 * Handlers are collected from `handlers/*.ts`, one file per domain; `dispatch.ts` routes to them.
 */
import type { HandlerTable, WorkerRequest, WorkerResponse } from './protocol';
import { dispatcher } from './dispatch';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const modules = import.meta.glob<{ handlers: HandlerTable }>('./handlers/*.ts', { eager: true });
const dispatch = dispatcher(
	Object.values(modules).map((m) => m.handlers),
	(response: WorkerResponse, transfer: Transferable[] = []) => scope.postMessage(response, transfer)
);

scope.onmessage = (event: MessageEvent<WorkerRequest>) => dispatch(event.data);
