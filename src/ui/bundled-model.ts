/**
 * The bundled model (`static/models/default/`, served beside the page): its folder is spelled here only.
 * `import.meta.glob` in `models/library.svelte.ts` must spell it again (a glob takes a literal);
 * `tests/lib/bundled-model.test.ts` holds the two together.
 */
export const BUNDLED_MODEL_DIR = 'models/default/';

/** The absolute URL of the bundled model's folder, or of one of its files, as this page resolves it. */
export function bundledModelUrl(file = ''): string {
	return new URL(BUNDLED_MODEL_DIR + file, document.baseURI).href;
}
