/**
 * What this browser can and cannot do for the studio, found by trying each thing once. Each probe answers
 * null when the capability works, or a plain sentence saying what is unavailable and what still works.
 */
import { db } from '$lib/storage/db';
import { requestId, studio } from '$ui/worker-client';

/** One finding for the capability panel. */
export interface Finding {
	/** Stable key, also used by tests. */
	id: 'storage' | 'worker' | 'compute';
	/** What is unavailable and what still works, as a sentence. */
	message: string;
}

/** How long a probe may take before it counts as failed (a slow machine parses the worker's bundle). */
const WORKER_TIMEOUT_MS = 60_000;
const STORAGE_TIMEOUT_MS = 15_000;

function within<T>(ms: number, promise: Promise<T>, late: T): Promise<T> {
	return Promise.race([promise, new Promise<T>((r) => setTimeout(() => r(late), ms))]);
}

/** IndexedDB opens (it does not in some private modes, or when site data is blocked). */
export async function probeStorage(): Promise<string | null> {
	if (typeof indexedDB === 'undefined' || indexedDB === null)
		return 'This browser offers no local storage (IndexedDB), so corpora, models and melodies cannot be saved between visits. Import, training and generation still work until you close the page.';
	try {
		// A database that is merely slow to open (another tab upgrading it) is not reported.
		await within(STORAGE_TIMEOUT_MS, db(), null);
		return null;
	} catch {
		return 'The browser refused local storage (IndexedDB), which happens in private browsing or when site data is blocked, so nothing can be saved between visits. Allow site data or leave private mode to keep your work; import, training and generation still work.';
	}
}

/** The studio worker starts and answers a ping. */
export async function probeWorker(): Promise<string | null> {
	const failed =
		'The background worker could not start, so importing, training and generating are unavailable in this page. Reload the page; if it happens again, use a recent Chrome, Edge, Firefox or Safari.';
	if (typeof Worker === 'undefined') return failed;
	try {
		const ok = await within(
			WORKER_TIMEOUT_MS,
			studio()
				.send({ type: 'ping', id: requestId('probe') })
				.then(() => true),
			false
		);
		return ok ? null : failed;
	} catch {
		return failed;
	}
}

function hasWebGl(): boolean {
	try {
		// Training runs in a worker, which draws on an OffscreenCanvas.
		if (typeof OffscreenCanvas !== 'undefined') {
			const c = new OffscreenCanvas(1, 1);
			if (c.getContext('webgl2') || c.getContext('webgl')) return true;
		}
		const c = document.createElement('canvas');
		return !!(c.getContext('webgl2') || c.getContext('webgl'));
	} catch {
		return false;
	}
}

async function hasWebGpu(): Promise<boolean> {
	const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
	if (!gpu) return false;
	try {
		return (await within(10_000, gpu.requestAdapter(), null)) !== null;
	} catch {
		return false;
	}
}

/** A graphics processor is reachable (WebGPU or WebGL); without one training falls back to the processor. */
export async function probeCompute(): Promise<string | null> {
	if ((await hasWebGpu()) || hasWebGl()) return null;
	if (typeof WebAssembly !== 'undefined')
		return 'Neither WebGPU nor WebGL is available, so training runs on the processor (WebAssembly) and takes several times longer. Generation and everything else work as usual.';
	return 'Neither WebGPU, WebGL nor WebAssembly is available, so training and generation run in plain JavaScript and are slow. Everything else works as usual.';
}

/** Runs every probe; the findings list only what is unavailable. */
export async function probeAll(): Promise<Finding[]> {
	const [storage, worker, compute] = await Promise.all([probeStorage(), probeWorker(), probeCompute()]);
	const findings: Finding[] = [];
	if (storage) findings.push({ id: 'storage', message: storage });
	if (worker) findings.push({ id: 'worker', message: worker });
	if (compute) findings.push({ id: 'compute', message: compute });
	return findings;
}
