/** The command line on an ABC tune book: one entry per tune in ingest and encode, --keep-key, train. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../shared';
import { runCli } from './run';

const BOOK = join(repoRoot, 'tests/fixtures/abc/features.abc');
const TUNES = (readFileSync(BOOK, 'utf8').match(/^X:/gm) ?? []).length;

describe('cli on ABC', () => {
	it('ingest --json has one entry per tune with path, tune and title, and accounts for every tune', async () => {
		const r = await runCli('ingest', '--json', BOOK);
		expect(r.code).toBe(0);
		const { files, totals } = JSON.parse(r.stdout);
		expect(files).toHaveLength(TUNES);
		expect(totals.kept + totals.skipped + totals.unreadable).toBe(TUNES);
		for (const f of files) {
			expect(f.path).toBe(BOOK);
			expect(typeof f.tune).toBe('number');
			expect(typeof f.title).toBe('string');
		}
		for (const f of files.filter((x: { status: string }) => x.status !== 'kept'))
			expect(f.reason).toMatch(/^X:\d+ ".+": [A-Z]/);
	});

	it('encode --json gives one object per kept tune; --keep-key leaves the written key', async () => {
		const moved = (await runCli('encode', '--json', BOOK)).stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		const kept = JSON.parse((await runCli('ingest', '--json', BOOK)).stdout).totals.kept;
		expect(moved).toHaveLength(kept);
		expect(moved.map((s) => s.tune)).toEqual([1, 2, 3, 4, 5, 9, 10]);
		for (const s of moved) expect(s).toMatchObject({ path: BOOK, title: expect.any(String) });
		const same = (await runCli('encode', '--json', '--keep-key', BOOK)).stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(same.every((s) => s.transposition === 0)).toBe(true);
		// The Mixolydian jig in D: moved down a tone to C unless the key is kept.
		const jig = (list: { tune: number; symbols: string[] }[]) => list.find((s) => s.tune === 2)!.symbols;
		expect(jig(moved).map((x) => (/^\d+$/.test(x) ? String(Number(x) + 2) : x))).toEqual(jig(same));
	});

	it('trains on an ABC book and writes a model', async () => {
		const out = join(mkdtempSync(join(tmpdir(), 'abc-train-')), 'model');
		const r = await runCli(
			'train',
			'--corpus',
			BOOK,
			'--out',
			out,
			'--preset',
			'small',
			'--epochs',
			'1',
			'--units',
			'8',
			'--json'
		);
		expect(r.code, r.stderr).toBe(0);
		expect(existsSync(join(out, 'model.json'))).toBe(true);
	}, 120_000);
});
