/**
 * The MIDI seed reader against the hostile files of issue 25: each gives a seed cut to the bars asked for
 * or a sentence naming the file and what is wrong, within a bound of time and memory; and the sweep over
 * notes gives what reading the line step by step gives.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Midi } from '../../../src/lib/formats/midi';
import {
	MAX_MIDI_SEED_STEPS,
	midiToSeed,
	midiTracks,
	MidiSeedError,
	readMidiNotes
} from '../../../src/lib/formats/midi-in';
import { MAX_MIDI_BYTES, MAX_MIDI_NOTES } from '../../../src/lib/formats/midi-read';
import { MAX_SEED } from '../../../src/lib/generate/settings';
import { bounded, expectSentence } from '../../fuzz/fuzz';
import {
	longNote,
	manyNotes,
	meta,
	noteEvents,
	overflowingDelta,
	SCALE,
	smf,
	twelveNotes,
	type Note
} from './midi-files';

/** The refusal `fn` throws: a MidiSeedError whose message is a sentence. */
function refusal(fn: () => unknown): string {
	try {
		fn();
	} catch (e) {
		expect(e).toBeInstanceOf(MidiSeedError);
		expectSentence((e as Error).message, 'refusal');
		return (e as Error).message;
	}
	throw new Error('no refusal');
}

