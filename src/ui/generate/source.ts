import type { ModelSource } from '$lib/worker/messages/generate';
import { bundledModelUrl } from '$ui/bundled-model';

/** Where the worker finds a model: the bundled one by URL, a run's checkpoint, the others in IndexedDB. */
export function source(id: string | { runId: string; epoch: number }): ModelSource {
	if (typeof id === 'object') return { kind: 'run', ...id };
	return id === 'default' ? { kind: 'default', url: bundledModelUrl() } : { kind: 'stored', id };
}
