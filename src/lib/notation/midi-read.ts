/**
 * A Standard MIDI File read once into what a seed or a corpus needs: each track's notes (pitch, start and end in
 * ticks, in the order they start), its name, the first time and key signatures. Every length is checked
 * against the bytes left and every number against what MIDI allows, so a damaged or cut file is refused
 * with a sentence naming what is wrong; nothing is read past its end or into a number without bound.
 *
 * Not @tonejs/midi (which writes our exports): its reader reads on past the end of a cut file, takes time
 * values of any length, pairs notes in steps × notes and builds an object per event. Checking a file needs
 * the same walk over every event, so the notes are taken on that one walk.
 */

/** A seed is a few bars; a longer file is not a tune to start from (and bounds the walk). */
export const MAX_MIDI_BYTES = 1024 * 1024;
/** Notes in one file, all tracks together: far more than any seed needs (a 1 MB file holds ~170,000). */
export const MAX_MIDI_NOTES = 100_000;
/** Tracks with notes (a track's channels count one each): a choice a person can read through. */
export const MAX_MIDI_TRACKS = 256;
/** Time signatures a meter can have: a top number of 1–32 over a whole note to a 64th (2^0–2^6). */
const MAX_NUMERATOR = 32;
const MAX_DENOMINATOR_POWER = 6;

/** One note: MIDI pitch, start and end in ticks. */
export interface MidiNote {
	pitch: number;
	start: number;
	end: number;
}

/** The notes of one channel of one track chunk. */
export interface MidiTrackNotes {
	name: string;
	/** 0-based; 9 is General MIDI percussion. */
	channel: number;
	/** In the order they start. */
	notes: MidiNote[];
}

/** What a MIDI file holds for a seed. */
export interface MidiFileNotes {
	/** How sentences name the file: `“tune.mid”`, or `This file`. */
	label: string;
	ticksPerQuarter: number;
	/** Tracks with notes, in file order (a chunk with several channels gives one per channel). */
	tracks: MidiTrackNotes[];
	/** The earliest time signature, as its two numbers (the denominator as a note value: 4, 8). */
	timeSignature?: { numerator: number; denominator: number };
	/** The earliest key signature that is one: sharps (negative: flats) and the mode. */
	keySignature?: { sharps: number; minor: boolean };
	/** Notes in all tracks. */
	notes: number;
}

/** Thrown for a file that is not MIDI, is damaged or too large, or has nothing to take: a sentence. */
export class MidiSeedError extends Error {}

/** `“name”` for a sentence, or `This file`. */
export function fileLabel(name?: string): string {
	return name ? `“${name}”` : 'This file';
}

function damaged(label: string, what: string): MidiSeedError {
	return new MidiSeedError(`${label} ${what}: the file seems damaged.`);
}

function cutShort(label: string): MidiSeedError {
	return new MidiSeedError(`${label} ends in the middle of a track: it seems cut short.`);
}

/** A track name as text: UTF-8 where it is valid, else Latin-1; control characters out, length capped. */
function trackName(bytes: Uint8Array): string {
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		text = new TextDecoder('latin1').decode(bytes);
	}
	// eslint-disable-next-line no-control-regex
	text = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]+/g, ' ').trim();
	return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** Why a file of `bytes` bytes is not read as a seed, or null: checked before its bytes are read. */
export function midiSizeProblem(name: string | undefined, bytes: number): string | null {
	if (bytes <= MAX_MIDI_BYTES) return null;
	return (
		`${fileLabel(name)} is ${(bytes / 1024 / 1024).toFixed(1)} MB: a seed is a few bars, so MIDI files over ` +
		`1 MB are not read. Choose a shorter file.`
	);
}

/**
 * Reads a MIDI file's notes. `name` is the file's name for the sentences. Throws `MidiSeedError` for a
 * file over `MAX_MIDI_BYTES`, one that is not MIDI, counts time in SMPTE frames, has 0 ticks per quarter,
 * is cut short or damaged (a length past its end, a time value over 4 bytes, a byte that is no event, a
 * time signature that is no meter), or holds more than `MAX_MIDI_NOTES` notes or `MAX_MIDI_TRACKS` tracks.
 */
