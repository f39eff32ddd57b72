import { describe, expect, it } from 'vitest';
import abcjs from 'abcjs';
import { toAbc, abcKey } from '../../../src/lib/formats/abc';
import { toNotes } from '../../../src/lib/formats/notes';
import { EXPORT_KEYS, findKey, transposeSymbols } from '../../../src/lib/formats/key';
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
		expect(lines.slice(0, 6)).toEqual(['X:1', 'T:Test tune', 'M:3/4', 'L:1/16', 'Q:1/4=96', 'K:D']);
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

	it.skipIf(!hasShared())('reads back real songs exactly as encoded', async () => {
		const { songs } = await ingest(dropFromPaths([shared('corpus', 'essen', 'deutschl', 'kinder')]));
		for (const song of songs.slice(0, 60)) {
			const meter = parseMeter(song.meter) ?? parseMeter('4/4')!;
			const pickup = song.barPhase ? meter.stepsPerBar - song.barPhase : 0;
			const key = EXPORT_KEYS.find((k) => k.name === 'E♭ major')!;
			const abc = toAbc(song.symbols, { meter, key, pickup, title: song.title });
			expect(heard(abc), song.path).toEqual(shown(song.symbols, key.shift));
		}
	});
});
