import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../shared';

/** Runs the command line as a user would and returns its exit code and output. */
export function cli(...args: string[]) {
	const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: repoRoot, encoding: 'utf8' });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('command line', () => {
	it('prints its version, plain and as JSON', () => {
		const plain = cli('--version');
		expect(plain.code).toBe(0);
		expect(plain.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
		const json = cli('--version', '--json');
		expect(JSON.parse(json.stdout).version).toBe(plain.stdout.trim());
	});

	it('lists its commands with --help', () => {
		const r = cli('--help');
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('usage:');
	});

	it('fails with exit code 1 and one line on stderr for an unknown command', () => {
		const r = cli('no-such-command');
		expect(r.code).toBe(1);
		expect(r.stderr.trim().split('\n')).toHaveLength(1);
		expect(r.stderr).toContain('no-such-command');
	});
});
