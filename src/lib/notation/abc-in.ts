/**
 * The ABC reader: a file of many tunes (each from `X:` to the next `X:` or a blank line, as the ABC
 * standard and abc2midi end a tune) becomes one song per tune in the shape the `**kern` reader gives, so the
 * encoder treats both alike. abcjs parses the text; this file only plays it through:
 * - ties played as one note (`tiedSteps`: the onsets of tied notes become holds after encoding);
 * - pitches from the key signature (`K:` with its mode and extra accidentals) and accidentals that hold to
 *   the end of the bar for the same letter in every octave (ABC 2.1's default), a tied note keeping the
 *   pitch it is tied from;
 * - repeats `|:` `:|` `::` and endings `[1` `[2` (`[1,3`, `[1-3`) expanded as played; a `:|` with no `|:`
 *   goes back to the end of the previous repeat, the last double bar `||` or the start; parts in the order a
 *   header `P:` gives (`P:AABB`, `P:(AB)2C`) when the body labels them;
 * - triplets and other tuplets kept, each note's start and end rounded to the nearest 16th (an 8th-note
 *   triplet plays 16th, 8th, 16th; a note rounded to nothing is dropped), with a remark;
 * - grace notes dropped, chords reduced to their highest note, chord symbols kept beside the melody,
 *   decorations read past, only the first voice of a tune of several (all with remarks).
 * It never throws: a tune it cannot read gives a reason.
 */
import Parse, {
	type AbcjsElement,
	type AbcjsKey,
	type AbcjsMeter,
	type AbcjsTune
} from 'abcjs/src/parse/abc_parse.js';
import { decodeFile, type TextEncoding } from '../kern/decode';
import type { KernEvent, KernSong, KeyDesignation } from '../kern/reader';

/** A chord symbol (`"Am"`) and the quarter note of the played tune it falls on. */
export interface AbcChord {
	at: number;
	name: string;
}

/** One tune of an ABC file, read. */
export type AbcTuneResult = {
	/** The tune's `X:` number, when it has one. */
	tune?: number;
	/** Its first `T:`. */
	title?: string;
	/** 1-based line of the file where the tune starts. */
	line: number;
} & (
	| { ok: true; song: KernSong; chords: AbcChord[] }
	| { ok: false; status: 'skipped' | 'unreadable'; reason: string; line: number }
);

/** The reader's answer for a file: its tunes, or why the file as a whole cannot be read. */
export type AbcFileResult =
	{ ok: true; tunes: AbcTuneResult[] } | { ok: false; status: 'skipped' | 'unreadable'; reason: string };

/** A tune's text as cut from the file, with the file line each of its lines came from. */
interface TuneText {
	text: string;
	lines: number[];
	x?: number;
	title?: string;
	start: number;
}

/** The most parts a `P:` order plays. */
const MAX_PARTS = 1000;

/** The most notes played from one tune: a guard against repeats nested without end. */
const MAX_PLAYED = 100_000;

/**
 * Cuts a file into tunes: each `X:` starts one, which runs to the next `X:` or the first blank line.
 * Fields of the file header (before the first `X:`: `M:`, `L:`, `Q:`, `R:` and `%%` directives) apply to
 * every tune and are copied after each `X:` line. A file with music but no `X:` is one tune.
 */
export function splitTunes(text: string): TuneText[] {
	const lines = text.indexOf('\r') < 0 ? text.split('\n') : text.split(/\r\n|\n|\r/);
	const tunes: TuneText[] = [];
	const header: { line: string; n: number }[] = [];
	let current: TuneText | null = null;
	let ended = false;
	const hasX = lines.some((l) => /^X:/.test(l));
	if (!hasX && lines.some((l) => /^K:/.test(l))) current = { text: '', lines: [], start: 1 } as TuneText;
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		if (/^X:/.test(line)) {
			const x = /^X:\s*(\d+)/.exec(line);
			current = { text: line + '\n', lines: [i + 1], start: i + 1 };
			if (x) current.x = Number(x[1]);
			for (const h of header) {
				current.text += h.line + '\n';
				current.lines.push(h.n);
			}
			tunes.push(current);
			ended = false;
			continue;
		}
		if (!current) {
			if (/^(%%|[MLQR]:)/.test(line)) header.push({ line, n: i + 1 });
			continue;
		}
		if (ended) continue;
		if (line.trim() === '') {
			if (hasX) ended = true;
			continue;
		}
		if (!hasX && current.lines.length === 0) tunes.push(current);
		current.text += line + '\n';
		current.lines.push(i + 1);
		if (current.title === undefined && /^T:/.test(line)) current.title = line.slice(2).trim() || undefined;
	}
	return tunes;
}

