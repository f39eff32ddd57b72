/**
 * Picks the TensorFlow.js backend: webgpu, webgl, wasm, cpu, each checked with a small computation
 * against `cpu` first; a failing one is skipped with the reason. Software GPU adapters (SwiftShader's
 * fallback WebGPU adapter, a SwiftShader WebGL renderer) emulate the GPU on the CPU and are slower than
 * wasm, so they rank below it unless forced.
 */
import * as tf from '#tf';
import { registerLstmKernels } from './lstm-kernels';

/** Backends in order of preference on real hardware. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

/** What happened to one candidate. */
export interface BackendReport {
	name: BackendName;
	ok: boolean;
	/** A software (CPU-emulated) GPU adapter or renderer. */
	software?: boolean;
	reason?: string;
}

/** The chosen backend and why the others were not. */
export interface BackendSelection {
	backend: BackendName;
	reports: BackendReport[];
	/**
	 * Threads the backend computes with: the wasm backend's pool (1 without cross-origin isolation, where
	 * the browser gives no shared memory); 1 for cpu; absent for the GPU backends.
	 */
	threads?: number;
	/** Whether the context was cross-origin isolated (shared memory, so wasm threads, possible). */
	isolated: boolean;
}

/** Options of `selectBackend`. */
export interface SelectOptions {
	/** Try this one first, even if it is a software adapter. */
	force?: BackendName | null;
	/** Restrict the candidates (Node: ['wasm', 'cpu']). */
	candidates?: readonly BackendName[];
	/** Where the wasm backend finds its .wasm files (a prefix, or a map of file name to URL). */
	wasmPaths?: string | Record<string, string>;
	/**
	 * Threads for the wasm backend where the context is cross-origin isolated (default `wasmThreads()`).
	 * Takes effect only before the backend's first start in this context.
	 */
	threads?: number;
	log?: (line: string) => void;
}

/** Is this context cross-origin isolated (SharedArrayBuffer, and so wasm threads, available)? */
export function crossOriginIsolated(): boolean {
	return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/**
 * The wasm thread count the app asks for where it can: every logical core but one, which the page and
 * the browser keep, and at most 8 (the backend's pool). TensorFlow.js's own default is half the cores.
 * Only the products run on the pool (two thirds of a batch of the recipe; the SIMD cell kernels and the
 * per-op work stay on the worker's thread), and its threads spin while they wait: on a 2-core machine
 * shared with other work, 2 threads trained at 0.3–0.8× the speed of 1 (docs/speed.md).
 */
export function wasmThreads(): number {
	const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
		?.hardwareConcurrency;
	return Math.max(1, Math.min(8, (cores ?? 1) - 1));
}

/** The thread count the started wasm backend reports (1 when it runs the single-threaded build). */
let wasmThreadsRunning: number | null = null;

/** A fixed small computation touching matMul and the LSTM's activations. */
async function probe(): Promise<Float32Array> {
	// Inputs made in JS: GPU sin/cos of large arguments are too coarse to serve as reference data.
	const values = (n: number, k: number) =>
		Float32Array.from({ length: n }, (_, i) => ((i * k) % 101) / 101 - 0.5);
	const a = tf.tidy(() => {
		const x = tf.tensor2d(values(33 * 70, 37), [33, 70]);
		const w = tf.tensor2d(values(70 * 129, 53), [70, 129]);
		const z = tf.matMul(x, w);
		return tf.concat([tf.sigmoid(z), tf.tanh(tf.mul(z, 0.1)), tf.sum(z, 0, true)], 0);
	});
	const data = (await a.data()) as Float32Array;
	a.dispose();
	return data;
}

/** Is the WebGPU adapter a software fallback? Null when there is no adapter. */
async function webgpuAdapter(): Promise<{ software: boolean } | null> {
	const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
	if (!gpu) return null;
	const adapter = (await gpu.requestAdapter()) as {
		isFallbackAdapter?: boolean;
		info?: { isFallbackAdapter?: boolean; architecture?: string };
	} | null;
	if (!adapter) return null;
	const software =
		adapter.info?.isFallbackAdapter === true ||
		adapter.isFallbackAdapter === true ||
		/swiftshader/i.test(adapter.info?.architecture ?? '');
	return { software };
}

/** Is WebGL 2 available, and is it a software renderer? */
function webglRenderer(): { software: boolean } | null {
	const Canvas = (
		globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(k: string): unknown } }
	).OffscreenCanvas;
	if (!Canvas) return null;
	try {
		const gl = new Canvas(1, 1).getContext('webgl2') as {
			getExtension(n: string): { UNMASKED_RENDERER_WEBGL: number } | null;
			getParameter(p: number): unknown;
		} | null;
		if (!gl) return null;
		const ext = gl.getExtension('WEBGL_debug_renderer_info');
		const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : '');
		return { software: /swiftshader|llvmpipe|software/i.test(renderer) };
	} catch {
		return null;
	}
}

