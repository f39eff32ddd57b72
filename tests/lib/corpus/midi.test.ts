import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ToneMidi from '@tonejs/midi';
import { ingest, type DroppedFile } from '../../../src/lib/corpus/ingest';
import { processMidi } from '../../../src/lib/corpus/midi';
import { DEFAULT_ENCODE_OPTIONS } from '../../../src/lib/encoding/song';
import { midiKey } from '../../../src/lib/notation/midi-in';
import { toMidi } from '../../../src/lib/formats/midi';
import { midiToSeed, midiTracks } from '../../../src/lib/formats/midi-in';
import { toNotes } from '../../../src/lib/formats/notes';
import { findKey } from '../../../src/lib/formats/key';
import { DEFAULT_METER, parseMeter } from '../../../src/lib/music/meter';
import { hasShared, repoRoot, shared } from '../../shared';
import { twelveNotes } from '../formats/midi-files';

const drop = (path: string, b: Uint8Array): DroppedFile => ({ path, size: b.length, read: () => b });
const notesOf = (symbols: string[]) =>
	toNotes(symbols)
		.filter((n) => n.pitch !== null)
		.map(({ pitch, start, length }) => ({ pitch, start, length }));

/** A file of tracks given as [pitch, start, length] in 16ths (ppq 480), in 3/4 with no key signature. */
function file(
	tracks: { name: string; channel?: number; notes: [number, number, number][] }[],
	offGrid = 0
): Uint8Array {
	const midi = new ToneMidi.Midi();
	midi.header.timeSignatures.push({ ticks: 0, timeSignature: [3, 4] });
	for (const t of tracks) {
		const track = midi.addTrack();
		track.name = t.name;
		track.channel = t.channel ?? 0;
		for (const [pitch, start, length] of t.notes)
			track.addNote({
				midi: pitch,
				ticks: start * 120 + offGrid,
				durationTicks: length * 120,
				velocity: 0.8
			});
	}
	return midi.toArray();
}