/** Reads an ABC file given as bytes (any encoding the kern reader decodes) or text. Never throws. */
export function readAbc(input: Uint8Array | string, path = ''): AbcFileResult {
	const file = decodeFile(input, { what: 'an ABC text file', extension: '.abc' });
	if (!file.ok) return file;
	const { text, encoding } = file;
	const tunes = splitTunes(text);
	if (tunes.length === 0)
		return {
			ok: false,
			status: 'skipped',
			reason: 'The file holds no ABC tune (no X: or K: field).'
		};
	return { ok: true, tunes: tunes.map((t) => readTune(t, path, encoding)) };
}

/** Reads one tune's text. Never throws. */
function readTune(t: TuneText, path: string, encoding: TextEncoding): AbcTuneResult {
	const who: Pick<AbcTuneResult, 'tune' | 'title' | 'line'> = { line: t.start };
	if (t.x !== undefined) who.tune = t.x;
	if (t.title !== undefined) who.title = t.title;
	try {
		if (!/^K:/m.test(t.text))
			return {
				...who,
				ok: false,
				status: 'skipped',
				reason: 'The tune has no K: field, so its music cannot be told from its header.'
			};
		const parser = new Parse();
		parser.parse(brokenRhythmFirst(t.text), {}, 0);
		const tune = parser.getTune();
		return { ...who, ...playThrough(tune, t, path, encoding) };
	} catch (e) {
		// A guard for bugs in the parser or here: one tune must never stop an import.
		return {
			...who,
			ok: false,
			status: 'unreadable',
			reason: `The ABC parser failed on this tune: ${(e as Error).message}.`,
			line: t.start
		};
	}
}

/**
 * A broken rhythm written after a chord symbol or annotation (`c"Am"<A`, `(A>"4".e)`) belongs to the notes
 * around them, as abc2midi and a musician read it; abcjs drops it there, so the `<`/`>` is moved before the
 * quoted text (which still stands before the next note). Music lines only; the length of every line stays
 * the same, so the parser's positions still name the right line.
 */
export function brokenRhythmFirst(text: string): string {
	if (!/"[<>]/.test(text)) return text;
	return text
		.split('\n')
		.map((line) =>
			/^[A-Za-z]:|^%/.test(line) || !/"[<>]/.test(line)
				? line
				: line.replace(/"[^"]*"[<>]+|[^"]+|"/g, (part) => {
						const m = /^("[^"]*")([<>]+)$/.exec(part);
						return m ? m[2] + m[1] : part;
					})
		)
		.join('\n');
}

const STEP_PC = [0, 2, 4, 5, 7, 9, 11];
const LETTER_STEP: Record<string, number> = { c: 0, d: 1, e: 2, f: 3, g: 4, a: 5, b: 6 };
const ACCIDENTAL: Record<string, number> = {
	sharp: 1,
	flat: -1,
	natural: 0,
	dblsharp: 2,
	dblflat: -2,
	quartersharp: 0,
	quarterflat: 0
};
const LETTER_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** Alterations of the signature per diatonic step (0 = C … 6 = B), any octave. */
function signature(key: AbcjsKey | AbcjsElement | undefined): number[] {
	const alter = [0, 0, 0, 0, 0, 0, 0];
	for (const a of key?.accidentals ?? []) {
		const step = LETTER_STEP[a.note.toLowerCase()];
		if (step !== undefined) alter[step] = ACCIDENTAL[a.acc] ?? 0;
	}
	return alter;
}

