import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { hasShared, repoRoot, shared } from '../shared';

function cli(...args: string[]) {
	const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], {
		cwd: repoRoot,
		encoding: 'utf8',
		maxBuffer: 64 << 20
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli encode', () => {
	it('fails with a usage line without paths', () => {
		const r = cli('encode');
		expect(r.code).toBe(1);
		expect(r.stderr).toMatch(/at least one/);
	});

	it.skipIf(!hasShared())(
		'prints path<TAB>symbols for each kept erk song in sorted order, equal to the fixtures',
		() => {
			const r = cli('encode', shared('corpus/essen/deutschl/erk'));
			expect(r.code).toBe(0);
			const lines = r.stdout.trim().split('\n');
			expect(lines).toHaveLength(1683);
			const paths = lines.map((l) => l.split('\t')[0]);
			expect(paths).toEqual([...paths].sort());
			const dir = shared('fixtures/music21-erk');
			const fixtures = readdirSync(dir)
				.filter((n) => n !== '7')
				.map((n) => readFileSync(join(dir, n), 'utf8').trim())
				.sort();
			expect(lines.map((l) => l.split('\t')[1]).sort()).toEqual(fixtures);
		}
	);
});
