/**
 * The wasm backend's binaries, bundled and served by the app itself (never a CDN). Vite emits each file
 * into the build and gives its URL; `setWasmPaths` takes the map. Imported only by browser code.
 */
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** File name → URL, for `setWasmPaths`. */
export const WASM_PATHS: Record<string, string> = {
	'tfjs-backend-wasm.wasm': plain,
	'tfjs-backend-wasm-simd.wasm': simd,
	'tfjs-backend-wasm-threaded-simd.wasm': threaded
};
