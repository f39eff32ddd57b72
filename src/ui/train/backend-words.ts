/** Where training runs, in words: "WASM (no GPU found)". */
import type { BackendName, BackendReport } from '$lib/train/backend';

const NAMES: Record<BackendName, string> = {
	webgpu: 'WebGPU',
	webgl: 'WebGL',
	wasm: 'WASM',
	cpu: 'the CPU (plain JavaScript)'
};

/** The backend's name for people. */
export function backendName(name: BackendName): string {
	return NAMES[name] ?? name;
}

/** Why faster backends were not used, in a few words, or ''. */
export function backendWhy(chosen: BackendName, reports: readonly BackendReport[]): string {
	const gpu = reports.filter((r) => r.name === 'webgpu' || r.name === 'webgl');
	if (chosen !== 'webgpu' && chosen !== 'webgl' && gpu.length && gpu.every((r) => !r.ok))
		return 'no GPU found';
	const skipped = reports.filter((r) => !r.ok && r.name !== chosen).map((r) => NAMES[r.name]);
	return skipped.length ? `${skipped.join(' and ')} not available here` : '';
}
