/**
 * The command line against hostile and careless input: every case ends with one clear line (or a report line
 * per file), before any long work, and never hangs, never prints a stack trace or a library's banner.
 */
import { describe, expect, it } from 'vitest';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from './run';
import { hasShared, repoRoot, shared } from '../shared';

const cli = runCli;

const DEFAULT = join(repoRoot, 'static/models/default');
const SONG = join(repoRoot, 'static/demo/deutschl/kinder/kindr001.krn');
const tmp = () => mkdtempSync(join(tmpdir(), 'hostile-'));

/** Exit code 1 and a last line on stderr that says why (progress lines may come before it), no stack trace. */
function refused(r: Awaited<ReturnType<typeof cli>>, message: RegExp) {
	expect(r.code).toBe(1);
	const lines = r.stderr.trim().split('\n');
	expect(lines.at(-1)).toMatch(/^error: /);
	expect(lines.at(-1)).toMatch(message);
	expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
}

describe('cli generate refuses what it cannot do well, before generating', () => {
	it('a length beyond the cap, however it is asked for', async () => {
		refused(
			await cli('generate', '--model', DEFAULT, '--meter', '1000/1', '--bars', '256'),
			/--bars 256 of 1000\/1 is 4,096,000 steps; the most is 100,000, so ask for at most 6 bars/
		);
		refused(
			await cli('generate', '--model', DEFAULT, '--steps', '100001'),
			/--steps must be a whole number of steps from 0 to 100,000, not "100001"/
		);
	});

	it('one file for both outputs, a folder, a path that cannot be written, --model with --keras', async () => {
		const dir = tmp();
		const same = join(dir, 'x.mid');
		refused(
			await cli('generate', '--model', DEFAULT, '--out', same, '--kern', same),
			/--out and --kern both write/
		);
		expect(existsSync(same)).toBe(false);
		refused(
			await cli('generate', '--model', DEFAULT, '--out', dir),
			/--out .* is a folder; give a file name/
		);
		refused(
			await cli('generate', '--model', DEFAULT, '--kern', '/proc/x/melody.krn'),
			/--kern \/proc\/x\/melody\.krn cannot be written/
		);
		refused(
			await cli('generate', '--model', DEFAULT, '--keras', 'model.h5', '--mapping', 'mapping.json'),
			/give --model or --keras, not both/
		);
		// With variations, the numbered files are checked too.
		refused(
			await cli(
				'generate',
				'--model',
				DEFAULT,
				'--variations',
				'2',
				'--out',
				join(dir, 'a.mid'),
				'--kern',
				join(dir, 'a.mid')
			),
			/both write .*a-1\.mid/
		);
	});

	it("keeps Node's hint for a negative number after a space", async () => {
		refused(await cli('generate', '--model', DEFAULT, '--steps', '-5'), /ambiguous.*--steps=-/);
	});

	it('a model whose weights hold NaN is refused, naming it', async () => {
		const dir = tmp();
		for (const f of ['model.json', 'metadata.json', 'weights.bin'])
			copyFileSync(join(DEFAULT, f), join(dir, f));
		const weights = readFileSync(join(dir, 'weights.bin'));
		weights.writeFloatLE(NaN, 400);
		writeFileSync(join(dir, 'weights.bin'), weights);
		refused(
			await cli('generate', '--model', dir, '--steps', '10'),
			new RegExp(`${dir} cannot be loaded: .* not a finite number`)
		);
		refused(await cli('eval', '--model', dir, '--corpus', SONG), /not a finite number/);
	});
});

describe('cli train checks --out before training', () => {
	it('an existing file, a path under /proc (where mkdir would hang), an unwritable place', async () => {
		const dir = tmp();
		const file = join(dir, 'model');
		writeFileSync(file, 'x');
		const runs = [
			await cli('train', '--corpus', SONG, SONG, '--out', file),
			await cli('train', '--corpus', SONG, SONG, '--out', '/proc/x'),
			await cli('train', '--corpus', SONG, SONG, '--out', join(file, 'sub'))
		];
		refused(runs[0], /--out .*model is a file; give a folder/);
		refused(runs[1], /--out \/proc\/x cannot be created/);
		refused(runs[2], /is a file, not a folder/);
		// All refused before any training: no trainer was set up, no epoch ran.
		for (const r of runs) expect(r.stdout + r.stderr).not.toMatch(/batches per epoch|epoch \d/);
	});

	it('--clip beyond float32 and a bad seed are refused up front', async () => {
		refused(
			await cli('train', '--corpus', SONG, '--out', join(tmp(), 'm'), '--clip', '1e308'),
			/--clip must be a number from 0 to 1000/
		);
		refused(
			await cli('train', '--corpus', SONG, '--out', join(tmp(), 'm'), '--seed=-3'),
			/seed must be a whole number/
		);
	});
});

