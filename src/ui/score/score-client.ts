/**
 * The page's side of the score worker. The worker (and Verovio inside it) starts on the first score
 * asked for, never before.
 */
import type { ScoreInput } from '$lib/score/engrave';
import type { ScoreRequest, ScoreResponse } from '$lib/score/messages';
import ScoreWorker from '$lib/score/score.worker.ts?worker';
import { RequestCancelled } from '../cancelled';

/** A rendered score, as the worker sends it. */
export type RenderedScore = Extract<ScoreResponse, { type: 'score/rendered' }>;

let worker: Worker | null = null;
let counter = 0;
const waiting = new Map<string, { resolve: (r: RenderedScore) => void; reject: (e: Error) => void }>();

function start(): Worker {
	const w = new ScoreWorker();
	w.onmessage = (e: MessageEvent<ScoreResponse>) => {
		const r = e.data;
		const wait = waiting.get(r.id);
		if (!wait) return;
		waiting.delete(r.id);
		if (r.type === 'error') wait.reject(new Error(r.message));
		else wait.resolve(r);
	};
	w.onerror = (e) => {
		e.preventDefault();
		for (const wait of waiting.values())
			wait.reject(
				new Error(
					`The notation engraver stopped (${e.message || 'no reason given'}). Show the score again to restart it; the piano roll still works.`
				)
			);
		waiting.clear();
		w.terminate();
		worker = null;
	};
	return w;
}

/**
 * Engraves a melody in the score worker. Aborting `signal` ends the request with `RequestCancelled` at
 * once, as every cancelled worker request ends (Verovio cannot be stopped mid-score: its late answer is
 * dropped).
 */
export function renderScore(input: ScoreInput, signal?: AbortSignal): Promise<RenderedScore> {
	if (signal?.aborted) return Promise.reject(new RequestCancelled('The score was not drawn: cancelled.'));
	worker ??= start();
	const id = `score-${++counter}`;
	const w = worker;
	return new Promise((resolve, reject) => {
		const onAbort = () => {
			waiting.delete(id);
			reject(new RequestCancelled('The score was not drawn: cancelled.'));
		};
		signal?.addEventListener('abort', onAbort, { once: true });
		const done = () => signal?.removeEventListener('abort', onAbort);
		waiting.set(id, {
			resolve: (r) => {
				done();
				resolve(r);
			},
			reject: (e) => {
				done();
				reject(e);
			}
		});
		w.postMessage({ type: 'score/render', id, input } satisfies ScoreRequest);
	});
}
