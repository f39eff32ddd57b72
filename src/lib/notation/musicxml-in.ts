/**
 * The MusicXML reader (`score-partwise`, as MuseScore, Finale, Sibelius and this app write it): the first
 * part, its first voice on its first staff, in the shape the `**kern` reader gives, so the encoder treats
 * both alike and by the same rules — chords by their highest note, grace notes left out, ties left as two
 * notes, tuplets kept at their exact length (the encoder skips them unless "quantize tuplets" is on),
 * repeats and voltas played out (`playOrder`; D.C. and D.S. reported, not followed). saxes (a small, strict, well-kept SAX parser with no DOM) reads the XML, so the same
 * code runs in the worker, in Node and on the command line. It never throws: a file it cannot read gives a
 * reason.
 */
import { SaxesParser } from 'saxes';
import { decodeBytes, type TextEncoding } from '../kern/decode';
import type { KernEvent, KernSong, KeyDesignation } from '../kern/reader';

/** An element of the XML as far as the reader needs it. */
interface El {
	name: string;
	attrs: Record<string, string>;
	children: El[];
	text: string;
	line: number;
}

export type MusicXmlResult =
	| { ok: true; song: KernSong }
	| { ok: false; status: 'skipped' | 'unreadable'; reason: string; line?: number };

/** The most elements read from one file: a guard for the worker's memory on hostile input. */
const MAX_ELEMENTS = 2_000_000;

/** Parses XML text into a light tree. Throws with the parser's message and line. */
function parseXml(text: string): El {
	const parser = new SaxesParser({ position: true });
	const root: El = { name: '#root', attrs: {}, children: [], text: '', line: 0 };
	const stack: El[] = [root];
	let count = 0;
	let error: Error | null = null;
	parser.on('error', (e) => {
		error ??= e;
	});
	parser.on('opentag', (tag) => {
		if (++count > MAX_ELEMENTS) throw new Error(`more than ${MAX_ELEMENTS.toLocaleString('en')} elements`);
		const el: El = {
			name: tag.name,
			attrs: tag.attributes as Record<string, string>,
			children: [],
			text: '',
			line: parser.line
		};
		stack[stack.length - 1].children.push(el);
		if (!tag.isSelfClosing) stack.push(el);
	});
	parser.on('text', (t) => {
		if (stack.length > 1) stack[stack.length - 1].text += t;
	});
	parser.on('closetag', (tag) => {
		if (!tag.isSelfClosing) stack.pop();
	});
	parser.write(text).close();
	if (error) throw error;
	return root;
}

const child = (el: El | undefined, name: string) => el?.children.find((c) => c.name === name);
const text = (el: El | undefined, name: string) => child(el, name)?.text.trim();
const num = (s: string | undefined) =>
	s !== undefined && s !== '' && Number.isFinite(Number(s)) ? Number(s) : undefined;

const STEP_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
/** Semitones from the major key's tonic (same signature) to the mode's tonic. */
const MODE_OFFSET: Record<string, number> = {
	major: 0,
	ionian: 0,
	minor: 9,
	aeolian: 9,
	dorian: 2,
	phrygian: 4,
	lydian: 5,
	mixolydian: 7,
	locrian: 11
};
const MODE_KERN: Record<string, string> = {
	dorian: ':dor',
	phrygian: ':phr',
	lydian: ':lyd',
	mixolydian: ':mix',
	locrian: ':loc'
};
const MAJOR_NAMES = ['C', 'D-', 'D', 'E-', 'E', 'F', 'F#', 'G', 'A-', 'A', 'B-', 'B'];
const SHARP_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/**
 * The key a `<key>` names when it gives its mode (`<fifths>2</fifths><mode>major</mode>` is D major), as
 * the encoder takes a kern designation: major-like modes move to C, minor-like ones to A. No mode: undefined,
 * and the key is estimated from the notes (as for a kern file without a designation).
 */
