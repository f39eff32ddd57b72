/**
 * The Humdrum `**kern` reader. It follows the spines of a file (splits `*^`, merges `*v`, new spines `*+`,
 * ends `*-`, exchanges `*x`), reads past `**dynam`, `**text` and any other spine type, and keeps the melody:
 * the rightmost `**kern` spine (the top staff in Humdrum's score order), its first layer where that spine
 * splits, and the highest note of a chord. Grace notes are skipped. It never throws: a file it cannot read
 * gives a reason and, where it applies, the line.
 */
import { decodeFile, type TextEncoding } from './decode';
import { parseKernToken, type KernEvent, type ParsedToken } from './token';
import { barlineMismatch, findMelody, manipulate, type Spine } from './spines';

export type { KernEvent } from './token';

/** A key designation such as `*G:` (G major) or `*e-:` (E-flat minor). */
export interface KeyDesignation {
	/** As written: upper case for major, lower case for minor (`G`, `e-`, `F#`). */
	name: string;
	mode: 'major' | 'minor';
	/** MIDI number of the tonic in octave 4, as spelled (`c-` is 59, `B#` is 72). */
	tonicMidi: number;
}

/** What a `**kern` file holds, as far as melody extraction needs. */
export interface KernSong {
	path: string;
	/** How the bytes were decoded. */
	encoding: TextEncoding;
	/** Reference records `!!!KEY: value` (the first value of each key). */
	refs: Record<string, string>;
	title?: string;
	region?: string;
	sct?: string;
	/** The first meter of the melody spine as written, without `*M` (`3/4`, `X`, `FREI4/4`). */
	meter?: string;
	/** True when that meter is numeric (`n/d`); music21 drops the others. */
	meterNumeric: boolean;
	/** The first key signature as written inside the brackets (`b-e-`). */
	keySignature?: string;
	/** The first key designation of the melody spine. */
	keyDesignation?: KeyDesignation;
	/**
	 * The key designation only when music21 would find it: as the 5th element of the first bar (instrument
	 * class, instrument, numeric meter, key signature, key). Otherwise the encoder estimates the key.
	 */
	music21Key?: KeyDesignation;
	/** Notes and rests of the melody, in order; grace notes are left out. */
	events: KernEvent[];
	/** Offsets (quarter notes from the start) of the barlines, each once, in order. */
	barlines: number[];
	/** Every meter of the melody spine with the offset where it starts (`3/4`, `X`), in order. */
	meters: { at: number; meter: string }[];
	/** Number of `**kern` spines in the header, and every spine type there. */
	kernSpines: number;
	spineTypes: string[];
	/** Grace notes read past. */
	graceNotes: number;
	/** Remarks on what was taken, for the report ("top voice of 4 **kern spines"). */
	remarks: string[];
}

/** Why a file could not be read (unreadable) or holds nothing to take (skipped). */
export interface KernFailure {
	status: 'unreadable' | 'skipped';
	reason: string;
	line?: number;
}

/** The reader's answer: a song, or a failure with its reason. */
export type KernResult = { ok: true; song: KernSong } | ({ ok: false } & KernFailure);

const STEP_PC: Record<string, number> = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 };

