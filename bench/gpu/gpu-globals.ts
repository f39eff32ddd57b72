/**
 * WebGPU for Node from the `webgpu` package (Dawn), where it loads: `navigator.gpu` and the `GPU*`
 * globals, set before @tensorflow/tfjs-backend-webgpu is imported (it registers itself only if it finds
 * `navigator.gpu` as it loads). The package is carried beside the bundle, not bundled (a native addon).
 */
export let webgpuNote = 'not loaded';
try {
	// A name in a variable: the bundler leaves the import to run time, where the carried copy is found.
	const name = 'webgpu';
	const { create, globals } = (await import(name)) as {
		create(flags: string[]): { requestAdapter(): Promise<{ info?: Record<string, string> } | null> };
		globals: Record<string, unknown>;
	};
	Object.assign(globalThis, globals);
	const gpu = create([]);
	Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true });
	const adapter = await gpu.requestAdapter();
	const info = adapter?.info;
	webgpuNote = adapter
		? `Dawn adapter: ${[info?.vendor, info?.architecture, info?.description].filter(Boolean).join(', ')}`
		: 'Dawn loaded but found no adapter (no Vulkan loader or driver)';
} catch (e) {
	webgpuNote = `the webgpu package did not load (${(e as Error).message.split('\n')[0]})`;
}