describe('cli eval', () => {
	it('refuses a batch size that is not a positive whole number with a sentence', async () => {
		for (const b of ['0', '-1', 'abc', '2.5'])
			refused(
				await cli('eval', '--model', DEFAULT, '--corpus', SONG, `--batch=${b}`),
				/--batch must be a whole number from 1 to 4096/
			);
	});

	it('a Keras mapping in the wrong order: the warning is on stderr and in the JSON, with --json too', async (t) => {
		if (!hasShared()) return t.skip('../shared (the Keras fixture) is not available');
		const d = shared('fixtures', 'seed-keras');
		const mapping = JSON.parse(readFileSync(join(d, 'mapping.json'), 'utf8')) as Record<string, number>;
		const n = Object.keys(mapping).length;
		const shuffled = join(tmp(), 'mapping.json');
		writeFileSync(
			shuffled,
			JSON.stringify(Object.fromEntries(Object.entries(mapping).map(([s, i]) => [s, n - 1 - i])))
		);
		const run = (file: string, ...more: string[]) =>
			cli(
				'eval',
				'--keras',
				join(d, 'model.h5'),
				'--mapping',
				file,
				'--corpus',
				SONG,
				'--backend',
				'cpu',
				...more
			);
		const warning = /not in the order the model was trained with/;
		// --json silences progress lines, never a warning (text output wrote it to stderr all along).
		const r = await run(shuffled, '--json');
		expect(r.code).toBe(0);
		const lines = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(warning);
		expect(lines[0]).toContain('mapping.json');
		const out = JSON.parse(r.stdout) as { warnings: string[] };
		expect(out.warnings).toEqual([lines[0].slice('warning: '.length)]);
		// generate --json too: on stderr and in its JSON.
		const generated = await cli(
			'generate',
			'--keras',
			join(d, 'model.h5'),
			'--mapping',
			shuffled,
			'--steps',
			'8',
			'--json'
		);
		expect(generated.code).toBe(0);
		expect(generated.stderr).toMatch(/^warning: .*not in the order the model was trained with/m);
		const generatedWarnings = (JSON.parse(generated.stdout) as { warnings: string[] }).warnings;
		expect(generatedWarnings).toHaveLength(1);
		expect(generatedWarnings[0]).toMatch(warning);
		// The mapping written with the model: no warning anywhere.
		const right = await run(join(d, 'mapping.json'), '--json');
		expect(right.code).toBe(0);
		expect(right.stderr).not.toMatch(/warning/);
		expect((JSON.parse(right.stdout) as { warnings: string[] }).warnings).toEqual([]);
	});
});

describe('cli ingest', () => {
	it('escapes control characters in file names: a TAB or newline cannot forge a report line', async () => {
		const dir = tmp();
		const song = readFileSync(SONG);
		writeFileSync(join(dir, 'a\tkept\tfake.krn'), song);
		writeFileSync(join(dir, 'b\nkept\tinjected.krn'), song);
		const r = await cli('ingest', dir);
		expect(r.code).toBe(0);
		const lines = r.stdout.split('\n').filter((l) => l.startsWith('kept'));
		expect(lines).toHaveLength(2);
		for (const l of lines) expect(l.split('\t')).toHaveLength(3);
		expect(r.stdout).toContain('a\\tkept\\tfake.krn');
		expect(r.stdout).toContain('b\\nkept\\tinjected.krn');
	});

	it('skips links that loop or dangle with a report line, and keeps every good file', async () => {
		const dir = tmp();
		mkdirSync(join(dir, 'songs'));
		copyFileSync(SONG, join(dir, 'songs', 'good.krn'));
		symlinkSync(join(dir, 'songs', 'self.krn'), join(dir, 'songs', 'self.krn'));
		symlinkSync(join(dir, 'nowhere.krn'), join(dir, 'songs', 'dangling.krn'));
		symlinkSync(dir, join(dir, 'songs', 'loop'));
		const r = await cli('ingest', dir, '--json');
		expect(r.code).toBe(0);
		const { files, totals } = JSON.parse(r.stdout) as {
			files: { path: string; status: string; reason?: string }[];
			totals: { kept: number };
		};
		const by = (name: string) => files.find((f) => f.path.endsWith(name));
		expect(totals.kept).toBe(1);
		expect(by('good.krn')?.status).toBe('kept');
		expect(by('self.krn')).toMatchObject({
			status: 'skipped',
			reason: expect.stringMatching(/leads back to itself/)
		});
		expect(by('dangling.krn')).toMatchObject({
			status: 'skipped',
			reason: expect.stringMatching(/link to .*nowhere\.krn, which does not exist/)
		});
		expect(by('loop')).toMatchObject({
			status: 'skipped',
			reason: expect.stringMatching(/already read \(a link loop\)/)
		});
	});
});

describe('the command line as a program', () => {
	it('prints no TensorFlow.js banner: only what its user asked for', () => {
		const out = join(tmp(), 'm');
		const r = spawnSync(
			'npx',
			[
				'tsx',
				'src/cli/main.ts',
				'train',
				'--corpus',
				join(repoRoot, 'static/demo/deutschl/kinder'),
				'--out',
				out,
				'--epochs',
				'1',
				'--units',
				'8',
				'--max-batches',
				'2',
				'--backend',
				'cpu',
				'--val',
				'0'
			],
			{ cwd: repoRoot, encoding: 'utf8', timeout: 120_000 }
		);
		expect(r.status).toBe(0);
		expect(r.stderr).not.toMatch(/Hi, looks like you are running TensorFlow\.js/);
		expect(r.stderr).not.toMatch(/={10}/);
		expect(existsSync(join(out, 'weights.bin'))).toBe(true);
	});
});
