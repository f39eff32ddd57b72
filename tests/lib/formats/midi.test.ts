import { describe, expect, it } from 'vitest';
import { Midi } from '@tonejs/midi';
import { fromMidi, toMidi } from '../../../src/lib/formats/midi';
import { parseMeter } from '../../../src/lib/music/meter';
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
