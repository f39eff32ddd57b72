/**
 * The one way tests find `../shared` (the Essen corpus and the reference fixtures, which the repository
 * must not carry). Where it is absent — a user's fresh clone — tests that need it are skipped and say so.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of the shared folder, or null when it is not beside the repository. */
export const SHARED: string | null = (() => {
	const candidates = [process.env.FOLK_SHARED, join(repoRoot, '..', 'shared')].filter(Boolean) as string[];
	return candidates.find((p) => existsSync(join(p, 'corpus'))) ?? null;
})();

let warned = false;

/** Path inside the shared folder; call only when `hasShared` is true. */
export function shared(...parts: string[]): string {
	if (!SHARED) throw new Error('../shared is not available');
	return join(SHARED, ...parts);
}

/** True when ../shared is present; otherwise prints once why the tests that need it are skipped. */
export function hasShared(): boolean {
	if (!SHARED && !warned) {
		warned = true;
		console.warn(
			'SKIP: ../shared (Essen corpus and fixtures) is not beside this repository; tests that need it are skipped.'
		);
	}
	return SHARED !== null;
}

export { repoRoot };
