/**
 * `cli generate --abc FILE --musicxml FILE --title TEXT`: every format the page downloads, written by the
 * same writers (formats/abc.ts, formats/musicxml.ts) with what the page gives them: the tune's key in its
 * mode, moved by whole octaves into the voice's range, the upbeat as a pickup, the tempo and the cleaned
 * title. abcjs hears the ABC as the melody's notes; the MusicXML parses with a conformant XML parser and
 * names the title. The output flags are checked before any work, as --out and --kern are.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import abcjs from 'abcjs';
import { SaxesParser } from 'saxes';
import { repoRoot } from '../shared';
import { runCli } from './run';
import { toAbc } from '../../src/lib/formats/abc';
import { toMusicXml } from '../../src/lib/formats/musicxml';
import { toNotes } from '../../src/lib/formats/notes';
import { DEFAULT_BPM, fromMidi } from '../../src/lib/formats/midi';
import { estimateMode, homeKey, keyOf, transposeSymbols, type Key } from '../../src/lib/formats/key';
import { VOICE_RANGES, placeInRange } from '../../src/lib/music/register';
import { parseMeter } from '../../src/lib/music/meter';
import { meta, noteEvents, smf } from '../lib/formats/midi-files';

const DEFAULT = join(repoRoot, 'static/models/default');
const tmp = () => mkdtempSync(join(tmpdir(), 'formats-'));

/** The notes abcjs hears in a tune: MIDI pitch, start and length in 16ths (ties merged). */
function heard(abc: string): { pitch: number; start: number; length: number }[] {
	const [tune] = abcjs.parseOnly(abc);
	const audio = tune.setUpAudio({}) as unknown as {
		tracks: { cmd: string; pitch: number; start: number; duration: number }[][];
	};
	return audio.tracks
		.flat()
		.filter((e) => e.cmd === 'note')
		.map((e) => ({ pitch: e.pitch, start: Math.round(e.start * 16), length: Math.round(e.duration * 16) }));
}

/** The notes of the model's symbols moved by `shift` semitones, as the page shows and plays them. */
function shown(symbols: readonly string[], shift: number) {
	return toNotes(transposeSymbols(symbols, shift)).map((n) => ({
		pitch: n.pitch!,
		start: n.start,
		length: n.length
	}));
}

/** The text of every element named `name` in a well-formed XML document (saxes throws on any fault). */
function xmlText(xml: string, name: string): string[] {
	const parser = new SaxesParser();
	const found: string[] = [];
	let inside = false;
	parser.on('opentag', (t) => (inside = t.name === name));
	parser.on('text', (t) => inside && found.push(t));
	parser.on('closetag', () => (inside = false));
	parser.write(xml).close();
	return found;
}

/** The key the page gives its exports: the tonic in the tune's mode, whole octaves into the voice's range. */
function pageKey(key: Key, symbols: readonly string[], voice: string): Key {
	return placeInRange(key, symbols, VOICE_RANGES[voice]);
}