export function musicXmlKey(fifths: number, mode: string | undefined): KeyDesignation | undefined {
	const m = mode?.toLowerCase();
	if (!m || MODE_OFFSET[m] === undefined || !Number.isInteger(fifths) || Math.abs(fifths) > 7)
		return undefined;
	const majorTonic = (((fifths * 7) % 12) + 12) % 12;
	const tonic = (majorTonic + MODE_OFFSET[m]) % 12;
	const family = m === 'major' || m === 'ionian' || m === 'lydian' || m === 'mixolydian' ? 'major' : 'minor';
	// Spelled with the signature's accidentals: flats in flat keys, sharps in sharp ones.
	const spelled = (fifths < 0 ? MAJOR_NAMES : SHARP_NAMES)[tonic];
	const name = (family === 'major' ? spelled : spelled.toLowerCase()) + (MODE_KERN[m] ?? '');
	return { name, mode: family, tonicMidi: 60 + tonic };
}

/** The most measures a file's repeats may play: a guard against hostile repeat counts. */
const MAX_PLAYED_MEASURES = 20_000;

/** A measure as written, with what the play order needs. */
interface WrittenMeasure {
	/** Start and end in quarter notes, as written (no repeats). */
	start: number;
	end: number;
	/** Its notes: `onsets[from]` up to (not including) `onsets[to]`. */
	from: number;
	to: number;
	/** The meter a `<time>` in it sets. */
	meter?: string;
	/** `<repeat direction="forward">` on its left. */
	forward?: boolean;
	/** `<repeat direction="backward">` on its right, with its `times` (how often the section sounds). */
	backward?: number | true;
	/** The passes of a volta starting here (`<ending number="1, 2" type="start">`). */
	endingStart?: number[];
	/** A volta ends on its right (`type="stop"` or `"discontinue"`). */
	endingStop?: boolean;
}

function readBarline(el: El, wm: WrittenMeasure) {
	const repeat = child(el, 'repeat');
	if (repeat?.attrs.direction === 'forward') wm.forward = true;
	if (repeat?.attrs.direction === 'backward') {
		const times = num(repeat.attrs.times);
		wm.backward = times !== undefined && times >= 1 ? Math.min(Math.round(times), 16) : true;
	}
	const ending = child(el, 'ending');
	if (ending?.attrs.type === 'start') {
		const passes = (ending.attrs.number ?? '')
			.split(/[\s,]+/)
			.map(Number)
			.filter((n) => Number.isInteger(n) && n >= 1 && n <= 16);
		if (passes.length) wm.endingStart = passes;
	}
	if (ending?.attrs.type === 'stop' || ending?.attrs.type === 'discontinue') wm.endingStop = true;
}

/** D.C., D.S., Fine and coda marks (a `<sound>` attribute, a sign or words), reported, not played. */
function readJumps(el: El, jumps: Set<string>) {
	const visit = (e: El) => {
		if (e.name === 'sound') {
			if (e.attrs.dacapo === 'yes') jumps.add('D.C.');
			if (e.attrs.dalsegno) jumps.add('D.S.');
			if (e.attrs.tocoda) jumps.add('the jump to the coda');
		}
		if (e.name === 'words' && /\b(D\.\s*C\.|D\.\s*S\.|da capo|dal segno)/i.test(e.text))
			jumps.add(/D\.\s*S\.|dal segno/i.test(e.text) ? 'D.S.' : 'D.C.');
		for (const c of e.children) visit(c);
	};
	visit(el);
}

/**
 * The order the measures sound in, repeats and voltas played out as a musician plays them: a backward
 * repeat goes back to the last forward repeat (or the end of the last section, or the start) and the
 * section sounds `times` times (2 unless it says; more when its voltas are numbered further, `1, 2` then
 * `3`); a volta sounds only on the passes its number names. D.C. and D.S. are not followed.
 */
