/**
 * MIDI files written byte by byte for the tests of the MIDI seed reader: well-formed ones of any size and
 * the hostile ones of issue 25 (a file of 100,000 notes, one note of 2^28 ticks, an overflowing time value,
 * a 255/255 time signature, SMPTE timing, 0 ticks per quarter). Shared by the unit, fuzz, CLI and browser
 * tests, so each builds exactly the same bytes.
 */

/** A variable-length number as MIDI writes it (big-endian 7-bit groups; any number of bytes). */
export function varint(n: number): number[] {
	const out = [n & 0x7f];
	for (n = Math.floor(n / 128); n > 0; n = Math.floor(n / 128)) out.unshift((n & 0x7f) | 0x80);
	return out;
}

function u32(n: number): number[] {
	return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** A chunk: four letters, a 32-bit length, the bytes. */
export function chunk(id: string, body: number[]): number[] {
	return [...Array.from(id, (c) => c.charCodeAt(0)), ...u32(body.length), ...body];
}

/**
 * A whole file: the header (format, number of tracks, division: ticks per quarter, or a SMPTE word) and
 * track chunks of the event bytes given (end of track added unless `endOfTrack` is false).
 */
export function smf(
	tracks: number[][],
	{
		format = tracks.length > 1 ? 1 : 0,
		division = 480,
		declaredTracks = tracks.length,
		endOfTrack = true
	}: { format?: number; division?: number; declaredTracks?: number; endOfTrack?: boolean } = {}
): Uint8Array {
	const header = chunk('MThd', [
		0,
		format,
		declaredTracks >> 8,
		declaredTracks & 0xff,
		division >> 8,
		division & 0xff
	]);
	const body = tracks.flatMap((t) => chunk('MTrk', endOfTrack ? [...t, 0x00, 0xff, 0x2f, 0x00] : t));
	return Uint8Array.from([...header, ...body]);
}

/** Meta events at tick 0: a track name, a time signature (numerator, denominator as a power of 2), a key. */
export const meta = {
	name: (text: string) => [
		0x00,
		0xff,
		0x03,
		...varint(text.length),
		...Array.from(text, (c) => c.charCodeAt(0))
	],
	timeSignature: (numerator: number, power: number) => [0x00, 0xff, 0x58, 0x04, numerator, power, 24, 8],
	key: (sharps: number, minor = false) => [0x00, 0xff, 0x59, 0x02, sharps & 0xff, minor ? 1 : 0]
};

/** A note: MIDI pitch, start and length in ticks. */
export type Note = [pitch: number, start: number, length: number];

/**
 * Note events of one channel in time order (a note's release before another's attack at the same tick),
 * with running status: note-on, and note-on at velocity 0 for a release.
 */
export function noteEvents(notes: Note[], channel = 0): number[] {
	const events: [tick: number, on: boolean, pitch: number][] = [];
	for (const [pitch, start, length] of notes)
		events.push([start, true, pitch], [start + length, false, pitch]);
	events.sort((a, b) => a[0] - b[0] || Number(a[1]) - Number(b[1]));
	const out: number[] = [];
	let tick = 0;
	let first = true;
	for (const [t, on, pitch] of events) {
		out.push(...varint(t - tick));
		if (first) out.push(0x90 | channel);
		first = false;
		out.push(pitch, on ? 80 : 0);
		tick = t;
	}
	return out;
}

/** The scale the long files play, over and over: C major from C4 up to C5. */
export const SCALE = [60, 62, 64, 65, 67, 69, 71, 72];

/**
 * `count` notes at 480 ticks a quarter in 4/4, C major: a melody of eighth notes climbing the scale over
 * and over, and under it, one note in four, a held C3 — a piano part of a long piece, in one track.
 * 100,000 notes make about 600 kB.
 */
export function manyNotes(count: number): Uint8Array {
	const notes: Note[] = [];
	for (let i = 0; notes.length < count; i++) {
		notes.push([SCALE[i % SCALE.length], i * 240, 240]);
		if (i % 4 === 0 && notes.length < count) notes.push([48, i * 240, 960]);
	}
	return smf([[...meta.name('Piano'), ...meta.timeSignature(4, 2), ...meta.key(0), ...noteEvents(notes)]]);
}

/** 37 bytes: one middle C held for 2^28 − 1 ticks (the longest time value) at 1 tick per quarter. */
export function longNote(): Uint8Array {
	return smf([[0x00, 0x90, 60, 100, ...varint(2 ** 28 - 1), 0x80, 60, 0]], { division: 1 });
}

/** 65 bytes: notes, then a time value of 5 bytes (MIDI allows 4), as a damaged file may hold. */
export function overflowingDelta(): Uint8Array {
	const events = [
		...noteEvents([
			[60, 0, 240],
			[62, 240, 240],
			[64, 480, 240]
		]),
		0x8f,
		0xff,
		0xff,
		0xff,
		0x7f,
		67,
		80
	];
	const bytes = smf([events]);
	// Padded with a track name to the 65 bytes of the file the issue found.
	return smf([[...meta.name('x'.repeat(65 - bytes.length - 4)), ...events]]);
}

/** A tune of 12 notes in 3/4 (a bar of quarter notes, over and over), 480 ticks a quarter. */
export function twelveNotes(): Uint8Array {
	const notes: Note[] = [60, 64, 67, 72, 67, 64, 62, 65, 69, 71, 67, 60].map((p, i) => [p, i * 480, 480]);
	return smf([[...meta.name('Tune'), ...meta.timeSignature(3, 2), ...noteEvents(notes)]]);
}
