/**
 * TensorFlow.js as the core uses it in the browser, imported as `#tf` (package.json `imports`): the core
 * ops with their gradients and chained methods (`x.square()`), and the cpu and webgl backends (webgpu and
 * wasm load on demand in `backend.ts`). Not the umbrella package `@tensorflow/tfjs`: its tf.layers,
 * converter and tf.data register themselves on import, so no bundler can leave them out, and they would
 * travel in every visitor's worker. The lab's checks against tf.layers import the umbrella themselves.
 *
 * In Node (the command line, the tests) `#tf` is the umbrella: its Node build registers the same things,
 * and the core's browser files below cannot be imported by Node.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';

export * from '@tensorflow/tfjs-core';