export function playOrder(measures: readonly WrittenMeasure[]): number[] {
	// Which volta each measure belongs to: from its start to its stop (or the next volta or repeat).
	const volta: (number[] | undefined)[] = [];
	let current: number[] | undefined;
	for (const m of measures) {
		if (m.endingStart) current = m.endingStart;
		else if (m.forward) current = undefined;
		volta.push(current);
		if (m.endingStop || m.backward) current = undefined;
	}
	const timesOf = (from: number, at: number) => {
		const own = measures[at].backward;
		if (typeof own === 'number') return own;
		// The section and the voltas right after it: each measure is looked at once per pass (no scan to
		// the end of a hostile file of a repeat in every measure).
		let most = 2;
		for (let j = from; j < measures.length && (j === from || !measures[j].forward); j++) {
			if (j > at && !volta[j]) break;
			for (const n of measures[j].endingStart ?? []) most = Math.max(most, n);
		}
		return most;
	};
	const order: number[] = [];
	let sectionStart = 0;
	let pass = 1;
	let jumped = false;
	for (let i = 0; i < measures.length && order.length <= MAX_PLAYED_MEASURES; i++) {
		const m = measures[i];
		if (m.forward && !jumped) {
			sectionStart = i;
			pass = 1;
		}
		jumped = false;
		const v = volta[i];
		if (v && !v.includes(pass)) continue;
		order.push(i);
		if (m.backward) {
			if (pass < timesOf(sectionStart, i)) {
				pass++;
				i = sectionStart - 1;
				jumped = true;
				continue;
			}
			sectionStart = i + 1;
			if (!volta[i + 1]) pass = 1;
		} else if (v && m.endingStop && !volta[i + 1]) {
			sectionStart = i + 1;
			pass = 1;
		}
	}
	return order;
}

/** Reads a MusicXML file given as bytes (any encoding the kern reader decodes) or text. Never throws. */
export function readMusicXml(input: Uint8Array | string, path = ''): MusicXmlResult {
	let xml: string;
	let encoding: TextEncoding = 'utf-8';
	if (typeof input === 'string') xml = input;
	else {
		if (input.length === 0) return { ok: false, status: 'skipped', reason: 'The file is empty.' };
		({ text: xml, encoding } = decodeBytes(input));
	}
	if (xml.charCodeAt(0) === 0xfeff) xml = xml.slice(1);
	let root: El;
	try {
		root = parseXml(xml);
	} catch (e) {
		const message = (e as Error).message.replace(/^[^:]*:(\d+):(\d+): /, 'line $1, column $2: ');
		return { ok: false, status: 'unreadable', reason: `This is not well-formed XML (${message}).` };
	}
	try {
		return read(root, path, encoding);
	} catch (e) {
		// A guard for bugs: a file must never stop an import.
		return {
			ok: false,
			status: 'unreadable',
			reason: `The reader failed on this file: ${(e as Error).message}.`
		};
	}
}