describe('MIDI files in a corpus import', () => {
	it('reads the app’s own MIDI export of real kern songs back note for note', async () => {
		const dir = hasShared()
			? shared('corpus/essen/deutschl/erk')
			: join(repoRoot, 'static/demo/deutschl/kinder');
		const files = readdirSync(dir)
			.filter((f) => f.endsWith('.krn'))
			.sort()
			.slice(0, 200);
		const kern = await ingest(files.map((f) => drop(f, new Uint8Array(readFileSync(join(dir, f))))));
		expect(kern.songs.length).toBeGreaterThan(hasShared() ? 150 : 5);
		for (const s of kern.songs) {
			const minor = s.key === s.key?.toLowerCase();
			const key = findKey(minor ? 'E minor' : 'G major')!;
			const bytes = toMidi(s.symbols, { meter: parseMeter(s.meter) ?? DEFAULT_METER, key });
			const back = processMidi(`${s.path}.mid`, bytes);
			expect(back.report.status, `${s.path}: ${back.report.reason}`).toBe('kept');
			// The export starts on the first note; leading rests are not notes.
			const first = s.symbols.findIndex((x) => x !== 'r' && x !== '_');
			const want = notesOf(s.symbols).map((n) => ({ ...n, start: n.start - first }));
			expect(notesOf(back.song!.symbols), s.path).toEqual(want);
			expect(back.song!.transposition).toBe(minor ? 5 : -7);
		}
	});

	it('takes the monophonic track with the most notes, leaves drums out, and reads meter and key', () => {
		const chords: [number, number, number][] = [];
		for (let i = 0; i < 8; i++) chords.push([50, i * 4, 4], [54, i * 4, 4], [57, i * 4, 4]);
		const drums: [number, number, number][] = Array.from({ length: 40 }, (_, i) => [36, i, 1]);
		const bytes = file([
			{ name: 'Piano', notes: chords },
			{ name: 'Drums', channel: 9, notes: drums },
			{
				name: 'Fiddle',
				notes: [
					[74, 0, 4],
					[76, 4, 2],
					[78, 6, 2],
					[79, 8, 4]
				]
			}
		]);
		const r = processMidi('set/tune.mid', bytes, { keepKey: true, quantizeTuplets: false });
		expect(r.report).toMatchObject({ status: 'kept', format: 'midi' });
		expect(r.report.reason).toMatch(/^Melody from track 3 “Fiddle” \(the most notes of 1 monophonic track\)/);
		expect(r.song?.symbols.join(' ')).toBe('74 _ _ _ 76 _ 78 _ 79 _ _ _');
		expect(r.song).toMatchObject({ meter: '3/4', keyEstimated: true, transposition: 0 });
		expect(midiKey(-3, true)).toEqual({ name: 'c', mode: 'minor', tonicMidi: 60 });
	});

	it('puts notes off the grid onto it and says how many moved; a damaged file is unreadable with a sentence', async () => {
		const r = processMidi(
			'late.mid',
			file(
				[
					{
						name: 'Flute',
						notes: [
							[60, 0, 4],
							[62, 4, 4]
						]
					}
				],
				40
			),
			{ keepKey: true, quantizeTuplets: false }
		);
		expect(r.report.reason).toMatch(/2 notes moved to the 16th grid/);
		expect(r.song?.symbols.join(' ')).toBe('60 _ _ _ 62 _ _ _');
		const cut = twelveNotes().subarray(0, 60);
		const bad = await ingest([drop('cut.mid', cut), drop('empty.midi', file([]))]);
		const by = Object.fromEntries(bad.report.map((x) => [x.path, x]));
		expect(by['cut.mid']).toMatchObject({
			status: 'unreadable',
			reason: '“cut.mid” ends in the middle of a track: it seems cut short.'
		});
		expect(by['empty.midi']).toMatchObject({
			status: 'skipped',
			reason: '“empty.midi” has no notes outside the drum channel.'
		});
	});

	it('takes the track the user chooses, per file or for every file, and lists the tracks to choose from', async () => {
		const melody: [number, number, number][] = [
			[74, 0, 4],
			[76, 4, 2],
			[78, 6, 2],
			[79, 8, 4]
		];
		const bytes = file([
			{ name: 'Fiddle', notes: melody },
			{ name: 'Flute', notes: melody.slice(0, 2).map(([p, s, l]) => [p - 12, s, l]) },
			{ name: 'Drums', channel: 9, notes: [[36, 0, 1]] }
		]);
		const auto = processMidi('a.mid', bytes);
		expect(auto.report.tracks).toEqual([
			{ number: 1, name: 'Fiddle', notes: 4, monophonic: true },
			{ number: 2, name: 'Flute', notes: 2, monophonic: true }
		]);
		expect(auto.report.track).toBe(1);
		const flute = processMidi('a.mid', bytes, { keepKey: true, quantizeTuplets: false, midiTrack: 2 });
		expect(flute.report.reason).toMatch(/^Melody from track 2 “Flute” \(as chosen\)/);
		expect(flute.song?.symbols.join(' ')).toBe('62 _ _ _ 64 _');
		expect(flute.report.track).toBe(2);
		const none = processMidi('a.mid', bytes, { keepKey: true, quantizeTuplets: false, midiTrack: 7 });
		expect(none.report).toMatchObject({
			status: 'skipped',
			reason: '“a.mid” has no track 7 with notes; its tracks with notes are 1 “Fiddle”, 2 “Flute”, 3 “Drums”.'
		});
		// Per file: the choice for b.mid leaves a.mid its melody.
		const r = await ingest([drop('a.mid', bytes), drop('b.mid', bytes)], {
			keepKey: true,
			quantizeTuplets: false,
			midiTracks: { 'b.mid': 2 }
		});
		expect(r.report.map((x) => x.track)).toEqual([1, 2]);
		expect(r.songs.map((s) => s.symbols.length)).toEqual([12, 6]);
	});

	it('a real tune file of two melodic lines and a chord track: the tune by default, the other line by choice', () => {
		const bytes = new Uint8Array(readFileSync(join(repoRoot, 'tests/fixtures/midi/AchreidhJigThe.mid')));
		const auto = processMidi('AchreidhJigThe.mid', bytes);
		expect(auto.report.tracks?.map((t) => [t.notes, t.monophonic])).toEqual([
			[162, true],
			[65, true],
			[192, false]
		]);
		expect(auto.report).toMatchObject({ status: 'kept', track: 1 });
		const second = processMidi('AchreidhJigThe.mid', bytes, { ...DEFAULT_ENCODE_OPTIONS, midiTrack: 2 });
		expect(second.report).toMatchObject({ status: 'kept', track: 2 });
		expect(second.song?.symbols).not.toEqual(auto.song?.symbols);
		// The chord track by choice gives its highest line.
		const chords = processMidi('AchreidhJigThe.mid', bytes, { ...DEFAULT_ENCODE_OPTIONS, midiTrack: 3 });
		expect(chords.report.reason).toMatch(/^Melody from track 3 .*\(as chosen, its highest line\)/);
	});

	it('a MIDI seed in Generate takes the same melody track by default, and another when asked', () => {
		const bytes = new Uint8Array(readFileSync(join(repoRoot, 'tests/fixtures/midi/AchreidhJigThe.mid')));
		// The chord track has the most notes (192); the melody is the single line of 162.
		expect(midiTracks(bytes).map((t) => t.notes)).toEqual([162, 65, 192]);
		expect(midiToSeed(bytes, { bars: 2 }).track).toBe(0);
		expect(midiToSeed(bytes, { bars: 2, track: 2 }).track).toBe(2);
	});
});