async function load(name: BackendName, options: SelectOptions): Promise<void> {
	if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
	if (name === 'wasm') {
		const wasm = await import('@tensorflow/tfjs-backend-wasm');
		if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths as string);
		const threads = options.threads ?? wasmThreads();
		// One thread takes the single-threaded build, as without isolation: the threaded one starts a pool
		// of 8 workers whatever the count, and on a 2-core machine they made the page's own tasks longer.
		if (threads <= 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
		wasm.setThreadsCount(threads);
	}
}

/** Threads of the active backend (see `BackendSelection.threads`). */
async function threadsOf(name: BackendName): Promise<number | undefined> {
	if (name === 'cpu') return 1;
	if (name !== 'wasm') return undefined;
	if (wasmThreadsRunning === null) {
		const wasm = await import('@tensorflow/tfjs-backend-wasm');
		try {
			wasmThreadsRunning = wasm.getThreadsCount();
		} catch {
			wasmThreadsRunning = 1;
		}
	}
	return wasmThreadsRunning;
}

/** Chooses and activates a backend; returns it with a report per candidate tried or skipped. */
export async function selectBackend(options: SelectOptions = {}): Promise<BackendSelection> {
	registerLstmKernels();
	const log = options.log ?? (() => {});
	const reports: BackendReport[] = [];
	await tf.setBackend('cpu');
	const reference = await probe();
	const allowed = options.candidates ?? BACKEND_ORDER;
	const info = new Map<BackendName, { software: boolean } | null>();
	if (allowed.includes('webgpu')) info.set('webgpu', await webgpuAdapter().catch(() => null));
	if (allowed.includes('webgl')) info.set('webgl', webglRenderer());
	const hardware: BackendName[] = [];
	const software: BackendName[] = [];
	for (const name of BACKEND_ORDER) {
		if (!allowed.includes(name)) continue;
		if ((name === 'webgpu' || name === 'webgl') && !info.get(name)) {
			reports.push({ name, ok: false, reason: name === 'webgpu' ? 'no WebGPU adapter' : 'no WebGL 2' });
			if (options.force !== name) continue;
		}
		if (info.get(name)?.software) software.push(name);
		else hardware.push(name);
	}
	// Software GPU emulation goes after wasm, before cpu.
	const order = [...hardware.filter((n) => n !== 'cpu'), ...software, ...hardware.filter((n) => n === 'cpu')];
	if (options.force)
		order.splice(0, order.length, options.force, ...order.filter((n) => n !== options.force));
	for (const name of order) {
		const sw = info.get(name)?.software;
		try {
			if (name !== 'cpu') {
				await load(name, options);
				if (!(await tf.setBackend(name))) throw new Error('it could not start');
				await tf.ready();
			}
			const out = await probe();
			let worst = 0;
			for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - reference[i]));
			if (!(worst < 1e-3)) throw new Error(`its result differs from cpu by ${worst}`);
			reports.push({ name, ok: true, software: sw });
			const threads = await threadsOf(name);
			log(
				`backend ${name}${sw ? ' (software adapter)' : ''}${threads ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''}: chosen`
			);
			return { backend: name, reports, threads, isolated: crossOriginIsolated() };
		} catch (e) {
			const reason = e instanceof Error ? e.message : String(e);
			reports.push({ name, ok: false, software: sw, reason });
			log(`backend ${name} skipped: ${reason}`);
			await tf.setBackend('cpu');
		}
	}
	await tf.setBackend('cpu');
	return { backend: 'cpu', reports, threads: 1, isolated: crossOriginIsolated() };
}