function read(root: El, path: string, encoding: TextEncoding): MusicXmlResult {
	const score = root.children[0];
	if (!score || (score.name !== 'score-partwise' && score.name !== 'score-timewise'))
		return {
			ok: false,
			status: 'skipped',
			reason: `This XML file is not a MusicXML score (its root is <${score?.name ?? 'nothing'}>).`
		};
	if (score.name === 'score-timewise')
		return {
			ok: false,
			status: 'skipped',
			reason:
				'The score is written measure by measure (score-timewise), which is not read; export it part by part (score-partwise).'
		};
	const parts = score.children.filter((c) => c.name === 'part');
	const part = parts[0];
	if (!part) return { ok: false, status: 'skipped', reason: 'The score has no part.' };

	let divisions = 1;
	let firstFifths: number | undefined;
	let firstMode: string | undefined;
	let meter: string | undefined;
	const meters: { at: number; meter: string }[] = [];
	const barlines: number[] = [];
	let voice: string | undefined;
	const voices = new Set<string>();
	let staves = 1;
	let graceNotes = 0;
	let chords = 0;
	let keyChanges = 0;
	let lastFifths: number | undefined;
	// Notes of the chosen voice by their onset (quarter notes from the start).
	const onsets: { at: number; end: number; event: KernEvent }[] = [];
	// Each written measure: where it starts and ends as written, its notes (a range of `onsets`), the
	// meter it sets and its repeat marks, so that it can be played out in order afterwards.
	const written: WrittenMeasure[] = [];
	const jumps = new Set<string>();
	let measureStart = 0;
	for (const measure of part.children.filter((c) => c.name === 'measure')) {
		const wm: WrittenMeasure = { start: measureStart, end: measureStart, from: onsets.length, to: 0 };
		const metersBefore = meters.length;
		for (const el of measure.children) {
			if (el.name === 'barline') readBarline(el, wm);
			if (el.name === 'direction' || el.name === 'sound') readJumps(el, jumps);
		}
		let cursor = measureStart;
		let measureEnd = measureStart;
		let lastOnset = measureStart;
		for (const el of measure.children) {
			if (el.name === 'attributes') {
				divisions = num(text(el, 'divisions')) ?? divisions;
				staves = num(text(el, 'staves')) ?? staves;
				const key = child(el, 'key');
				const fifths = num(text(key, 'fifths'));
				if (fifths !== undefined) {
					if (firstFifths === undefined && onsets.length === 0) {
						firstFifths = fifths;
						firstMode = text(key, 'mode');
					} else if (fifths !== lastFifths) keyChanges++;
					lastFifths = fifths;
				}
				const time = child(el, 'time');
				if (time) {
					const beats = text(time, 'beats');
					const type = text(time, 'beat-type');
					const total = beats
						?.split('+')
						.map(Number)
						.reduce((a, b) => a + b, 0);
					const m =
						total && type && Number.isFinite(total) && num(type) ? `${total}/${num(type)}` : undefined;
					if (m) {
						if (meter === undefined && onsets.length === 0) meter = m;
						if (meters[meters.length - 1]?.meter !== m) meters.push({ at: measureStart, meter: m });
					}
				}
				continue;
			}
			if (el.name === 'backup' || el.name === 'forward') {
				const d = (num(text(el, 'duration')) ?? 0) / divisions;
				cursor += el.name === 'backup' ? -d : d;
				measureEnd = Math.max(measureEnd, cursor);
				continue;
			}
			if (el.name !== 'note') continue;
			if (child(el, 'grace')) {
				graceNotes++;
				continue;
			}
			const isChord = !!child(el, 'chord');
			const duration = (num(text(el, 'duration')) ?? 0) / divisions;
			const at = isChord ? lastOnset : cursor;
			if (!isChord) {
				lastOnset = cursor;
				cursor += duration;
				measureEnd = Math.max(measureEnd, cursor);
			}
			const v = text(el, 'voice') ?? '1';
			const staff = text(el, 'staff') ?? '1';
			voices.add(`${staff}/${v}`);
			if (staff !== '1') continue;
			voice ??= v;
			if (v !== voice || duration <= 0) continue;
			const pitch = child(el, 'pitch');
			const tuplet = !!child(el, 'time-modification');
			const ties = el.children.filter((c) => c.name === 'tie').map((c) => c.attrs.type);
			const tie =
				ties.includes('start') && ties.includes('stop')
					? 'continue'
					: ties.includes('start')
						? 'start'
						: ties.includes('stop')
							? 'stop'
							: undefined;
			const token = pitch
				? `${text(pitch, 'step')}${text(pitch, 'octave')}${num(text(pitch, 'alter')) ? `(${text(pitch, 'alter')})` : ''}`
				: 'rest';
			let event: KernEvent;
			if (child(el, 'rest') || !pitch)
				event = { kind: 'rest', quarterLength: duration, tuplet, line: el.line, token };
			else {
				const step = STEP_PC[text(pitch, 'step')?.toUpperCase() ?? ''];
				const octave = num(text(pitch, 'octave'));
				if (step === undefined || octave === undefined)
					return {
						ok: false,
						status: 'unreadable',
						reason: `Line ${el.line}: a note has no step or octave it can be read by.`,
						line: el.line
					};
				const midi = 12 * (octave + 1) + step + Math.round(num(text(pitch, 'alter')) ?? 0);
				event = { kind: 'note', midi, quarterLength: duration, tuplet, line: el.line, token };
				if (tie) event.tie = tie;
			}
			if (isChord) {
				// A chord gives its highest note, as kern chords do.
				const prev = onsets[onsets.length - 1];
				if (prev && Math.abs(prev.at - at) < 1e-9 && event.kind === 'note') {
					chords++;
					if ((prev.event.midi ?? -1) < (event.midi as number))
						prev.event = { ...event, quarterLength: prev.event.quarterLength };
				}
				continue;
			}
			onsets.push({ at, end: at + duration, event });
		}
		const implicit = measure.attrs.implicit === 'yes';
		wm.end = measureEnd;
		wm.to = onsets.length;
		if (meters.length > metersBefore) wm.meter = meters[meters.length - 1].meter;
		written.push(wm);
		measureStart = measureEnd;
		if (!implicit || barlines.length > 0 || measureStart > 0) barlines.push(measureStart);
	}

	// Repeats and voltas played out: the measures in the order they sound.
	const order = playOrder(written);
	const repeated = order.length !== written.length || order.some((m, i) => m !== i);
	if (order.length > MAX_PLAYED_MEASURES)
		return {
			ok: false,
			status: 'skipped',
			reason: `Its repeats play more than ${MAX_PLAYED_MEASURES.toLocaleString('en')} measures, so it was not read.`
		};
	if (repeated) {
		const played: typeof onsets = [];
		barlines.length = 0;
		meters.length = 0;
		let t = 0;
		for (const i of order) {
			const wm = written[i];
			if (wm.meter && meters[meters.length - 1]?.meter !== wm.meter) meters.push({ at: t, meter: wm.meter });
			for (const o of onsets.slice(wm.from, wm.to))
				played.push({ at: o.at - wm.start + t, end: o.end - wm.start + t, event: { ...o.event } });
			t += wm.end - wm.start;
			barlines.push(t);
		}
		onsets.length = 0;
		onsets.push(...played);
	}

	// The voice's notes in time; a gap (a hidden rest, a `<forward>`) becomes a rest.
	const events: KernEvent[] = [];
	let at = 0;
	for (const o of onsets) {
		if (o.at > at + 1e-9)
			events.push({
				kind: 'rest',
				quarterLength: o.at - at,
				tuplet: false,
				line: o.event.line,
				token: 'forward'
			});
		if (o.at < at - 1e-9) continue; // overlaps an earlier note of the voice
		events.push(o.event);
		at = o.end;
	}
	if (!events.some((e) => e.kind === 'note'))
		return { ok: false, status: 'skipped', reason: 'The first part has no notes in its first voice.' };

	const remarks: string[] = [];
	if (repeated) remarks.push('repeats played out');
	if (jumps.size > 0)
		remarks.push(`${[...jumps].join(', ')} not played out (the music is read once as written there)`);
	if (parts.length > 1) remarks.push(`first part of ${parts.length}`);
	if (voices.size > 1)
		remarks.push(`first voice of ${voices.size}${staves > 1 ? ` on ${staves} staves` : ''}`);
	if (chords > 0) remarks.push(`highest note kept of ${chords} chord${chords === 1 ? '' : 's'}`);
	if (graceNotes > 0) remarks.push(`${graceNotes} grace note${graceNotes === 1 ? '' : 's'} left out`);
	if (keyChanges > 0)
		remarks.push(`${keyChanges} key change${keyChanges === 1 ? '' : 's'}, moved by the first key`);

	const title = text(child(score, 'work'), 'work-title') || text(score, 'movement-title');
	const end = at;
	const designation = firstFifths !== undefined ? musicXmlKey(firstFifths, firstMode) : undefined;
	const song: KernSong = {
		path,
		encoding,
		refs: {},
		meterNumeric: meter !== undefined,
		events,
		barlines: barlines.filter((b, i, a) => b > 0 && b < end - 1e-9 && b !== a[i - 1]),
		meters,
		kernSpines: 0,
		spineTypes: [],
		graceNotes,
		remarks
	};
	if (title) {
		song.title = title;
		song.refs.OTL = title;
	}
	if (meter) song.meter = meter;
	if (designation) {
		song.keyDesignation = designation;
		song.music21Key = designation;
	}
	return { ok: true, song };
}

/** The score inside a compressed `.mxl`: the first `<rootfile full-path>` of `META-INF/container.xml`. */
export function mxlRootfile(containerXml: string): string | undefined {
	try {
		const root = parseXml(containerXml);
		const find = (el: El): string | undefined => {
			if (el.name === 'rootfile' && el.attrs['full-path']) return el.attrs['full-path'];
			for (const c of el.children) {
				const got = find(c);
				if (got) return got;
			}
			return undefined;
		};
		return find(root);
	} catch {
		return undefined;
	}
}