/** Reads a key designation token (`*G:`, `*e-:`, `*F#:dor`); undefined for anything else. */
export function parseKeyDesignation(token: string): KeyDesignation | undefined {
	const m = /^\*([A-Ga-g])([#-]*):/.exec(token);
	if (!m) return undefined;
	const letter = m[1];
	const mode = letter === letter.toUpperCase() ? 'major' : 'minor';
	const acc = m[2];
	const alter = acc.startsWith('#') ? acc.length : -acc.length;
	return { name: letter + acc, mode, tonicMidi: 60 + STEP_PC[letter.toLowerCase()] + alter };
}

/** Reads a Humdrum file given as bytes (any encoding, see decode.ts) or as text. Never throws. */
export function readKern(input: Uint8Array | string, path = ''): KernResult {
	try {
		return read(input, path);
	} catch (e) {
		// A guard for bugs: a file must never stop an import.
		return {
			ok: false,
			status: 'unreadable',
			reason: `The reader failed on this file: ${(e as Error).message}.`
		};
	}
}

function read(input: Uint8Array | string, path: string): KernResult {
	const file = decodeFile(input, { what: 'a Humdrum text file', extension: '.krn' });
	if (!file.ok) return file;
	const { text, encoding } = file;
	const lines = text.indexOf('\r') < 0 ? text.split('\n') : text.split(/\r\n|\n|\r/);

	const refs: Record<string, string> = {};
	let spines: Spine[] | null = null;
	let headerTypes: string[] = [];
	let melodyTrack = -1;
	let kernSpines = 0;
	let pieces = 0;
	let ended = false;
	const events: KernEvent[] = [];
	const remarks: string[] = [];
	let graceNotes = 0;
	let chords = 0;
	let meter: string | undefined;
	let meterNumeric = false;
	let keySignature: string | undefined;
	let keyDesignation: KeyDesignation | undefined;
	const headerElements: (KeyDesignation | string)[] = [];
	let nextTrack = 1;
	const barlines: number[] = [];
	const meters: { at: number; meter: string }[] = [];
	let elapsed = 0; // quarter notes read so far

	for (let li = 0; li < lines.length; li++) {
		const line = lines[li];
		const lineNo = li + 1;
		if (line.length === 0) continue;
		if (line.startsWith('!!')) {
			if (line.startsWith('!!!')) {
				const colon = line.indexOf(':');
				if (colon > 3) {
					const key = line.slice(3, colon).trim();
					if (!(key in refs)) refs[key] = line.slice(colon + 1).trim();
				}
			}
			continue;
		}
		if (ended) continue;
		const tokens = line.indexOf('\t') < 0 ? [line] : line.split('\t');
		if (spines === null) {
			if (!tokens.every((t) => t.startsWith('**'))) {
				// Local comments before the header are out of place but harmless.
				if (pieces > 0 || line.startsWith('!')) continue;
				return {
					ok: false,
					status: 'unreadable',
					reason: `This is not a Humdrum file: line ${lineNo} comes before any spine header (a line of "**kern"-like types).`,
					line: lineNo
				};
			}
			pieces++;
			if (pieces > 1) {
				remarks.push('the file holds several pieces; the first was taken');
				ended = true;
				continue;
			}
			headerTypes = tokens.slice();
			spines = tokens.map((t) => ({ type: t, track: nextTrack++, primary: true }));
			for (const s of spines)
				if (s.type === '**kern') {
					kernSpines++;
					melodyTrack = s.track;
				}
			if (kernSpines === 0)
				return {
					ok: false,
					status: 'skipped',
					reason: `There is no **kern spine (the file has ${tokens.join(', ')}).`,
					line: lineNo
				};
			continue;
		}
		if (tokens.length !== spines.length)
			return {
				ok: false,
				status: 'unreadable',
				reason: `Line ${lineNo} has ${tokens.length} fields where ${spines.length} spines are open.`,
				line: lineNo
			};
		const first = tokens[0];
		if (first.startsWith('!')) continue; // local comments
		const melodyIndex = findMelody(spines, melodyTrack);
		if (first.startsWith('*')) {
			// Tandem interpretations of the melody spine.
			if (melodyIndex >= 0) {
				const t = tokens[melodyIndex];
				if (t.startsWith('*M') && !t.startsWith('*MM')) {
					const numeric = /^\*M\d+\/\d+/.test(t);
					if (meter === undefined) {
						meter = t.slice(2);
						meterNumeric = numeric;
					}
					meters.push({ at: elapsed, meter: t.slice(2) });
					if (events.length === 0 && numeric) headerElements.push('meter');
				} else if (t.startsWith('*k[')) {
					if (keySignature === undefined)
						keySignature = t.slice(3, t.indexOf(']') >= 0 ? t.indexOf(']') : undefined);
					if (events.length === 0) headerElements.push('keysig');
				} else if (t.startsWith('*I') || t.startsWith('*clef') || t.startsWith('*MM')) {
					if (events.length === 0 && !t.startsWith('*IG') && !t.startsWith('*ITr')) headerElements.push(t);
				} else {
					const k = parseKeyDesignation(t);
					if (k) {
						keyDesignation ??= k;
						if (events.length === 0) headerElements.push(k);
					}
				}
			}
			const next = manipulate(spines, tokens, () => nextTrack++);
			if (typeof next === 'string')
				return { ok: false, status: 'unreadable', reason: `Line ${lineNo}: ${next}`, line: lineNo };
			spines = next;
			if (spines.length === 0) spines = null;
			continue;
		}
		const bar = barlineMismatch(tokens);
		if (bar)
			return {
				ok: false,
				status: 'unreadable',
				reason: `Line ${lineNo}: "${bar.token}" is a barline in ${bar.spines} only; a barline crosses every spine, so the spines no longer line up.`,
				line: lineNo
			};
		if (first.startsWith('=')) {
			// Barlines carry no duration; the first one tells where the first bar starts.
			if (barlines[barlines.length - 1] !== elapsed) barlines.push(elapsed);
			continue;
		}
		if (melodyIndex < 0) continue;
		const tok = tokens[melodyIndex];
		if (tok === '.' || tok === '') continue;
		const ev = dataToken(tok, lineNo);
		if (ev === GRACE) graceNotes++;
		else if (typeof ev === 'string') return { ok: false, status: 'unreadable', reason: ev, line: lineNo };
		else if (ev !== null) {
			if (ev.chord) chords++;
			events.push(ev.event);
			elapsed += ev.event.quarterLength;
		}
	}

	if (spines === null && pieces === 0)
		return {
			ok: false,
			status: 'unreadable',
			reason: 'This is not a Humdrum file: it has no spine header (a line such as "**kern").'
		};
	if (kernSpines > 1) remarks.unshift(`took the top voice: the rightmost of ${kernSpines} **kern spines`);
	const others = headerTypes.filter((t) => t !== '**kern');
	if (others.length > 0) remarks.push(`read past ${[...new Set(others)].join(', ')}`);
	if (chords > 0) remarks.push(`took the highest note of ${chords} chord${chords === 1 ? '' : 's'}`);
	if (graceNotes > 0) remarks.push(`skipped ${graceNotes} grace note${graceNotes === 1 ? '' : 's'}`);

	const fifth = headerElements[4];
	const song: KernSong = {
		path,
		encoding,
		refs,
		meterNumeric,
		events,
		barlines,
		meters,
		kernSpines,
		spineTypes: headerTypes,
		graceNotes,
		remarks
	};
	const title = refs.OTL ?? Object.entries(refs).find(([k]) => k.startsWith('OTL'))?.[1];
	if (title) song.title = title;
	if (refs.ARE) song.region = refs.ARE;
	if (refs.SCT) song.sct = refs.SCT;
	if (meter !== undefined) song.meter = meter;
	if (keySignature !== undefined) song.keySignature = keySignature;
	if (keyDesignation) song.keyDesignation = keyDesignation;
	if (fifth && typeof fifth !== 'string') song.music21Key = fifth;
	return { ok: true, song };
}

const GRACE = 'grace' as const;

/** Builds an event with a stable shape (every field present) so the engine keeps one object layout. */
function makeEvent(r: Extract<ParsedToken, { type: 'event' }>, line: number, token: string): KernEvent {
	const ev: KernEvent = { kind: r.kind, quarterLength: r.quarterLength, tuplet: r.tuplet, line, token };
	if (r.midi !== undefined) ev.midi = r.midi;
	if (r.tie) ev.tie = r.tie;
	if (r.fermata) ev.fermata = true;
	return ev;
}

/**
 * One data token of the melody spine: its event (the highest note of a chord), `GRACE` for a grace note,
 * null for nothing, or an error sentence.
 */
function dataToken(
	tok: string,
	lineNo: number
): { event: KernEvent; chord: boolean } | typeof GRACE | string | null {
	if (tok.indexOf(' ') < 0) {
		const r = parseKernToken(tok);
		if (r.type === 'grace') return GRACE;
		if (r.type === 'error') return `Line ${lineNo}: ${r.message}.`;
		if (!r.hasDuration) return `Line ${lineNo}: "${tok}" has no duration.`;
		return { event: makeEvent(r, lineNo, tok), chord: false };
	}
	const parts = tok.split(' ').filter((p) => p.length > 0);
	let chosen: KernEvent | null = null;
	let chordDuration: { ql: number; tuplet: boolean } | null = null;
	let graceOnly = true;
	for (const p of parts) {
		const r = parseKernToken(p);
		if (r.type === 'grace') continue;
		graceOnly = false;
		if (r.type === 'error') return `Line ${lineNo}: ${r.message}.`;
		if (r.hasDuration && !chordDuration) chordDuration = { ql: r.quarterLength, tuplet: r.tuplet };
		const ev = makeEvent(r, lineNo, tok);
		if (!r.hasDuration) ev.quarterLength = NaN;
		if (!chosen || (ev.kind === 'note' && (chosen.kind === 'rest' || (ev.midi ?? 0) > (chosen.midi ?? 0))))
			chosen = ev;
	}
	if (graceOnly) return GRACE;
	if (!chosen) return null;
	if (Number.isNaN(chosen.quarterLength)) {
		if (!chordDuration) return `Line ${lineNo}: "${tok}" has no duration.`;
		chosen.quarterLength = chordDuration.ql;
		chosen.tuplet = chordDuration.tuplet;
	}
	return { event: chosen, chord: parts.length > 1 };
}
