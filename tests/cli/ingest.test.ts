import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasShared, repoRoot, shared } from '../shared';

function cli(...args: string[]) {
	const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], {
		cwd: repoRoot,
		encoding: 'utf8',
		maxBuffer: 64 << 20
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function count(dir: string): number {
	return readdirSync(dir).reduce((n, f) => {
		const p = join(dir, f);
		return n + (statSync(p).isDirectory() ? count(p) : 1);
	}, 0);
}

describe('cli ingest', () => {
	it('fails with one line for a path that does not exist', () => {
		const r = cli('ingest', 'no/such/folder');
		expect(r.code).toBe(1);
		expect(r.stderr.trim().split('\n')).toHaveLength(1);
		expect(r.stderr).toContain('no/such/folder');
	});

	it.skipIf(!hasShared())('prints every file with --json, and the totals add up', () => {
		const dir = shared('corpus/robustness');
		const r = cli('ingest', dir, '--json');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.files).toHaveLength(count(dir));
		const t = out.totals;
		expect(t.kept + t.skipped + t.unreadable).toBe(t.files);
		expect(t.files).toBe(out.files.length);
		for (const f of out.files) {
			expect(['kept', 'skipped', 'unreadable']).toContain(f.status);
			if (f.status === 'kept') expect(f.steps).toBeGreaterThan(0);
			else expect(f.reason).toBeTruthy();
		}
		expect(out.files.find((f: { path: string }) => f.path.endsWith('LICENSE.txt')).status).toBe('skipped');
	});

	it.skipIf(!hasShared())('prints the report and summary as text', () => {
		const r = cli('ingest', shared('corpus/essen/seed-countries'));
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^kept\t.*england1\.krn/m);
		expect(r.stdout).toMatch(/^files \d+: kept \d+, skipped \d+, unreadable \d+$/m);
		expect(r.stdout).toMatch(/^songs \d+, time steps \d+, vocabulary \d+ symbols$/m);
		expect(r.stdout).toMatch(/^keys: /m);
	});
});
