import { describe, expect, it } from 'vitest';
import abcjs from 'abcjs';
import { abcKey, abcLength, beatLength, toAbc } from '../../../src/lib/formats/abc';
import { toNotes } from '../../../src/lib/formats/notes';
import { EXPORT_KEYS, findKey, keyOf, MODES, transposeSymbols } from '../../../src/lib/formats/key';
import { parseMeter } from '../../../src/lib/music/meter';
import { ingest } from '../../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../../src/cli/files';
import { hasShared, shared } from '../../shared';

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

/** The notes a melody shows, moved to `shift` semitones. */
function shown(symbols: string[], shift = 0) {
	return toNotes(transposeSymbols(symbols, shift)).map((n) => ({
		pitch: n.pitch!,
		start: n.start,
		length: n.length
	}));
}

// Chromatic notes both ways within a bar, a note tied over two barlines, rests of odd lengths, a leap
// over two octaves, the vocabulary's lowest and highest pitches.
const melody = (
	'67 _ _ _ 68 _ 67 _ 66 _ 67 _ 70 _ _ _ ' +
	'71 _ 70 _ 71 _ _ _ _ _ _ _ _ _ _ _ ' +
	'_ _ _ _ _ r _ _ _ _ 45 _ 84 _ _ _ ' +
	'61 63 _ 61 _ 63 66 _ r 60 _ _ _ _ _ _'
).split(' ');

describe('ABC export', () => {
	it('writes the headers and bars musicians expect', () => {
		const abc = toAbc(melody, {
			meter: parseMeter('3/4')!,
			key: findKey('D major'),
			title: 'Test tune',
			bpm: 96,
			pickup: 4
		});
		const lines = abc.trim().split('\n');
		expect(lines.slice(0, 6)).toEqual(['X:1', 'T:Test tune', 'M:3/4', 'L:1/8', 'Q:1/4=96', 'K:D']);
		expect(abc.trim().endsWith('|]')).toBe(true);
		const [tune] = abcjs.parseOnly(abc);
		expect(tune.metaText.title).toBe('Test tune');
		expect(tune.getMeter()).toMatchObject({ type: 'specified', value: [{ num: '3', den: '4' }] });
		expect(tune.getKeySignature()).toMatchObject({ root: 'D', mode: '' });
		expect(abcKey(findKey('B♭ minor')!)).toBe('Bbm');
	});

	it('is read back by abcjs as exactly the shown notes, in every key, meter and upbeat', () => {
		for (const key of EXPORT_KEYS)
			for (const [meter, pickup] of [
				['4/4', 0],
				['3/4', 4],
				['6/8', 2],
				['2/2', 12]
			] as const) {
				const abc = toAbc(melody, { meter: parseMeter(meter)!, key, pickup });
				expect(heard(abc), `${key.name} ${meter}\n${abc}`).toEqual(shown(melody, key.shift));
			}
	});

	it('writes lengths in eighths, beamed by beat, ties across barlines', () => {
		expect([1, 2, 3, 4, 6, 8, 12, 16].map(abcLength)).toEqual(['/', '', '3/2', '2', '3', '4', '6', '8']);
		expect(
			['2/4', '3/4', '4/4', '2/2', '6/8', '9/8', '3/8', '5/8'].map((m) => beatLength(parseMeter(m)!))
		).toEqual([4, 4, 4, 8, 6, 6, 6, 4]);
		const body = (abc: string) => abc.split('\n').filter((l) => l && !/^[A-Z]:/.test(l));
		// 2/4: a quarter, two eighths | a dotted eighth and a sixteenth, a quarter tied into the next bar.
		const tune = '60 _ _ _ 62 _ 64 _ 65 _ _ 67 69 _ _ _ _ _ _ _'.split(' ');
		expect(body(toAbc(tune, { meter: parseMeter('2/4')!, key: findKey('C major') }))).toEqual([
			'C2 DE | F3/2G/ A2- | A2 |]'
		]);
		// 6/8: the beat is a dotted quarter, three eighths beamed together.
		const jig = '60 _ 62 _ 64 _ 65 _ _ _ 64 _ 62 _ _ _ _ _ 60 _ _ _ _ _'.split(' ');
		expect(body(toAbc(jig, { meter: parseMeter('6/8')!, key: findKey('C major') }))).toEqual([
			'CDE F2E | D3 C3 |]'
		]);
	});

	it('names the key with its mode, and the title with % and \\ escaped', () => {
		expect(abcKey(keyOf(2, 'dorian'))).toBe('Ddor');
		expect(abcKey(keyOf(10, 'major'))).toBe('Bb');
		expect(abcKey(keyOf(7, 'mixolydian'))).toBe('Gmix');
		expect(abcKey(keyOf(4, 'minor'))).toBe('Em');
		for (const mode of MODES)
			for (let tonic = 0; tonic < 12; tonic++) {
				const key = keyOf(tonic, mode);
				const abc = toAbc(melody, { key, title: '100% C:\\tunes\nX:2' });
				expect(abc).toContain('T:100\\% C:\\\\tunes X:2\n');
				// abcjs reads the key signature the mode implies, and the notes as the melody, moved.
				const [tune] = abcjs.parseOnly(abc);
				const flats = (tune.getKeySignature().accidentals ?? []).filter((a) => a.acc === 'flat').length;
				const sharps = (tune.getKeySignature().accidentals ?? []).filter((a) => a.acc === 'sharp').length;
				expect(sharps - flats, key.name).toBe(key.fifths);
				expect(heard(abc), key.name).toEqual(shown(melody, key.shift));
			}
	});

	it.skipIf(!hasShared())(
		'reads back real songs exactly as encoded, German and Chinese, in every meter',
		async () => {
			const { songs } = await ingest(
				dropFromPaths([
					shared('corpus', 'essen', 'deutschl', 'kinder'),
					shared('corpus', 'essen', 'other', 'asia-china-natmin')
				])
			);
			const meters = new Set<string>();
			const picked = songs.filter((_, i) => i % 3 === 0);
			expect(picked.length).toBeGreaterThan(80);
			picked.forEach((song, i) => {
				const meter = parseMeter(song.meter) ?? parseMeter('4/4')!;
				meters.add(song.meter ?? '4/4');
				const pickup = song.barPhase ? meter.stepsPerBar - song.barPhase : 0;
				const key = keyOf(i % 12, MODES[i % MODES.length]);
				const abc = toAbc(song.symbols, { meter, key, pickup, title: song.title });
				expect(abc).toContain('\nL:1/8\n');
				expect(heard(abc), `${song.path} in ${key.name}\n${abc}`).toEqual(shown(song.symbols, key.shift));
			});
			expect(meters.size).toBeGreaterThan(2);
		}
	);
});
