/// <reference lib="webworker" />
/**
 * The studio worker: parsing, training and generation run here, never on the page's thread.
 * Handlers are collected from `handlers/*.ts`, one file per domain.
 */
import type { Handler, HandlerTable, Request, Response } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const modules = import.meta.glob<{ handlers: HandlerTable }>('./handlers/*.ts', { eager: true });
const table: Record<string, Handler> = {};
for (const m of Object.values(modules)) Object.assign(table, m.handlers);

const running = new Map<string, AbortController>();

function post(response: Response, transfer: Transferable[] = []): void {
	scope.postMessage(response, transfer);
}

scope.onmessage = async (event: MessageEvent<Request>) => {
	const request: { type: string; id: string } = event.data;
	if (request.type === 'ping') return post({ type: 'pong', id: request.id });
	if (request.type === 'cancel') {
		running.get(request.id)?.abort();
		return;
	}
	const handler = table[request.type];
	if (!handler)
		return post({ type: 'error', id: request.id, message: `The worker does not know "${request.type}".` });
	const controller = new AbortController();
	running.set(request.id, controller);
	try {
		await handler(event.data, post, controller.signal);
	} catch (e) {
		const message = e instanceof Error ? e.message : String(e);
		post({ type: 'error', id: request.id, message });
	} finally {
		running.delete(request.id);
	}
};
