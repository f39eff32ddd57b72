/**
 * What the three stages share: the chosen corpus and model. Each stage owns the rest of its state.
 */
export const app = $state({
	/** Id of the corpus chosen in step 1 (stored in IndexedDB), or null. */
	corpusId: null as string | null,
	/** Id of the model chosen for generation (stored, or the bundled default), or null. */
	modelId: null as string | null,
	/** Set while a training run is active, so updates never reload the page under it. */
	training: false
});