describe('MIDI seeds from hostile files', () => {
	it('a file of 100,000 notes gives its first bars, read once, in bounded time and memory', async () => {
		const bytes = manyNotes(100_000);
		expect(bytes.length).toBeLessThan(MAX_MIDI_BYTES);
		// The time bound is 100 times what the reading takes on a busy machine; reading it steps × notes took minutes.
		const { value: file, error } = await bounded(() => readMidiNotes(bytes, 'piano.mid'), {
			ms: 10_000,
			mb: 64,
			context: '100,000 notes'
		});
		expect(error).toBeUndefined();
		expect(file!.notes).toBe(100_000);
		const { value: seed } = await bounded(() => midiToSeed(file!, { bars: 2 }), {
			ms: 2000,
			mb: 16,
			context: '2 bars of 100,000 notes'
		});
		// Two bars of the climbing eighths, over the held C3 that never sounds on top.
		const line = Array.from({ length: 16 }, (_, i) => [String(SCALE[i % SCALE.length]), '_']).flat();
		expect(seed!.symbols).toEqual(line);
		expect(seed).toMatchObject({ meter: '4/4', key: 'C major', keyFrom: 'file', chords: 4, hidden: 0 });
		expect(midiTracks(file!)).toEqual([
			{ index: 0, name: 'Piano', notes: 100_000, drums: false, range: [48, 72] }
		]);
		// With no bars asked for, the line is cut at the most a seed holds, and says so.
		const whole = midiToSeed(file!);
		expect(whole.symbols).toHaveLength(MAX_MIDI_SEED_STEPS);
		expect(whole.cut).toBe(true);
		expect(whole.summary).toContain('cut at 100,000 steps, the most a seed holds');
	});

	it('more notes than a file may hold are refused with a sentence', () => {
		const message = refusal(() => readMidiNotes(manyNotes(MAX_MIDI_NOTES + 1), 'huge.mid'));
		expect(message).toBe(
			'“huge.mid” holds more than 100,000 notes: a seed is a few bars, so a file this long is not read. ' +
				'Choose a shorter file.'
		);
		expect(refusal(() => readMidiNotes(new Uint8Array(MAX_MIDI_BYTES + 1), 'big.mid'))).toMatch(
			/^“big\.mid” is 1\.0 MB: a seed is a few bars/
		);
	});

	it('the 37-byte file of one note 2^28 ticks long gives the bars asked for, at once', async () => {
		const bytes = longNote();
		expect(bytes.length).toBe(37);
		const { value: seed, error } = await bounded(() => midiToSeed(bytes, { bars: 2, name: 'long.mid' }), {
			ms: 2000,
			mb: 16,
			context: 'one long note'
		});
		expect(error).toBeUndefined();
		// One note held through two bars of 4/4, moved from its key (found from the one note) to C major.
		expect(seed!.symbols).toHaveLength(32);
		expect(seed!.symbols.slice(1).every((s) => s === '_')).toBe(true);
		expect(Number(seed!.symbols[0]) - 60).toBe(seed!.transposition);
		expect(seed!.cut).toBe(true);
		const { value: whole } = await bounded(() => midiToSeed(bytes), { ms: 2000, mb: 64, context: 'whole' });
		expect(whole!.symbols).toHaveLength(MAX_MIDI_SEED_STEPS);
	});

	it('a file cut in half is reported as cut, not read as its first notes', () => {
		const bytes = twelveNotes();
		expect(midiToSeed(bytes).symbols.filter((s) => s !== '_')).toHaveLength(12);
		expect(refusal(() => readMidiNotes(bytes.subarray(0, bytes.length >> 1), 'tune.mid'))).toBe(
			'“tune.mid” ends in the middle of a track: it seems cut short.'
		);
		// Cut where a track would begin: its header named two.
		const one = smf([noteEvents([[60, 0, 480]])], { declaredTracks: 2 });
		expect(refusal(() => readMidiNotes(one, 'duo.mid'))).toBe(
			'“duo.mid” ends after 1 of the 2 tracks its header names: it seems cut short.'
		);
		expect(refusal(() => readMidiNotes(bytes.subarray(0, 10), 'tune.mid'))).toBe(
			'“tune.mid” ends inside its header: it seems cut short.'
		);
	});

	it('a time value longer than 4 bytes (the 65-byte file) is refused as damaged', async () => {
		const bytes = overflowingDelta();
		expect(bytes.length).toBe(65);
		const { error } = await bounded(() => midiToSeed(bytes, { name: 'odd.mid' }), {
			ms: 2000,
			mb: 16,
			context: 'overflowing time value'
		});
		expect(error).toBeInstanceOf(MidiSeedError);
		// The 5-byte time value begins 11 bytes before the end: 7 of its event, 4 of the end of track.
		expect((error as Error).message).toBe(
			'“odd.mid” holds a time or length longer than MIDI allows (track 1, byte 54): the file seems damaged.'
		);
	});

	it('a time signature of 255/2^255 is refused; one off the 16th grid is named and 4/4 assumed', () => {
		const notes = noteEvents([[60, 0, 480]]);
		expect(
			refusal(() => midiToSeed(smf([[...meta.timeSignature(255, 255), ...notes]]), { name: 'm.mid' }))
		).toBe(
			'“m.mid” has a time signature of 255/2^255, which is no meter (a top number of 1–32 over a whole note ' +
				'to a 64th): the file seems damaged.'
		);
		expect(refusal(() => midiToSeed(smf([[...meta.timeSignature(0, 2), ...notes]])))).toMatch(
			/^This file has a time signature of 0\/4, which is no meter/
		);
		expect(refusal(() => midiToSeed(smf([[...meta.timeSignature(4, 7), ...notes]])))).toMatch(
			/time signature of 4\/128/
		);
		const odd = midiToSeed(smf([[...meta.timeSignature(3, 5), ...notes]]), { bars: 2 });
		expect(odd.meter).toBeUndefined();
		expect(odd.symbols).toEqual(
			['60', '_', '_', '_'].map((s) => (s === '_' ? s : String(60 + odd.transposition)))
		);
		expect(odd.summary).toContain('the file’s meter 3/32 has no bar of whole 16ths (4/4 assumed)');
	});

	it('SMPTE timing and 0 ticks per quarter are named, not called “no notes”', () => {
		const notes = [noteEvents([[60, 0, 40]])];
		expect(refusal(() => midiToSeed(smf(notes, { division: 0xe728 }), { name: 'film.mid' }))).toBe(
			'“film.mid” counts time in SMPTE frames (25 a second), not in beats, so it has no bars or note values ' +
				'to take a seed from. Save it from a notation or sequencer program with its time in beats.'
		);
		expect(refusal(() => midiToSeed(smf(notes, { division: 0 }), { name: 'zero.mid' }))).toBe(
			'“zero.mid” says a quarter note lasts 0 ticks, so its notes have no length: the file seems damaged.'
		);
	});

	it('other damage is named: a byte that is no event, an event past its track, a header too short', () => {
		expect(refusal(() => readMidiNotes(smf([[0x00, 60, 80]])))).toMatch(
			/a byte that belongs to no MIDI event/
		);
		// Header 14 bytes, track header 8: the fourth byte of the events is byte 25 of the file.
		expect(refusal(() => readMidiNotes(smf([[0x00, 0x90, 60, 0x90]])))).toMatch(
			/a byte that belongs to no MIDI event \(track 1, byte 25\)/
		);
		expect(refusal(() => readMidiNotes(smf([[0x00, 0xff, 0x01, 0x20, 65]], { endOfTrack: false })))).toMatch(
			/has an event that runs past the end of its track/
		);
		const short = smf([noteEvents([[60, 0, 480]])]);
		short[7] = 2;
		expect(refusal(() => readMidiNotes(short))).toMatch(/has a header of 2 bytes \(MIDI’s has 6\)/);
		expect(refusal(() => midiToSeed(smf([[...meta.name('Empty')]]), { name: 'empty.mid' }))).toBe(
			'“empty.mid” has no notes.'
		);
	});

	it('each channel of a track is a track of its own, named with its channel', () => {
		const piano = noteEvents([[72, 0, 480]], 0);
		const bass = noteEvents([[36, 0, 480]], 1);
		// Two channels in one track (format 0): the bass events follow the piano's, each with its status.
		const file = readMidiNotes(smf([[...meta.name('Both'), ...piano, ...bass]]));
		expect(midiTracks(file).map((t) => [t.name, t.range])).toEqual([
			['Both, channel 1', [72, 72]],
			['Both, channel 2', [36, 36]]
		]);
		expect(refusal(() => midiToSeed(file, { track: 2 }))).toBe('This file has no track 3 with notes.');
	});

	it('asking for more bars than a seed holds is refused before anything is built', () => {
		expect(refusal(() => midiToSeed(twelveNotes(), { bars: 100_000 }))).toBe(
			'100,000 bars of 3/4 are 1,200,000 steps; a seed holds at most 100,000 steps, so ask for at most 8,333 bars.'
		);
		expect(MAX_MIDI_SEED_STEPS).toBe(MAX_SEED);
	});

	it('reads what @tonejs/midi writes, track names in UTF-8 included', () => {
		const midi = new Midi();
		const track = midi.addTrack();
		track.name = 'Flöte';
		track.addNote({ midi: 67, ticks: 0, durationTicks: 480 });
		const seed = midiToSeed(midi.toArray());
		expect(midiTracks(midi.toArray())[0].name).toBe('Flöte');
		expect(seed.symbols[0]).toBe(String(67 + seed.transposition));
	});
});

