/**
 * The worker's dispatcher, free of the worker's globals so Node tests drive it: answers `ping`, aborts a
 * request on `cancel`, runs the handler for everything else and ends each request with `done` when the
 * handler returns or `error` (the handler's sentence) when it throws.
 */
import type { Handler, HandlerTable, Post, WorkerRequest } from './protocol';

/** A function that handles one incoming message with the handlers of `tables`. */
export function dispatcher(
	tables: readonly HandlerTable[],
	post: Post
): (request: WorkerRequest) => Promise<void> {
	const table = Object.assign({}, ...tables) as Record<string, Handler>;
	const running = new Map<string, AbortController>();
	return async (request) => {
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
			await handler(request, post, controller.signal);
			post({ type: 'done', id: request.id });
		} catch (e) {
			post({ type: 'error', id: request.id, message: e instanceof Error ? e.message : String(e) });
		} finally {
			running.delete(request.id);
		}
	};
}
