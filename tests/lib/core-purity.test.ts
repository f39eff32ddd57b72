import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../shared';

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((n) => {
		const p = join(dir, n);
		return statSync(p).isDirectory() ? files(p) : [p];
	});
}

describe('src/lib is the framework-free core', () => {
	const core = files(join(repoRoot, 'src/lib'));

	it('holds only TypeScript (no Svelte components)', () => {
		// Besides .ts: the WebAssembly text a .ts file embeds as bytes (model/matvec.wat, checked by a test).
		expect(core.filter((f) => !f.endsWith('.ts') && !f.endsWith('.wat'))).toEqual([]);
	});

	it('imports neither svelte nor $app, and touches no DOM global', () => {
		const bad: string[] = [];
		for (const f of core) {
			const src = readFileSync(f, 'utf8');
			if (/from\s+['"](svelte|svelte\/[^'"]*|\$app\/[^'"]*)['"]/.test(src))
				bad.push(`${f}: imports svelte or $app`);
			if (
				/\b(document|window|localStorage|HTMLElement)\s*[.[(]/.test(
					src.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')
				)
			)
				bad.push(`${f}: uses a DOM global`);
		}
		expect(bad).toEqual([]);
	});
});
