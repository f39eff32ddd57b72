/**
 * Model import in the worker, off the page: the reference's Keras files, or a model file the app or the
 * command line exported, become a stored model of the app; and stored models merged into one.
 */
import type { HandlerTable } from '../protocol';
import { importKerasModel } from '../../keras/app-model';
import { checkH5Size } from '../../keras/import';
import { KerasImportError } from '../../keras/mapping';
import { QuotaError } from '../../storage/db';
import { getModel, importModel, saveModel } from '../../storage/models';
import { mergedMetadata, mergeModels, mergeProblem, mergeSizeProblem } from '../../model/merge';
import { ModelFormatError } from '../../model/format';
import { MAX_MODEL_BYTES, MAX_MODEL_FILE_BYTES, megabytes } from '../../model/validate';

export const handlers: HandlerTable = {
	'models/import-keras': async (request, post) => {
		checkH5Size(request.h5.size, request.names.model);
		const [bytes, text] = await Promise.all([request.h5.arrayBuffer(), request.mapping.text()]);
		let saved;
		let warnings: string[];
		try {
			const { weights, metadata, warnings: w } = importKerasModel(bytes, text, request.names);
			warnings = w;
			saved = await saveModel(weights, metadata);
		} catch (e) {
			// Import and storage errors are already sentences naming the file; say where anything else came from.
			if (e instanceof KerasImportError || e instanceof QuotaError) throw e;
			throw new Error(`The model could not be imported from ${request.names.model}: ${(e as Error).message}`);
		}
		post({ type: 'models/imported', id: request.id, model: { id: saved.id, name: saved.name }, warnings });
	},
	'models/import-file': async (request, post, signal) => {
		if (request.file.size > MAX_MODEL_FILE_BYTES)
			throw new ModelFormatError(
				`${request.name} is ${megabytes(request.file.size)}, larger than any model this app writes ` +
					`(${megabytes(MAX_MODEL_BYTES)} of weights and their description, ${megabytes(MAX_MODEL_FILE_BYTES)} in all), ` +
					'so it is not one of its model files. Choose a .model.zip exported by this app or the command line.'
			);
		const bytes = new Uint8Array(await request.file.arrayBuffer());
		const saved = await importModel(bytes, request.name, signal);
		post({ type: 'models/imported', id: request.id, model: { id: saved.id, name: saved.name } });
	},
	'models/merge': async (request, post) => {
		const stored = await Promise.all(request.ids.map((id) => getModel(id)));
		if (stored.some((m) => !m))
			throw new Error('One of those models is no longer stored (it may have been deleted). Choose again.');
		const members = stored.map((m) => ({ weights: m!.weights, metadata: { ...m!.metadata, name: m!.name } }));
		const weights = members.map((m) => m.weights);
		// Checked before the work: inputs, designs, and the size of the result (summed units).
		const problem = mergeProblem(
			weights,
			members.map((m) => m.metadata.name),
			members.map((m) => m.metadata.design)
		);
		if (problem)
			throw new Error(
				`These models cannot be merged: ${problem}.` +
					(problem === mergeSizeProblem(weights)
						? ''
						: ' Merge models trained on the same corpora with the same settings.')
			);
		const merged = mergeModels(weights);
		const saved = await saveModel(merged, mergedMetadata(members, merged, request.name));
		post({ type: 'models/imported', id: request.id, model: { id: saved.id, name: saved.name } });
	}
};