const MODE_KERN: Record<string, { family: 'major' | 'minor'; kern: string }> = {
	'': { family: 'major', kern: '' },
	maj: { family: 'major', kern: '' },
	ion: { family: 'major', kern: '' },
	m: { family: 'minor', kern: '' },
	min: { family: 'minor', kern: '' },
	aeo: { family: 'minor', kern: '' },
	dor: { family: 'minor', kern: ':dor' },
	phr: { family: 'minor', kern: ':phr' },
	loc: { family: 'minor', kern: ':loc' },
	lyd: { family: 'major', kern: ':lyd' },
	mix: { family: 'major', kern: ':mix' }
};

/**
 * The key a `K:` field names, as the encoder takes a kern designation: the tonic in octave 4 and whether
 * the mode sounds major or minor (Ionian, Lydian, Mixolydian move to C; Aeolian, Dorian, Phrygian, Locrian
 * to A, as the model's keys are chosen), named kern-style (`G`, `e`, `a:dor`, `D:mix`). `K:none`, a
 * highland-pipe key or no tonic: undefined, and the key is estimated.
 */
export function abcKeyDesignation(key: AbcjsKey | undefined): KeyDesignation | undefined {
	if (!key || !/^[A-G]$/.test(key.root)) return undefined;
	const mode = MODE_KERN[key.mode.toLowerCase().slice(0, 3)] ?? MODE_KERN[key.mode.toLowerCase()];
	if (!mode) return undefined;
	const alter = key.acc === 'sharp' ? 1 : key.acc === 'flat' ? -1 : 0;
	const letter = mode.family === 'major' ? key.root : key.root.toLowerCase();
	const accidental = alter === 1 ? '#' : alter === -1 ? '-' : '';
	return {
		name: letter + accidental + mode.kern,
		mode: mode.family,
		tonicMidi: 60 + LETTER_PC[key.root] + alter
	};
}

/** A meter as kern writes it (`6/8`; `C` is 4/4, `C|` 2/2; `2+3/8` is 5/8), or null for none. */
function meterText(m: AbcjsMeter | AbcjsElement | undefined): string | null {
	if (!m) return null;
	if (m.type === 'common_time') return '4/4';
	if (m.type === 'cut_time') return '2/2';
	const v = m.value?.[0];
	if (m.type !== 'specified' || !v || !v.den) return null;
	const num = v.num
		.split('+')
		.map(Number)
		.reduce((a, b) => a + b, 0);
	const den = Number(v.den);
	return Number.isFinite(num) && num > 0 && Number.isFinite(den) && den > 0 ? `${num}/${den}` : null;
}

/** An element of the written voice: a note or rest already pitched, a bar line, or a meter change. */
type Written =
	| { kind: 'event'; event: KernEvent; tuplet: boolean; chords: string[] }
	| { kind: 'bar'; type: string; startEnding?: string; endEnding?: boolean }
	| { kind: 'meter'; meter: string | null }
	| { kind: 'part'; label: string };

/**
 * The parts a `P:` order in the header plays (`AABB`, `A2B2`, `(AB)2C`, `A.B.C`): letters, each or a
 * bracketed group repeated by a number after it. Null when the order holds no part.
 */
export function partOrder(text: string): string[] | null {
	let i = 0;
	const seq = (): string[] => {
		const out: string[] = [];
		while (i < text.length && text[i] !== ')') {
			const c = text[i];
			let item: string[] | null = null;
			if (c === '(') {
				i++;
				item = seq();
				if (text[i] === ')') i++;
			} else if (/[A-Za-z]/.test(c)) {
				item = [c];
				i++;
			} else {
				i++;
				continue;
			}
			const m = /^\d+/.exec(text.slice(i));
			const times = m ? Math.min(Number(m[0]), 16) : 1;
			if (m) i += m[0].length;
			// A bound on hostile orders (`((((A16)16)16)16)`): no tune plays a thousand parts.
			for (let k = 0; k < times && out.length < MAX_PARTS; k++) out.push(...item.slice(0, MAX_PARTS));
		}
		return out;
	};
	const out: string[] = [];
	while (i < text.length) {
		out.push(...seq());
		i++;
	}
	return out.length ? out : null;
}