describe.skipIf(!existsSync(join(DEFAULT, 'model.json')))('cli generate --abc, --musicxml, --title', () => {
	it('writes the ABC and MusicXML the page writes, in the key, mode, voice range and title asked', async () => {
		const dir = tmp();
		const title = 'Dance & <Song>\u000b for 100% “flute”';
		const r = await runCli(
			'generate',
			'--model',
			DEFAULT,
			'--mode',
			'dorian',
			'--key',
			'D minor',
			'--voice',
			'flute',
			'--bpm',
			'96',
			'--bars',
			'4',
			'--random-seed',
			'8',
			'--title',
			title,
			'--abc',
			join(dir, 'tune.abc'),
			'--musicxml',
			join(dir, 'tune.musicxml'),
			'--out',
			join(dir, 'tune.mid'),
			'--json'
		);
		expect(r.code, r.stderr).toBe(0);
		const json = JSON.parse(r.stdout);
		expect(json.files).toEqual(['tune.mid', 'tune.abc', 'tune.musicxml'].map((f) => join(dir, f)));
		const symbols: string[] = json.melodies[0].symbols.split(' ');
		expect(json.melodies[0].mode).toBe('dorian');
		// D Dorian (the tonic of "D minor" in the tune's mode), moved into the flute's range.
		const key = pageKey(keyOf(2, 'dorian'), symbols, 'flute');
		const cleaned = 'Dance & <Song> for 100% “flute”';
		const meter = parseMeter('4/4')!;

		const abc = readFileSync(join(dir, 'tune.abc'), 'utf8');
		expect(abc).toBe(toAbc(symbols, { meter, key, title: cleaned, pickup: 0, bpm: 96 }));
		const [tune] = abcjs.parseOnly(abc);
		// `%` is escaped in T: (it starts a comment); abcjs shows the escaped one as a full-width ％.
		expect(abc).toContain('T:Dance & <Song> for 100\\% “flute”\n');
		expect(tune.metaText.title?.replace('\u200b％', '%')).toBe(cleaned);
		expect(abc).toMatch(/^K:Ddor$/m);
		expect(abc).toMatch(/^Q:1\/4=96$/m);
		expect(heard(abc)).toEqual(shown(symbols, key.shift));
		// The same notes as the MIDI file, whose key placement the CLI already shared with the page.
		const midi = fromMidi(readFileSync(join(dir, 'tune.mid'))).symbols;
		expect(shown(midi, 0)).toEqual(shown(symbols, key.shift));

		const xml = readFileSync(join(dir, 'tune.musicxml'), 'utf8');
		expect(xml).toBe(toMusicXml(symbols, { meter, key, title: cleaned, pickup: 0, bpm: 96 }));
		expect(xmlText(xml, 'work-title')).toEqual([cleaned]);
		expect(xmlText(xml, 'movement-title')).toEqual([cleaned]);
		expect(xmlText(xml, 'mode')).toEqual(['dorian']);
		expect(xmlText(xml, 'fifths')).toEqual(['0']);
	});

	it('a MIDI seed with an upbeat: the files start with the pickup, as the page writes them', async () => {
		const dir = tmp();
		// 3/4, the first note on the third beat: a quarter's upbeat.
		const notes = [67, 72, 71, 69, 67, 65, 64].map(
			(p, i) => [p, 960 + i * 480, 480] as [number, number, number]
		);
		const seed = join(dir, 'upbeat.mid');
		writeFileSync(seed, smf([[...meta.timeSignature(3, 2), ...noteEvents(notes)]]));
		const r = await runCli(
			'generate',
			'--model',
			DEFAULT,
			'--seed-midi',
			seed,
			'--bars',
			'4',
			'--random-seed',
			'2',
			'--abc',
			join(dir, 'tune.abc'),
			'--musicxml',
			join(dir, 'tune.musicxml'),
			'--json'
		);
		expect(r.code, r.stderr).toBe(0);
		const json = JSON.parse(r.stdout);
		expect(json.meter).toBe('3/4');
		const symbols: string[] = json.melodies[0].symbols.split(' ');
		const meter = parseMeter('3/4')!;
		const abc = readFileSync(join(dir, 'tune.abc'), 'utf8');
		// Default title, as in the MIDI and **kern files: the random seed names the tune.
		// Without --key: C major or A minor, as the tune reads.
		const key = homeKey(estimateMode(symbols));
		const expected = { meter, key, title: 'Melody 2', pickup: 4, bpm: DEFAULT_BPM };
		expect(abc).toBe(toAbc(symbols, expected));
		expect(heard(abc)).toEqual(shown(symbols, key.shift));
		const xml = readFileSync(join(dir, 'tune.musicxml'), 'utf8');
		expect(xml).toBe(toMusicXml(symbols, expected));
		// The first bar is the quarter's upbeat: MusicXML's implicit measure 0 lasts 4 sixteenths.
		const upbeat = /<measure number="0" implicit="yes">([\s\S]*?)<\/measure>/.exec(xml);
		expect(upbeat).not.toBeNull();
		const durations = [...upbeat![1].matchAll(/<duration>(\d+)<\/duration>/g)].map((m) => Number(m[1]));
		expect(durations.reduce((a, b) => a + b, 0)).toBe(4);
	});

	it('with several variations, one file each, titled apart', async () => {
		const dir = tmp();
		const r = await runCli(
			'generate',
			'--model',
			DEFAULT,
			'--bars',
			'2',
			'--form',
			'through',
			'--variations',
			'2',
			'--random-seed',
			'4',
			'--title',
			'Reel',
			'--abc',
			join(dir, 'reel.abc'),
			'--musicxml',
			join(dir, 'reel.musicxml')
		);
		expect(r.code, r.stderr).toBe(0);
		const melodies = r.stdout.trim().split('\n');
		expect(melodies).toHaveLength(2);
		for (const [i, file] of ['reel-1', 'reel-2'].entries()) {
			const [tune] = abcjs.parseOnly(readFileSync(join(dir, `${file}.abc`), 'utf8'));
			expect(tune.metaText.title).toBe(`Reel (${i + 1})`);
			expect(xmlText(readFileSync(join(dir, `${file}.musicxml`), 'utf8'), 'work-title')).toEqual([
				`Reel (${i + 1})`
			]);
		}
	});

	it('refuses a bad output or title before any work, with a sentence', async () => {
		const dir = tmp();
		const refused = async (args: string[], message: RegExp) => {
			const r = await runCli('generate', '--model', DEFAULT, ...args);
			expect(r.code).toBe(1);
			const lines = r.stderr.trim().split('\n');
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatch(message);
		};
		const same = join(dir, 'x.abc');
		await refused(['--abc', same, '--musicxml', same], /--abc and --musicxml both write/);
		await refused(['--musicxml', dir], /--musicxml .* is a folder; give a file name/);
		await refused(['--abc', '/proc/x/tune.abc'], /--abc \/proc\/x\/tune\.abc cannot be written/);
		await refused(['--abc', join(dir, 'a.abc'), '--title', '\u0000\u2028 '], /--title needs a name/);
		expect(existsSync(same)).toBe(false);
		expect(existsSync(join(dir, 'a.abc'))).toBe(false);
	});
});
