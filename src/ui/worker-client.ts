/**
 * The page's side of the worker protocol. `studio()` gives a shared worker for short jobs; long jobs
 * (training) can take their own instance with `new StudioClient()` so generation never waits on them.
 */
import type { Request, Response } from '$lib/worker/protocol';
import StudioWorker from '$lib/worker/studio.worker.ts?worker';
import { RequestCancelled } from './cancelled';

type Listener = (response: Response) => void;

let counter = 0;
/** A fresh request id. */
export function requestId(prefix = 'r'): string {
	counter += 1;
	return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export class StudioClient {
	readonly worker: Worker;
	private listeners = new Map<string, Listener>();

	constructor() {
		this.worker = new StudioWorker();
		this.worker.onmessage = (e: MessageEvent<Response>) => this.listeners.get(e.data.id)?.(e.data);
		this.worker.onerror = (e) => {
			for (const [id, l] of this.listeners)
				l({
					type: 'error',
					id,
					message: `The background worker stopped: ${e.message}. Reload the page to start it again; your data is kept.`
				});
		};
	}

	/**
	 * Sends a request; `onResponse` sees every response to it. Resolves on `done`, rejects with a
	 * user-facing message on `error` and with `RequestCancelled` on `cancelled`. Aborting `signal` cancels
	 * the request (as `cancel(id)` does).
	 */
	send(
		request: Request,
		onResponse: Listener = () => {},
		transfer: Transferable[] = [],
		signal?: AbortSignal
	): Promise<void> {
		return new Promise((resolve, reject) => {
			const onAbort = () => this.cancel(request.id);
			const end = () => {
				this.listeners.delete(request.id);
				signal?.removeEventListener('abort', onAbort);
			};
			this.listeners.set(request.id, (r) => {
				onResponse(r);
				if (r.type === 'done' || r.type === 'pong') {
					end();
					resolve();
				} else if (r.type === 'error') {
					end();
					reject(new Error(r.message));
				} else if (r.type === 'cancelled') {
					end();
					reject(new RequestCancelled(r.message));
				}
			});
			this.worker.postMessage(request, transfer);
			if (signal?.aborted) onAbort();
			else signal?.addEventListener('abort', onAbort, { once: true });
		});
	}

	/** Posts a message that needs no answer (pause, resume, cancel). */
	post(request: Request): void {
		this.worker.postMessage(request);
	}

	cancel(id: string): void {
		this.worker.postMessage({ type: 'cancel', id } satisfies Request);
	}

	terminate(): void {
		this.worker.terminate();
	}
}

let shared: StudioClient | null = null;
/** The shared worker for short jobs (import, generation). */
export function studio(): StudioClient {
	shared ??= new StudioClient();
	return shared;
}