/**
 * The highest line read step by step, as the first version did (steps × notes): at each 16th the top
 * sounding note (the first of equal pitches); a note is heard from where it is the top, and a new onset
 * starts a new note even at the same pitch.
 */
function lineByStep(notes: Note[], ppq: number): string[] {
	const grid = notes.map(([pitch, start, length]) => {
		const s = Math.round((4 * start) / ppq);
		return { pitch, start: s, end: Math.max(s + 1, Math.round((4 * (start + length)) / ppq)) };
	});
	const first = Math.min(...grid.map((n) => n.start));
	const last = Math.max(...grid.map((n) => n.end));
	const out: string[] = [];
	let prev: (typeof grid)[number] | null = null;
	for (let t = first; t < last; t++) {
		let top: (typeof grid)[number] | null = null;
		for (const n of grid) if (n.start <= t && t < n.end && (!top || n.pitch > top.pitch)) top = n;
		if (!top)
			out.push(out.length && (out.at(-1) === 'r' || (out.at(-1) === '_' && prev === null)) ? '_' : 'r');
		else out.push(prev && prev.pitch === top.pitch && top.start !== t ? '_' : String(top.pitch));
		prev = top;
	}
	return out;
}

describe('the sweep over notes', () => {
	it('gives the line reading it step by step gives, for chords, overlaps, gaps and notes off the grid', () => {
		const note = fc.tuple(
			fc.integer({ min: 50, max: 80 }),
			fc.integer({ min: 0, max: 60 * 120 }),
			fc.integer({ min: 1, max: 16 * 120 })
		);
		fc.assert(
			fc.property(fc.array(note, { minLength: 1, maxLength: 40 }), (notes) => {
				const sorted = [...notes].sort((a, b) => a[1] - b[1]);
				// One channel cannot hold two notes of one pitch at once: release the earlier one first.
				const clean: Note[] = [];
				for (const n of sorted) {
					const same = clean.filter((m) => m[0] === n[0] && m[1] + m[2] > n[1]);
					for (const m of same) m[2] = n[1] - m[1];
					clean.push([...n]);
				}
				const bytes = smf([noteEvents(clean)]);
				// Pitches are left where they are: no key signature moves them when it says C major.
				const withKey = smf([[...meta.key(0), ...noteEvents(clean)]]);
				expect(midiToSeed(withKey).symbols).toEqual(lineByStep(clean, 480));
				expect(midiToSeed(bytes).symbols.length).toBe(lineByStep(clean, 480).length);
			}),
			{ seed: 25, numRuns: 300 }
		);
	});
});
