/**
 * The worker's dispatcher, free of the worker's globals so Node tests drive it: answers `ping`, aborts a
 * request on `cancel`, runs the handler for everything else and ends each request with `done` when the
 * handler returns or `error` (the handler's sentence) when it throws — or, once a `cancel` for it came,
 * with `cancelled`, however the handler stopped (one kind of cancellation for every request).
 */
import type { Handler, HandlerTable, Post, WorkerRequest } from './protocol';

/**
 * Handler tables loaded on a domain's first request, by domain (the part of a request type before `/`):
 * code only some callers need (diagnostics, with the lab's checks and tf.layers) stays out of the worker
 * every visitor loads.
 */
export type OnDemand = Record<string, () => Promise<{ handlers: HandlerTable }>>;

/** A function that handles one incoming message with the handlers of `tables`. */
export function dispatcher(
	tables: readonly HandlerTable[],
	post: Post,
	onDemand: OnDemand = {}
): (request: WorkerRequest) => Promise<void> {
	const table = Object.assign({}, ...tables) as Record<string, Handler>;
	const loading = new Map<string, Promise<void>>();
	const running = new Map<string, AbortController>();
	/** Merges the on-demand table of `type`'s domain, once; a failed load is tried again next time. */
	const load = (type: string): Promise<void> | undefined => {
		const domain = type.split('/')[0];
		const importer = Object.hasOwn(onDemand, domain) ? onDemand[domain] : undefined;
		if (!importer) return undefined;
		let pending = loading.get(domain);
		if (!pending) {
			pending = importer().then(
				(m) => void Object.assign(table, m.handlers),
				(e: unknown) => {
					loading.delete(domain);
					throw e;
				}
			);
			loading.set(domain, pending);
		}
		return pending;
	};
	return async (request) => {
		if (request.type === 'ping') return post({ type: 'pong', id: request.id });
		if (request.type === 'cancel') {
			running.get(request.id)?.abort();
			return;
		}
		if (!table[request.type]) {
			try {
				await load(request.type);
			} catch (e) {
				const why = e instanceof Error ? e.message : String(e);
				return post({
					type: 'error',
					id: request.id,
					message: `The worker could not load "${request.type}": ${why}.`
				});
			}
		}
		const handler = table[request.type];
		if (!handler)
			return post({ type: 'error', id: request.id, message: `The worker does not know "${request.type}".` });
		const controller = new AbortController();
		running.set(request.id, controller);
		try {
			await handler(request, post, controller.signal);
			if (controller.signal.aborted) post({ type: 'cancelled', id: request.id });
			else post({ type: 'done', id: request.id });
		} catch (e) {
			const message = e instanceof Error ? e.message : String(e);
			if (controller.signal.aborted) post({ type: 'cancelled', id: request.id, message });
			else post({ type: 'error', id: request.id, message });
		} finally {
			running.delete(request.id);
		}
	};
}
