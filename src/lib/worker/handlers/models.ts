/** Model import in the worker: the reference's Keras files become a stored model of the app. */
import type { HandlerTable } from '../protocol';
import { importKerasModel } from '../../keras/app-model';
import { checkH5Size, KerasImportError } from '../../keras/import';
import { QuotaError } from '../../storage/db';
import { saveModel } from '../../storage/models';

export const handlers: HandlerTable = {
	'models/import-keras': async (request, post) => {
		checkH5Size(request.h5.size, request.names.model);
		const [bytes, text] = await Promise.all([request.h5.arrayBuffer(), request.mapping.text()]);
		let saved;
		try {
			const { weights, metadata } = importKerasModel(bytes, text, request.names);
			saved = await saveModel(weights, metadata);
		} catch (e) {
			// Import and storage errors are already sentences naming the file; say where anything else came from.
			if (e instanceof KerasImportError || e instanceof QuotaError) throw e;
			throw new Error(`The model could not be imported from ${request.names.model}: ${(e as Error).message}`);
		}
		post({ type: 'models/imported', id: request.id, model: { id: saved.id, name: saved.name } });
	}
};
