import { describe, expect, it } from 'vitest';
import { Midi } from '@tonejs/midi';
import { fromMidi, toMidi } from '../../../src/lib/formats/midi';
import { parseMeter } from '../../../src/lib/music/meter';
import { keyOf } from '../../../src/lib/music/key';
import { toNotes } from '../../../src/lib/formats/notes';
import { hasShared } from '../../shared';
import { erkSongs } from './fixtures';

describe('MIDI export and import', () => {
	const melody = '67 _ 67 _ 67 _ _ 65 64 _ r _ r 62 _ _ _ 60 r _'.split(' ');

	it('writes tempo, time signature, track name and one note per run', () => {
		const bytes = toMidi(melody, { bpm: 90, meter: parseMeter('3/4')!, name: 'Test tune' });
		const midi = new Midi(bytes);
		expect(midi.header.tempos[0].bpm).toBeCloseTo(90, 3);
		expect(midi.header.timeSignatures[0].timeSignature).toEqual([3, 4]);
		expect(midi.tracks[0].name).toBe('Test tune');
		expect(midi.tracks[0].notes.map((n) => n.midi)).toEqual(toNotes(melody).map((n) => n.pitch));
		const sixteenth = midi.header.ppq / 4;
		expect(midi.tracks[0].notes.map((n) => n.durationTicks / sixteenth)).toEqual(
			toNotes(melody).map((n) => n.length)
		);
		// 90 quarter notes a minute: the first note (3 sixteenths) lasts half a second.
		expect(midi.tracks[0].notes[1].time).toBeCloseTo((2 * 60) / 90 / 4, 6);
	});

	it('reads its own file back to the same symbols, tempo, meter and name', () => {
		const back = fromMidi(toMidi(melody, { bpm: 90, meter: parseMeter('6/8')!, name: 'Round' }));
		expect(back.symbols).toEqual(melody);
		expect(back.bpm).toBe(90);
		expect(back.meter.stepsPerBar).toBe(12);
		expect(back.name).toBe('Round');
	});

	it('moves every note by the transposition', () => {
		const back = fromMidi(toMidi(melody, { transpose: 7 }));
		expect(back.symbols).toEqual(melody.map((s) => (/^\d+$/.test(s) ? String(Number(s) + 7) : s)));
	});

	it('reads a file from elsewhere with one rest per gap, rounded to 16ths', () => {
		const midi = new Midi();
		const track = midi.addTrack();
		const q = midi.header.ppq;
		track.addNote({ midi: 60, ticks: 0, durationTicks: q - 10 });
		track.addNote({ midi: 64, ticks: 2 * q + 5, durationTicks: q / 2 });
		track.addNote({ midi: 67, ticks: 2 * q + 5, durationTicks: q / 2 });
		expect(fromMidi(midi.toArray()).symbols).toEqual(['60', '_', '_', '_', 'r', '_', '_', '_', '67', '_']);
	});

	it.skipIf(!hasShared())('gives back erk songs exactly, rests and trailing rests included', () => {
		const songs = erkSongs(4);
		expect(songs.length).toBeGreaterThan(400);
		for (const song of songs) expect(fromMidi(toMidi(song)).symbols).toEqual(song);
	});
});

describe('MIDI export: what a player and a notation program read', () => {
	const melody = '69 _ 72 _ 76 _ 74 _ 72 _ 71 _ 69 _ _ _'.split(' ');

	it('writes the key signature of the chosen key, minor for minor-like modes, and moves the notes there', () => {
		for (const [tonic, mode] of [
			[10, 'major'],
			[2, 'dorian'],
			[4, 'minor'],
			[7, 'mixolydian'],
			[6, 'major'],
			[3, 'minor']
		] as const) {
			const key = keyOf(tonic, mode);
			const midi = new Midi(toMidi(melody, { key, bpm: 84, meter: parseMeter('6/8')!, program: 21 }));
			const [signature] = midi.header.keySignatures;
			const fifths = [
				'Cb',
				'Gb',
				'Db',
				'Ab',
				'Eb',
				'Bb',
				'F',
				'C',
				'G',
				'D',
				'A',
				'E',
				'B',
				'F#',
				'C#'
			].indexOf(signature.key);
			expect(fifths - 7, key.name).toBe(key.fifths);
			expect(signature.scale, key.name).toBe(mode === 'major' || mode === 'mixolydian' ? 'major' : 'minor');
			expect(midi.header.tempos[0].bpm).toBeCloseTo(84, 3);
			expect(midi.header.timeSignatures[0].timeSignature).toEqual([6, 8]);
			expect(midi.tracks[0].instrument.number).toBe(21);
			expect(midi.tracks[0].channel).not.toBe(9);
			expect(midi.tracks[0].notes.map((n) => n.midi)).toEqual(
				toNotes(melody).map((n) => n.pitch! + key.shift)
			);
		}
		// No key chosen: no signature, the notes as written, the piano (the page's first voice).
		const plain = new Midi(toMidi(melody));
		expect(plain.header.keySignatures).toEqual([]);
		expect(plain.tracks[0].instrument.number).toBe(0);
	});

	it('writes names as UTF-8 that read back equal, with control characters gone', () => {
		const name = '茉莉花 – “Jasmine” 🎵 Ça';
		const bytes = toMidi(melody, { name });
		expect(fromMidi(bytes).name).toBe(name);
		// The track name's bytes are the UTF-8 of the name (what any MIDI reader sees).
		const utf8 = new TextEncoder().encode(name);
		const at = Buffer.from(bytes).indexOf(Buffer.from(utf8));
		expect(at).toBeGreaterThan(0);
		expect(bytes[at - 1]).toBe(utf8.length);
		expect(fromMidi(toMidi(melody, { name: 'a\u0000b\u000bc\u2028d\ufeff' })).name).toBe('a b c d');
		// A file from elsewhere with a Latin-1 name still reads.
		const other = new Midi();
		other.addTrack().name = 'Caf\u00e9';
		other.tracks[0].addNote({ midi: 60, ticks: 0, durationTicks: 480 });
		expect(fromMidi(other.toArray()).name).toBe('Café');
	});
});
