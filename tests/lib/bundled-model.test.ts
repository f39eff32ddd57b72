/** The bundled model's folder is spelled once in the code (and once more in the one glob that needs a literal). */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../shared';

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((n) => {
		const p = join(dir, n);
		return statSync(p).isDirectory() ? files(p) : /\.(ts|svelte)$/.test(n) ? [p] : [];
	});
}

// Read from the source: the module itself needs a page (document.baseURI).
const BUNDLED_MODEL_DIR = /export const BUNDLED_MODEL_DIR = '([^']+)'/.exec(
	readFileSync(join(repoRoot, 'src/ui/bundled-model.ts'), 'utf8')
)![1];

describe("the bundled model's URL", () => {
	it('is the folder the repository ships, and the glob that finds it at build time spells the same', () => {
		expect(existsSync(join(repoRoot, 'static', BUNDLED_MODEL_DIR))).toBe(true);
		const library = readFileSync(join(repoRoot, 'src/ui/models/library.svelte.ts'), 'utf8');
		expect(library).toContain(`import.meta.glob('/static/${BUNDLED_MODEL_DIR}model.json')`);
	});

	it('is spelled nowhere else in the page code (comments and command-line help aside)', () => {
		const spelled = files(join(repoRoot, 'src'))
			.filter((f) => !f.endsWith('bundled-model.ts') && !f.includes('/src/cli/'))
			.flatMap((f) =>
				readFileSync(f, 'utf8')
					.split('\n')
					.filter((l) => l.includes(BUNDLED_MODEL_DIR) && !/^\s*(\*|\/\/|\/\*)/.test(l))
					.filter((l) => !l.includes('import.meta.glob('))
					.map((l) => `${relative(repoRoot, f)}: ${l.trim()}`)
			);
		expect(spelled).toEqual([]);
	});
});
