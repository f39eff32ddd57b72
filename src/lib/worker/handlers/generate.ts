/**
 * Generation in the worker: loads a model (kept in memory between requests, `../load-model.ts`), then
 * samples with progress and cancel.
 */
import type { HandlerTable } from '../protocol';
import { LstmStepModel } from '../../model/lstm-step';
import { generateAsync } from '../../generate/generate';
import { loadModel } from '../load-model';

export const handlers: HandlerTable = {
	'generate/model': async (request, post) => {
		const { name, model } = await loadModel(request.model);
		const usesBar = model instanceof LstmStepModel && model.usesBar;
		const styles = model instanceof LstmStepModel ? [...model.styles] : [];
		post({
			type: 'generate/model',
			id: request.id,
			name,
			vocabulary: [...model.vocabulary],
			usesBar,
			styles
		});
	},
	'generate/run': async (request, post, signal) => {
		// The core applies the settings' style and meter (and refuses a style the model lacks, naming its
		// styles), so the cached model is handed over as it is.
		const { model, songForms } = await loadModel(request.model);
		const t0 = performance.now();
		// A cancel throws CancelledError, whose message the dispatcher posts as the request's error.
		const melodies = await generateAsync(
			model,
			request.seed,
			request.settings,
			{
				signal,
				onProgress: (done, total) => post({ type: 'generate/progress', id: request.id, done, total })
			},
			songForms
		);
		post({ type: 'generate/result', id: request.id, melodies, ms: performance.now() - t0 });
	}
};
