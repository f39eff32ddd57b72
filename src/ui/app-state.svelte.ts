/**
 * What the stages share: the chosen corpus and model, and whether a run trains. A choice the user made
 * (not one the page made for them) is remembered, so a returning user lands where they left off.
 */
import { recall, remember } from './remember';

const remembered = recall('app', { corpusId: null as string | null, modelId: null as string | null });

export const app = $state({
	/** Id of the corpus chosen for training (stored in IndexedDB), or null. */
	corpusId: remembered.corpusId,
	/** Id of the model chosen for generation (stored, or the bundled default), or null. */
	modelId: remembered.modelId,
	/** Set while a training run is active, so updates never reload the page under it. */
	training: false
});

function save() {
	remember('app', { corpusId: app.corpusId, modelId: app.modelId });
}

/** The user (or a run they started) chose this model: use it now and on the next visit. */
export function chooseModel(id: string | null): void {
	app.modelId = id;
	save();
}

/** The user chose (or imported) this corpus: use it now and on the next visit. */
export function chooseCorpus(id: string | null): void {
	app.corpusId = id;
	save();
}
