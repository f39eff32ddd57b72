/**
 * The command line on an ABC tune book (one entry per tune in ingest and encode, --keep-key, train), on
 * a folder of MusicXML and MIDI files beside kern, --midi-track, and the erk corpus round trip through ABC
 * into an LSTM.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasShared, repoRoot } from '../shared';
import { runCli } from './run';
import { abcBook, erkDir, erkSongs } from '../lib/corpus/erk-abc';
import { toMusicXml } from '../../src/lib/formats/musicxml';
import { toMidi } from '../../src/lib/formats/midi';
import { findKey } from '../../src/lib/formats/key';

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

	it('reads a folder of MusicXML and MIDI files beside kern; --keep-key keeps each file’s key', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'formats-'));
		const tune = '60 _ 62 _ 64 _ 65 _ 67 _ _ _ 72 _ _ _'.split(' ');
		const key = findKey('G major')!;
		writeFileSync(join(dir, 'a.musicxml'), toMusicXml(tune, { key, title: 'In G' }));
		writeFileSync(join(dir, 'b.mid'), toMidi(tune, { key }));
		writeFileSync(join(dir, 'c.krn'), '**kern\n*M2/4\n*G:\n4g\n4a\n=\n2b\n*-\n');
		const { files, totals } = JSON.parse((await runCli('ingest', '--json', dir)).stdout);
		expect(files.map((f: { format?: string }) => f.format ?? 'kern')).toEqual(['musicxml', 'midi', 'kern']);
		expect(totals.kept).toBe(3);
		const encode = async (...flags: string[]) =>
			(await runCli('encode', '--json', ...flags, dir)).stdout
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l) as { transposition: number; symbols: string[] });
		const moved = await encode();
		// G major from the score's key and the file's key signature (the kern file's key is estimated).
		expect(moved.slice(0, 2).map((s) => s.transposition)).toEqual([-7, -7]);
		expect(moved[0].symbols).toEqual(tune);
		expect(moved[1].symbols).toEqual(tune);
		const kept = await encode('--keep-key');
		expect(kept.map((s) => s.transposition)).toEqual([0, 0, 0]);
		expect(kept[0].symbols[0]).toBe('67');
	});

	it('--midi-track N takes that track of every MIDI file (ingest, encode, train); a bad N is a usage error', async () => {
		const jig = join(repoRoot, 'tests/fixtures/midi/AchreidhJigThe.mid');
		const auto = JSON.parse((await runCli('ingest', '--json', jig)).stdout).files[0];
		expect(auto).toMatchObject({ status: 'kept', track: 1 });
		expect(auto.tracks).toHaveLength(3);
		const second = JSON.parse((await runCli('ingest', '--json', '--midi-track', '2', jig)).stdout).files[0];
		expect(second).toMatchObject({ status: 'kept', track: 2 });
		expect(second.reason).toMatch(/^Melody from track 2 .*\(as chosen\)/);
		const symbols = async (...flags: string[]) =>
			JSON.parse((await runCli('encode', '--json', ...flags, jig)).stdout.trim()).symbols as string[];
		expect(await symbols('--midi-track', '2')).not.toEqual(await symbols());
		const missing = JSON.parse((await runCli('ingest', '--json', '--midi-track', '9', jig)).stdout);
		expect(missing.totals).toMatchObject({ kept: 0, skipped: 1 });
		expect(missing.files[0].reason).toMatch(/has no track 9 with notes; its tracks with notes are 1 /);
		const bad = await runCli('ingest', '--midi-track', '0', jig);
		expect(bad.code).not.toBe(0);
		expect(bad.stderr).toMatch(/--midi-track takes a track number from 1 to 256/);
		// train reads the flag as ingest does (a bad one refused before any work).
		const out = join(mkdtempSync(join(tmpdir(), 'midi-track-')), 'model');
		const train = await runCli('train', '--corpus', jig, '--out', out, '--midi-track', 'two');
		expect(train.stderr).toMatch(/--midi-track takes a track number/);
		expect(existsSync(out)).toBe(false);
	});

	it.skipIf(!hasShared())(
		'a kern corpus written as one ABC book trains an LSTM to the same held-out loss (within 1 %)',
		async () => {
			const dir = erkDir();
			// The whole corpus as one ABC book, in the same order, one tune per song.
			const book = abcBook(await erkSongs());
			const tmp = mkdtempSync(join(tmpdir(), 'abc-lstm-'));
			writeFileSync(join(tmp, 'erk.abc'), book);
			// The same small model, seed and held-out share on both; three epochs, no early stop.
			const valLoss = async (corpus: string, out: string) => {
				const r = await runCli(
					'train',
					'--corpus',
					corpus,
					'--out',
					join(tmp, out),
					'--preset',
					'small',
					'--epochs',
					'3',
					'--patience',
					'0',
					'--seed',
					'1',
					'--json'
				);
				expect(r.code, r.stderr).toBe(0);
				const history = JSON.parse(r.stdout).history as { valLoss: number; targets: number }[];
				return history[history.length - 1];
			};
			const fromKern = await valLoss(dir, 'kern');
			const fromAbc = await valLoss(join(tmp, 'erk.abc'), 'abc');
			expect(fromAbc.targets).toBe(fromKern.targets);
			expect(Math.abs(fromAbc.valLoss - fromKern.valLoss) / fromKern.valLoss).toBeLessThan(0.01);
		},
		600_000
	);
});