/** Numbers an ending is played on: `1`, `2`, `1,3`, `1-3`. */
function endingPasses(label: string): Set<number> {
	const out = new Set<number>();
	for (const part of label.split(',')) {
		const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
		if (!m) continue;
		const a = Number(m[1]);
		const b = m[2] ? Number(m[2]) : a;
		for (let i = a; i <= b && i - a < 16; i++) out.add(i);
	}
	return out;
}

type PlayResult =
	| { ok: true; song: KernSong; chords: AbcChord[] }
	| { ok: false; status: 'skipped'; reason: string; line: number };

/** Pitches the first voice, expands its repeats and gives the song as the kern reader would. */
function playThrough(tune: AbcjsTune, t: TuneText, path: string, encoding: TextEncoding): PlayResult {
	const lineStarts = [0];
	for (let i = t.text.indexOf('\n'); i >= 0; i = t.text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
	const lineOf = (char: number | undefined): number => {
		if (char === undefined) return t.start;
		let lo = 0;
		let hi = lineStarts.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (lineStarts[mid] <= char) lo = mid;
			else hi = mid - 1;
		}
		return t.lines[Math.min(lo, t.lines.length - 1)] ?? t.start;
	};
	const tokenOf = (el: AbcjsElement) =>
		el.startChar !== undefined && el.endChar !== undefined
			? t.text.slice(el.startChar, el.endChar).trim()
			: '';

	const written: Written[] = [];
	let firstKey: AbcjsKey | undefined;
	let firstMeter: string | null | undefined;
	let voices = 0;
	let graceNotes = 0;
	let chordNotes = 0;
	let keyChanges = 0;
	let currentKey: string | undefined;
	let sig = [0, 0, 0, 0, 0, 0, 0];
	let barAlter = new Map<number, number>();
	let meter: string | null = null;
	let tupletLeft = 0;
	let tupletMultiplier = 1;
	let lastTie: { step: number; midi: number } | null = null;

	const setKey = (key: AbcjsKey | AbcjsElement | undefined) => {
		if (!key) return;
		const name = `${key.root}${key.acc}${key.mode}|${(key.accidentals ?? []).map((a) => a.acc + a.note).join()}`;
		if (currentKey !== undefined && name !== currentKey) keyChanges++;
		currentKey = name;
		sig = signature(key);
	};
	const setMeter = (text: string | null, startOfTune: boolean) => {
		if (startOfTune) firstMeter = text;
		else if (text !== meter) written.push({ kind: 'meter', meter: text });
		meter = text;
	};

	for (const line of tune.lines) {
		if (!line.staff) continue;
		voices = Math.max(
			voices,
			line.staff.reduce((n, s) => n + (s.voices?.length ?? 0), 0)
		);
		const staff = line.staff[0];
		if (!staff) continue;
		if (firstKey === undefined && staff.key) firstKey = staff.key;
		setKey(staff.key);
		const m = meterText(staff.meter);
		if (staff.meter) setMeter(m, firstMeter === undefined);
		else if (firstMeter === undefined) firstMeter = null;
		for (const el of staff.voices?.[0] ?? []) {
			if (el.el_type === 'key') {
				setKey(el);
				continue;
			}
			if (el.el_type === 'part') {
				// A part is named by the first letter of its label, as abc2midi reads it (`P:D.S.` is part D).
				const label = el.title?.trim().charAt(0) ?? '';
				if (/^[A-Za-z]$/.test(label)) written.push({ kind: 'part', label });
				continue;
			}
			if (el.el_type === 'meter') {
				setMeter(meterText(el), false);
				continue;
			}
			if (el.el_type === 'bar') {
				barAlter = new Map();
				written.push({
					kind: 'bar',
					type: el.type ?? 'bar_thin',
					...(el.startEnding !== undefined ? { startEnding: el.startEnding } : {}),
					...(el.endEnding ? { endEnding: true } : {})
				});
				continue;
			}
			if (el.el_type !== 'note' || el.duration === undefined) continue;
			if (el.rest?.type === 'spacer') continue;
			if (el.gracenotes?.length) graceNotes += el.gracenotes.length;
			if (el.startTriplet) {
				tupletLeft = Math.max(1, el.tripletR ?? el.startTriplet);
				tupletMultiplier = el.tripletMultiplier ?? 1;
			}
			const inTuplet = tupletLeft > 0;
			const quarterLength = el.duration * 4 * (inTuplet ? tupletMultiplier : 1);
			if (el.endTriplet) tupletLeft = 0;
			if (quarterLength <= 0) continue;
			const line = lineOf(el.startChar);
			const token = tokenOf(el);
			const chords = (el.chord ?? []).filter((c) => c.position === 'default').map((c) => c.name.trim());
			let event: KernEvent;
			if (el.rest || !el.pitches?.length) {
				event = { kind: 'rest', quarterLength, tuplet: inTuplet, line, token };
				lastTie = null;
			} else {
				if (el.pitches.length > 1) chordNotes++;
				let best: { midi: number; step: number; tie: boolean; endTie: boolean } | null = null;
				for (const p of el.pitches) {
					const octave = Math.floor(p.pitch / 7);
					const step = p.pitch - octave * 7;
					// ABC 2.1's default (`%%propagate-accidentals pitch`, as abc2midi plays): an accidental
					// holds for that letter in every octave to the end of the bar.
					if (p.accidental !== undefined) barAlter.set(step, ACCIDENTAL[p.accidental] ?? 0);
					const alter = barAlter.get(step) ?? sig[step];
					let midi = 60 + octave * 12 + STEP_PC[step] + alter;
					// A note tied over a bar line keeps the pitch it is tied from.
					if (p.endTie && lastTie && lastTie.step === p.pitch && p.accidental === undefined)
						midi = lastTie.midi;
					if (!best || midi > best.midi)
						best = { midi, step: p.pitch, tie: p.startTie !== undefined, endTie: p.endTie === true };
				}
				const b = best as { midi: number; step: number; tie: boolean; endTie: boolean };
				event = { kind: 'note', midi: b.midi, quarterLength, tuplet: inTuplet, line, token };
				if (b.tie) event.tie = b.endTie ? 'continue' : 'start';
				else if (b.endTie) event.tie = 'stop';
				lastTie = b.tie ? { step: b.step, midi: b.midi } : null;
			}
			if (inTuplet) tupletLeft--;
			written.push({ kind: 'event', event, tuplet: inTuplet, chords });
		}
	}

	// Parts in the order the header's P: gives, when every part it names is written.
	let played: Written[] = written;
	let partsOrdered = '';
	const order = tune.metaText?.partOrder ? partOrder(tune.metaText.partOrder) : null;
	if (order && written.some((w) => w.kind === 'part')) {
		const segments = new Map<string, Written[]>();
		const preamble: Written[] = [];
		let current = preamble;
		for (const w of written) {
			if (w.kind === 'part') {
				current = [w];
				if (!segments.has(w.label)) segments.set(w.label, current);
			} else current.push(w);
		}
		if (order.every((l) => segments.has(l))) {
			played = [...preamble, ...order.flatMap((l) => segments.get(l) as Written[])];
			partsOrdered = tune.metaText.partOrder as string;
		}
	}

	// Play it through: repeats and endings expanded.
	const events: KernEvent[] = [];
	const chords: AbcChord[] = [];
	const barlines: number[] = [];
	const meters: { at: number; meter: string }[] = [];
	let at = 0;
	let sectionStart = 0;
	let pass = 1;
	let finished = false; // the last repeat was played through: the next plain music starts a new section
	let skipping = false;
	let afterSkip = false; // the next note is the first of a later ending, played after skipping an earlier one
	let inEnding = false;
	let expanded = false;
	let endingsSkipped = false;
	let repeatOpen = false; // a `|:` (or `::`) waits for its `:|`
	const passesOf = (from: number, to: number) => {
		let most = 2;
		for (let j = from; j < played.length && j <= to + 1; j++) {
			const w = played[j];
			if (w.kind === 'event' && j > to) break;
			if (w.kind === 'bar' && w.startEnding)
				for (const n of endingPasses(w.startEnding)) most = Math.max(most, n);
		}
		return Math.min(most, 16);
	};
	let guard = 0;
	for (let i = 0; i < played.length; i++) {
		if (++guard > MAX_PLAYED * 4 || events.length > MAX_PLAYED)
			return {
				ok: false,
				status: 'skipped',
				reason: `Its repeats play more than ${MAX_PLAYED.toLocaleString('en')} notes, so it was not read.`,
				line: t.start
			};
		const w = played[i];
		if (w.kind === 'part') {
			// A part played by the header's order starts afresh: its repeats go back no further than its
			// start. A part label with no order is only a label.
			if (!partsOrdered) continue;
			sectionStart = i + 1;
			pass = 1;
			finished = false;
			inEnding = false;
			skipping = false;
			continue;
		}
		if (w.kind === 'meter') {
			if (!skipping && w.meter) meters.push({ at, meter: w.meter });
			continue;
		}
		if (w.kind === 'event') {
			if (skipping) continue;
			if (finished && !inEnding) {
				pass = 1;
				finished = false;
			}
			const event = { ...w.event };
			// A note tied into the first ending (`G4-|1 G2 …:|2 G2`) is tied into the second as well: the
			// written tie reaches only the first ending's note.
			const before = events[events.length - 1];
			if (
				afterSkip &&
				event.kind === 'note' &&
				before?.kind === 'note' &&
				(before.tie === 'start' || before.tie === 'continue') &&
				before.midi === event.midi &&
				event.tie !== 'stop' &&
				event.tie !== 'continue'
			)
				event.tie = event.tie === 'start' ? 'continue' : 'stop';
			afterSkip = false;
			events.push(event);
			for (const name of w.chords) chords.push({ at, name });
			at += w.event.quarterLength;
			continue;
		}
		// A bar line: first what it closes, then what it opens.
		const type = w.type;
		const closes = type === 'bar_right_repeat' || type === 'bar_dbl_repeat';
		const opens = type === 'bar_left_repeat' || type === 'bar_dbl_repeat';
		if (closes || opens) repeatOpen = opens;
		if (skipping) {
			// A skipped ending runs to the next ending, a closing of endings, a double bar or a new repeat.
			if (
				w.startEnding !== undefined ||
				w.endEnding ||
				opens ||
				/thin_thin|thin_thick|thick_thin/.test(type)
			) {
				skipping = false;
				afterSkip = w.startEnding !== undefined;
			} else continue;
			if (closes && !opens) {
				// The skipped ending's own `:|`.
				if (w.startEnding === undefined) continue;
			}
		} else {
			if (barlines[barlines.length - 1] !== at) barlines.push(at);
			if (closes) {
				const passes = passesOf(sectionStart, i);
				if (pass < passes) {
					pass++;
					repeatOpen = true; // played again from its start
					expanded = true;
					inEnding = false;
					i = sectionStart - 1;
					continue;
				}
				finished = true;
				sectionStart = i + 1;
				// The pass number holds only for a later ending that starts right here (`:|[2`, `:| [2`);
				// a `[1` there starts the next section's endings.
				const next = played[i + 1];
				const label = w.startEnding ?? (next?.kind === 'bar' ? next.startEnding : undefined);
				if (label === undefined || endingPasses(label).has(1)) {
					pass = 1;
					finished = false;
				}
			}
			if (w.endEnding || /thin_thin|thin_thick|thick_thin/.test(type)) {
				inEnding = false;
				// A double bar `||` (not the closing `|]`) outside an open `|:` is where a later `:|` with
				// no `|:` goes back to, as abc2midi plays it.
				// A new section starts there: its repeat counts from one again (a `[2` played on the
				// second pass no longer counts; abc2midi instead carries that pass on and plays the next
				// section a third time, see docs/formats-in.md).
				if (w.startEnding === undefined && !closes && !repeatOpen && type === 'bar_thin_thin') {
					sectionStart = i + 1;
					pass = 1;
					finished = false;
				}
			}
		}
		if (opens) {
			sectionStart = i + 1;
			pass = 1;
			finished = false;
			inEnding = false;
		}
		if (w.startEnding !== undefined) {
			inEnding = true;
			if (!endingPasses(w.startEnding).has(pass)) {
				skipping = true;
				endingsSkipped = true;
			}
		}
	}
	// Bar lines strictly inside the tune: one at its start would hide a pickup after `|:`.
	while (barlines.length && barlines[barlines.length - 1] >= at) barlines.pop();
	while (barlines.length && barlines[0] <= 0) barlines.shift();

	if (!events.some((e) => e.kind === 'note'))
		return { ok: false, status: 'skipped', reason: 'The tune has no notes.', line: t.start };

	// Tuplets onto the 16th grid: each note's start and end rounded to the nearest 16th.
	let tupletNotes = 0;
	let droppedTuplet = 0;
	const grid = (q: number) => Math.round(q * 4 + 1e-9) / 4;
	const gridded: KernEvent[] = [];
	let start = 0;
	for (const e of events) {
		const end = start + e.quarterLength;
		if (e.tuplet) {
			tupletNotes++;
			const ql = grid(end) - grid(start);
			if (ql <= 0) droppedTuplet++;
			else gridded.push({ ...e, quarterLength: ql, tuplet: false });
		} else gridded.push(e);
		start = end;
	}

	const designation = abcKeyDesignation(firstKey);
	const meterFirst = firstMeter ?? undefined;
	const allMeters = meterFirst ? [{ at: 0, meter: meterFirst }, ...meters] : meters;
	const remarks: string[] = [];
	if (voices > 1) remarks.push(`first voice of ${voices}`);
	if (partsOrdered) remarks.push(`parts played in the order P:${partsOrdered}`);
	if (expanded || endingsSkipped) remarks.push('repeats played out');
	if (tupletNotes > 0)
		remarks.push(
			`${tupletNotes} tuplet note${tupletNotes === 1 ? '' : 's'} put on the 16th grid (each start and end to the nearest 16th)` +
				(droppedTuplet > 0 ? `, ${droppedTuplet} of them too short to keep` : '')
		);
	if (graceNotes > 0) remarks.push(`${graceNotes} grace note${graceNotes === 1 ? '' : 's'} dropped`);
	if (chordNotes > 0)
		remarks.push(`highest note kept of ${chordNotes} chord${chordNotes === 1 ? '' : 's'} in the melody`);
	if (keyChanges > 0)
		remarks.push(
			`${keyChanges} key change${keyChanges === 1 ? '' : 's'} inside the tune, moved by its first key`
		);

	const song: KernSong = {
		path,
		encoding,
		refs: {},
		meterNumeric: meterFirst !== undefined,
		events: gridded,
		barlines,
		meters: allMeters,
		kernSpines: 0,
		spineTypes: [],
		graceNotes,
		remarks
	};
	const title = tune.metaText?.title?.trim() || t.title;
	if (title) {
		song.title = title;
		song.refs.OTL = title;
	}
	if (meterFirst) song.meter = meterFirst;
	if (designation) {
		song.keyDesignation = designation;
		song.music21Key = designation;
	}
	return { ok: true, song, chords };
}

/**
 * Steps (16ths from the start) where a note tied from the one before begins: the encoder writes each
 * written note with its own length (so the limits on note values are kern's), and these onsets then
 * become holds, so a tie sounds as one note (as abc2midi and a musician play it).
 */
export function tiedSteps(events: readonly KernEvent[]): number[] {
	const out: number[] = [];
	let at = 0;
	let prev: KernEvent | null = null;
	for (const e of events) {
		if (
			e.kind === 'note' &&
			(e.tie === 'stop' || e.tie === 'continue') &&
			prev?.kind === 'note' &&
			(prev.tie === 'start' || prev.tie === 'continue') &&
			prev.midi === e.midi
		)
			out.push(Math.round(at * 4 + 1e-9));
		at += e.quarterLength;
		prev = e;
	}
	return out;
}
