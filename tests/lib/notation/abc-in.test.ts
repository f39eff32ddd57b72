import { describe, expect, it } from 'vitest';
import {
	partOrder,
	readAbc,
	splitTunes,
	tiedSteps,
	type AbcTuneResult
} from '../../../src/lib/notation/abc-in';
import { encodeSong } from '../../../src/lib/encoding/encode';
import type { KernSong } from '../../../src/lib/kern/reader';

/** The one tune of `abc`, read; fails the test when it is not kept. */
function one(abc: string): Extract<AbcTuneResult, { ok: true }> {
	const r = readAbc(abc, 't.abc');
	if (!r.ok) throw new Error(r.reason);
	const t = r.tunes[0];
	if (!t.ok) throw new Error(t.reason);
	return t;
}

/** Notes as "midi:16ths" (rests `r:16ths`), in played order. */
function notes(song: KernSong): string {
	return song.events.map((e) => `${e.kind === 'note' ? e.midi : 'r'}:${e.quarterLength * 4}`).join(' ');
}

const tune = (body: string, head = 'M:4/4\nL:1/8\nK:C') => `X:1\nT:T\n${head}\n${body}\n`;

describe('the ABC reader', () => {
	it('cuts a book at each X: and at blank lines, and copies the file header into each tune', () => {
		const book = 'L:1/4\n% notes\n\nX:1\nT:One\nK:C\nC D|\n\nfree text\nX:2\nT:Two\nK:G\nG|\n';
		const t = splitTunes(book);
		expect(t.map((x) => [x.x, x.title, x.start])).toEqual([
			[1, 'One', 4],
			[2, 'Two', 10]
		]);
		const r = readAbc(book);
		if (!r.ok) throw new Error(r.reason);
		// L:1/4 from the header: quarter notes.
		const first = r.tunes[0];
		expect(first.ok && notes(first.song)).toBe('60:4 62:4');
	});

	it('reads T:, M:, L: and K: with modes (Ador, D mix) as the tonic and its family', () => {
		const dor = one('X:5\nT:Dorian\nM:6/8\nL:1/8\nK:Ador\nABc|');
		expect(dor.tune).toBe(5);
		expect(dor.title).toBe('Dorian');
		expect(dor.song.meter).toBe('6/8');
		expect(dor.song.music21Key).toEqual({ name: 'a:dor', mode: 'minor', tonicMidi: 69 });
		// F is sharp in A Dorian.
		expect(notes(one(tune('F', 'M:4/4\nL:1/8\nK:Ador')).song)).toBe('66:2');
		const mix = one(tune('c', 'M:4/4\nL:1/8\nK:D mix'));
		expect(mix.song.music21Key).toEqual({ name: 'D:mix', mode: 'major', tonicMidi: 62 });
		// C natural in D Mixolydian, and the song moves D to C.
		expect(notes(mix.song)).toBe('72:2');
		const e = encodeSong(mix.song);
		expect(e.status === 'kept' && [e.song.key, e.song.transposition]).toEqual(['D:mix', -2]);
	});

	it('holds an accidental to the bar line for the letter in every octave, and a tie keeps its pitch', () => {
		expect(notes(one(tune('^F f F|F')).song)).toBe('66:2 78:2 66:2 65:2');
		expect(notes(one(tune('^F2-|F2 F2')).song)).toBe('66:4 66:4 65:4');
	});

	it('ties a note into the second ending as into the first', () => {
		const t = one(tune('|:GABc d4-|1 d4 e4:|2 d2 B2 G4|]'));
		// d4 tied to the d4 of the first ending, then to the d2 of the second: one note each time.
		expect(tiedSteps(t.song.events)).toEqual([16, 48]);
		const ties = t.song.events.filter((e) => e.tie).map((e) => `${e.midi}/${e.tie}`);
		expect(ties).toEqual(['74/start', '74/stop', '74/start', '74/stop']);
	});

	it('expands |: :| and first and second endings as played', () => {
		expect(notes(one(tune('|:C D:|E F|]')).song)).toBe('60:2 62:2 60:2 62:2 64:2 65:2');
		expect(notes(one(tune('|:C D|1 E:|2 F|]')).song)).toBe('60:2 62:2 64:2 60:2 62:2 65:2');
		// `::` closes one repeat and opens the next; a `:|` with no `|:` goes back to the start.
		expect(notes(one(tune('|c::d:|')).song)).toBe('72:2 72:2 74:2 74:2');
		// Endings for passes 1 to 3, then 4.
		expect(notes(one(tune('|:C|1-3 D:|4 E|]')).song)).toBe('60:2 62:2 60:2 62:2 60:2 62:2 60:2 64:2');
	});

	it('plays parts in the order of the header P: (AABB, (AB)2C), each part with its own repeats', () => {
		expect(partOrder('AABB')).toEqual(['A', 'A', 'B', 'B']);
		expect(partOrder('(AB)2C')).toEqual(['A', 'B', 'A', 'B', 'C']);
		expect(partOrder('A2.B')).toEqual(['A', 'A', 'B']);
		const t = one('X:1\nP:ABA\nM:2/4\nL:1/8\nK:C\nP:A\n|:C D:|\nP:B\nE F|]\n');
		expect(notes(t.song)).toBe('60:2 62:2 60:2 62:2 64:2 65:2 60:2 62:2 60:2 62:2');
		expect(t.song.remarks).toContain('parts played in the order P:ABA');
		// A body label with no order in the header is only a label.
		expect(notes(one('X:1\nM:2/4\nL:1/8\nK:C\nC D|\nP:B\n|E F:|\n').song)).toBe(
			'60:2 62:2 64:2 65:2 60:2 62:2 64:2 65:2'
		);
	});

	it('reads broken rhythm > and < as dotted pairs', () => {
		expect(notes(one(tune('A>B c<d')).song)).toBe('69:3 71:1 72:1 74:3');
		// Written after a chord symbol or a fingering, as tune books do: the pair is still dotted.
		const after = one(tune('(c"0"<A)"4"(A>E) "Am"c<"D"d|'));
		expect(notes(after.song)).toBe('72:1 69:3 69:3 64:1 72:1 74:3');
		expect(after.chords.map((c) => c.name)).toEqual(['0', '4', 'Am', 'D']);
	});

	it('puts triplets on the 16th grid by rounding each start and end, and says so', () => {
		const t = one(tune('(3ABc d2 (3e2f2g2'));
		// 8th triplet: 16th, 8th, 16th; quarter triplet (8 16ths in 3): 3, 2, 3.
		expect(notes(t.song)).toBe('69:1 71:2 72:1 74:4 76:3 77:2 79:3');
		expect(t.song.remarks.join('; ')).toMatch(/6 tuplet notes put on the 16th grid/);
		const e = encodeSong(t.song);
		expect(e.status).toBe('kept');
	});

	it('drops grace notes and keeps chord symbols beside the melody, not in it', () => {
		const t = one(tune('"Am"{g}A2 "G"B2'));
		expect(notes(t.song)).toBe('69:4 71:4');
		expect(t.song.remarks).toContain('1 grace note dropped');
		expect(t.chords).toEqual([
			{ at: 0, name: 'Am' },
			{ at: 1, name: 'G' }
		]);
	});

	it('reads past decorations, comments and line continuations', () => {
		const t = one(tune('~A .B !trill!c % a comment\\\n Td uA|'));
		expect(notes(t.song)).toBe('69:2 71:2 72:2 74:2 69:2');
	});

	it('keeps the highest note of a chord and the first voice of several', () => {
		expect(notes(one(tune('[CEG]2 [ce]')).song)).toBe('67:4 76:2');
		const two = one('X:1\nM:2/4\nL:1/8\nK:C\nV:1\ncd ef|\nV:2\nC2 E2|\n');
		expect(notes(two.song)).toBe('72:2 74:2 76:2 77:2');
		expect(two.song.remarks).toContain('first voice of 2');
	});

	it('follows key and meter changes inside a tune', () => {
		const t = one(tune('F2 F2|\nK:G\nM:3/4\nF2 F2 F2|', 'M:2/4\nL:1/8\nK:C'));
		expect(notes(t.song)).toBe('65:4 65:4 66:4 66:4 66:4');
		expect(t.song.meters).toEqual([
			{ at: 0, meter: '2/4' },
			{ at: 2, meter: '3/4' }
		]);
		expect(t.song.remarks.join()).toMatch(/1 key change/);
	});

	it('gives a reason for a tune with no K: and for one with no notes, and never throws', () => {
		const r = readAbc('X:1\nT:A\nABC|\n\nX:2\nT:B\nK:C\nz4|\n\nX:3\nT:C\nK:C\n[[[((((\n');
		if (!r.ok) throw new Error(r.reason);
		expect(r.tunes.map((t) => (t.ok ? 'kept' : t.status))).toEqual(['skipped', 'skipped', 'skipped']);
		expect(r.tunes.map((t) => !t.ok && t.reason)).toEqual([
			'The tune has no K: field, so its music cannot be told from its header.',
			'The tune has no notes.',
			'The tune has no notes.'
		]);
		expect(readAbc(new Uint8Array([0, 1, 2, 0, 0, 3]))).toMatchObject({ ok: false, status: 'unreadable' });
		expect(readAbc('just text\n')).toMatchObject({ ok: false, status: 'skipped' });
	});
});

describe('the ABC reader on hostile part orders', () => {
	it('plays at most a thousand parts, whatever the order asks', () => {
		expect(partOrder('((((((((A16)16)16)16)16)16)16)16)')!.length).toBeLessThanOrEqual(1000);
	});
});