export function readMidiNotes(input: ArrayLike<number> | ArrayBuffer, name?: string): MidiFileNotes {
	const label = fileLabel(name);
	const length = input instanceof ArrayBuffer ? input.byteLength : input.length;
	const tooLarge = midiSizeProblem(name, length);
	if (tooLarge) throw new MidiSeedError(tooLarge);
	const b =
		input instanceof Uint8Array
			? input
			: input instanceof ArrayBuffer
				? new Uint8Array(input)
				: Uint8Array.from(input);

	const u32 = (at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
	const id = (at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);

	if (b.length < 4 || id(0) !== 'MThd')
		throw new MidiSeedError(
			`${label} could not be read as MIDI: it does not begin as a MIDI file does (a .mid or .midi file is needed).`
		);
	if (b.length < 14) throw new MidiSeedError(`${label} ends inside its header: it seems cut short.`);
	const headerLength = u32(4);
	if (headerLength < 6) throw damaged(label, `has a header of ${headerLength} bytes (MIDI’s has 6)`);
	if (8 + headerLength > b.length)
		throw new MidiSeedError(`${label} ends inside its header: it seems cut short.`);
	const declaredTracks = (b[10] << 8) | b[11];
	const division = (b[12] << 8) | b[13];
	if (division & 0x8000) {
		const fps = 256 - (division >> 8);
		throw new MidiSeedError(
			`${label} counts time in SMPTE frames (${fps} a second), not in beats, so it has no bars or note ` +
				`values to take a seed from. Save it from a notation or sequencer program with its time in beats.`
		);
	}
	if (division === 0) throw damaged(label, 'says a quarter note lasts 0 ticks, so its notes have no length');

	const out: MidiFileNotes = { label, ticksPerQuarter: division, tracks: [], notes: 0 };
	let timeSignatureAt = Infinity;
	let keySignatureAt = Infinity;
	let pos = 8 + headerLength;
	let chunks = 0;

	while (pos < b.length && chunks < declaredTracks) {
		if (pos + 8 > b.length) throw cutShort(label);
		const kind = id(pos);
		const size = u32(pos + 4);
		const start = pos + 8;
		const end = start + size;
		if (end > b.length) throw cutShort(label);
		pos = end;
		// Chunks of other kinds may be skipped, as the standard says.
		if (kind !== 'MTrk') continue;
		chunks++;
		readTrack(start, end, chunks);
	}
	if (chunks < declaredTracks)
		throw new MidiSeedError(
			`${label} ends after ${chunks} of the ${declaredTracks} tracks its header names: it seems cut short.`
		);
	return out;

	function readTrack(from: number, to: number, number: number): void {
		/** Where a fault is, for the sentence: the track, and the byte from the file's start (0 first). */
		const where = (at = p) => `(track ${number}, byte ${at.toLocaleString('en')})`;
		let p = from;
		const need = (n: number) => {
			if (p + n > to) throw damaged(label, `has an event that runs past the end of its track ${where()}`);
		};
		/** A variable-length number: at most 4 bytes (28 bits), as the standard allows. */
		const varint = (): number => {
			const at = p;
			let value = 0;
			for (let i = 0; i < 4; i++) {
				need(1);
				const byte = b[p++];
				value = value * 128 + (byte & 0x7f);
				if (!(byte & 0x80)) return value;
			}
			throw damaged(label, `holds a time or length longer than MIDI allows ${where(at)}`);
		};
		const data = (): number => {
			need(1);
			if (b[p] & 0x80) throw damaged(label, `holds a byte that belongs to no MIDI event ${where()}`);
			return b[p++];
		};

		let tick = 0;
		let status = 0;
		let name = '';
		// One track per channel that plays, in the order the channels first play.
		const byChannel = new Map<number, MidiTrackNotes>();
		// Notes sounding, per channel and pitch, first in first out (the head index keeps each step O(1)).
		const open = new Map<number, { notes: MidiNote[]; head: number }>();

		while (p < to) {
			tick += varint();
			need(1);
			let byte = b[p];
			if (byte & 0x80) p++;
			else if (status)
				byte = status; // running status: the byte is the first data byte
			else throw damaged(label, `holds a byte that belongs to no MIDI event ${where()}`);

			if (byte === 0xff) {
				need(1);
				const type = b[p++];
				const len = varint();
				need(len);
				const body = b.subarray(p, p + len);
				p += len;
				if (type === 0x2f) break; // end of track
				if (type === 0x03 && !name) name = trackName(body);
				else if (type === 0x58 && len >= 2) {
					const [numerator, power] = body;
					if (numerator < 1 || numerator > MAX_NUMERATOR || power > MAX_DENOMINATOR_POWER)
						throw damaged(
							label,
							`has a time signature of ${numerator}/${power > 30 ? `2^${power}` : 2 ** power}, which is no ` +
								`meter (a top number of 1–${MAX_NUMERATOR} over a whole note to a 64th)`
						);
					if (tick < timeSignatureAt) {
						timeSignatureAt = tick;
						out.timeSignature = { numerator, denominator: 2 ** power };
					}
				} else if (type === 0x59 && len === 2) {
					const sharps = body[0] > 127 ? body[0] - 256 : body[0];
					// A key signature that is none (over 7 sharps or flats, an unknown mode) is left out.
					if (Math.abs(sharps) <= 7 && body[1] <= 1 && tick < keySignatureAt) {
						keySignatureAt = tick;
						out.keySignature = { sharps, minor: body[1] === 1 };
					}
				}
				continue;
			}
			if (byte === 0xf0 || byte === 0xf7) {
				const len = varint();
				need(len);
				p += len;
				continue;
			}
			if (byte >= 0xf0) throw damaged(label, `holds a byte that belongs to no MIDI event ${where()}`);

			status = byte;
			const kind = byte >> 4;
			const channel = byte & 0x0f;
			const first = data();
			if (kind === 0xc || kind === 0xd) continue;
			const second = data();
			if (kind === 0x9 && second > 0) {
				if (++out.notes > MAX_MIDI_NOTES)
					throw new MidiSeedError(
						`${label} holds more than ${MAX_MIDI_NOTES.toLocaleString('en')} notes: a seed is a few bars, ` +
							`so a file this long is not read. Choose a shorter file.`
					);
				let track = byChannel.get(channel);
				if (!track) {
					if (out.tracks.length >= MAX_MIDI_TRACKS)
						throw new MidiSeedError(
							`${label} has more than ${MAX_MIDI_TRACKS} tracks with notes: too many to choose a melody ` +
								`from. Choose a file with fewer tracks.`
						);
					track = { name: '', channel, notes: [] };
					byChannel.set(channel, track);
					out.tracks.push(track);
				}
				const note = { pitch: first, start: tick, end: NaN };
				track.notes.push(note);
				const key = channel * 128 + first;
				const queue = open.get(key);
				if (queue) queue.notes.push(note);
				else open.set(key, { notes: [note], head: 0 });
			} else if (kind === 0x8 || kind === 0x9) {
				const queue = open.get(channel * 128 + first);
				if (queue && queue.head < queue.notes.length) queue.notes[queue.head++].end = tick;
			}
		}
		// A note never released ends with its track.
		for (const queue of open.values())
			for (let i = queue.head; i < queue.notes.length; i++) queue.notes[i].end = tick;
		const several = byChannel.size > 1;
		for (const track of byChannel.values())
			track.name = name
				? several
					? `${name}, channel ${track.channel + 1}`
					: name
				: several
					? `Track ${number}, channel ${track.channel + 1}`
					: '';
	}
}
