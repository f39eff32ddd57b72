/// <reference lib="webworker" />
/**
 * The score worker: loads Verovio (the WebAssembly build that reads Humdrum) on its first request and
 * engraves melodies. Verovio's log goes to a buffer, not the console; a failure is answered as a sentence.
 */
import { engrave, type Toolkit } from './engrave';
import type { ScoreRequest, ScoreResponse } from './messages';

const scope = self as unknown as DedicatedWorkerGlobalScope;

let toolkit: Promise<Toolkit> | null = null;

async function load(): Promise<Toolkit> {
	const [{ default: createModule }, verovio] = await Promise.all([
		import('verovio/wasm-hum'),
		import('verovio/esm')
	]);
	const module = await createModule();
	verovio.enableLogToBuffer(true, module);
	verovio.enableLog(verovio.LOG_ERROR, module);
	return new verovio.VerovioToolkit(module);
}

function post(response: ScoreResponse): void {
	scope.postMessage(response);
}

scope.onmessage = async (event: MessageEvent<ScoreRequest>) => {
	const { id, input } = event.data;
	const t0 = performance.now();
	try {
		toolkit ??= load();
		let tk: Toolkit;
		try {
			tk = await toolkit;
		} catch (e) {
			toolkit = null;
			throw new Error(
				`The notation engraver could not start (${(e as Error).message}). Reload the page to try again; the piano roll still works.`
			);
		}
		post({ type: 'score/rendered', id, ms: performance.now() - t0, ...engrave(tk, input) });
	} catch (e) {
		post({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });
	}
};
