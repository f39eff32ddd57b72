/**
 * An independent reader for the ABC tests: `abc2midi` (Debian's `abcmidi`), which expands repeats and
 * endings, asked to leave out grace notes, chord symbols and fermatas. Its MIDI file is read with
 * @tonejs/midi; both sides are put on the 16th grid by the same rule (each start and end to the nearest
 * 16th), chords give their highest note and tied notes are merged, so the notes compare one for one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ToneMidi from '@tonejs/midi';
import type { KernEvent } from '../../../src/lib/kern/reader';

/**
 * Decorations abc2midi plays as extra or shorter notes (a roll `~`, a trill `T`, mordents `M` `P`, a
 * staccato `.`, their `!name!` and old `+name+` forms), where they stand before a note, a chord or a
 * slur: the reader keeps the written note.
 */
const DECORATIONS =
	/[~TMP.](?=[~TMP.HLuv]*[_^=]*[A-Ga-g[(])|[!+](roll|trill|turn|turnx|invertedturn|mordent|lowermordent|uppermordent|pralltriller|staccato|trill\(|trill\))[!+]/g;

/** A note on the 16th grid: MIDI pitch, start and length in 16ths. */
export interface GridNote {
	pitch: number;
	start: number;
	length: number;
}

/** True when `abc2midi` can be run here. */
export function hasAbc2midi(): boolean {
	try {
		execFileSync('abc2midi', ['-ver'], { stdio: 'pipe' });
		return true;
	} catch {
		return false;
	}
}

/**
 * The stated rules where this reader and abc2midi differ on purpose, written into abc2midi's copy so that
 * it plays them (the music is otherwise untouched):
 * - a `:|` (or `::`) with no `|:` before it goes back to the last `||`, the last `:|` or the tune's start.
 *   abc2midi reads it so too, except once the tune has had an ending `[1`/`[2`: then it carries the
 *   ending's pass count on and plays the section again from the previous `|:` (a third time) or not at
 *   all. The implied `|:` is written out.
 * - a `:|` that closes a later ending (`[2 … :|`) ends the repeat; abc2midi plays the section a third
 *   time. It is written as `||`.
 * - an invisible bar line `[|]` (ABC 2.1) is a bar line; abc2midi 4.84 does not know it and garbles the
 *   rest of the tune. It is written as `|`.
 */
export function writeImpliedRepeats(text: string): { text: string; changed: number } {
	let changed = 0;
	const out: string[] = [];
	let inBody = false;
	let open = false;
	let laterEnding = false;
	// Where the implied `|:` goes: [line index in `out`, column], after the last section boundary.
	let boundary: [number, number] | null = null;
	for (const line of text.split('\n')) {
		if (/^X:/.test(line)) {
			inBody = false;
			open = false;
			laterEnding = false;
			boundary = null;
			out.push(line);
			continue;
		}
		if (!inBody) {
			if (/^K:/.test(line)) {
				inBody = true;
				boundary = [out.length + 1, 0];
			}
			out.push(line);
			continue;
		}
		if (/^[A-Za-z]:|^%/.test(line)) {
			out.push(line);
			continue;
		}
		const row = out.length;
		if (line.includes('[|]')) changed++;
		out.push(line.replaceAll('[|]', '|'));
		const bars = out[row];
		// Bar tokens and ending numbers outside chord symbols and !decorations!.
		const re = /"[^"]*"|![^!\n]*!|(:+\|+\]?|\|+:+|::+|\|\||\|\]|\[\|)|(?:\||\[)(\d[\d,-]*)/g;
		let m: RegExpExecArray | null;
		const edits: { at: number; cut: number; put: string }[] = [];
		while ((m = re.exec(bars))) {
			const tok = m[1];
			if (m[2] !== undefined) {
				laterEnding = !/^1(?!\d)|[,-]1(?!\d)/.test(m[2]);
				continue;
			}
			if (!tok) continue;
			const end = m.index + tok.length;
			const closes = tok.startsWith(':');
			const opens = tok.endsWith(':');
			const label = /^\s*\[?(\d[\d,-]*)/.exec(bars.slice(end));
			if (closes && !opens && !open && laterEnding && !label) {
				edits.push({ at: m.index, cut: tok.length, put: '||' });
				changed++;
			} else if (closes && !open && boundary) {
				if (boundary[0] === row) edits.push({ at: boundary[1], cut: 0, put: ' |: ' });
				else if (boundary[0] < out.length) {
					const [r, c] = boundary;
					out[r] = out[r].slice(0, c) + ' |: ' + out[r].slice(c);
				}
				changed++;
			}
			if (closes || opens) open = opens;
			if (closes || opens || /\|\||\|\]|\[\|/.test(tok)) laterEnding = false;
			if (closes || (!open && /\|\||\|\]|\[\|/.test(tok))) boundary = [row, end];
			if (label) {
				laterEnding = !/^1(?!\d)|[,-]1(?!\d)/.test(label[1]);
				re.lastIndex = end + label[0].length;
			}
		}
		// Edited right to left so that earlier columns stay right.
		for (const e of edits.sort((a, b) => b.at - a.at))
			out[row] = out[row].slice(0, e.at) + e.put + out[row].slice(e.at + e.cut);
		// A boundary in this line moves with the text put in before it.
		if (boundary && boundary[0] === row)
			for (const e of edits) if (e.at < boundary[1]) boundary[1] += e.put.length - e.cut;
	}
	return { text: out.join('\n'), changed };
}

/**
 * The first voice of tune `x` of an ABC file as abc2midi plays it, or null when it writes no notes. With
 * `impliedRepeats` abc2midi reads a copy with the implied `|:` written out (`writeImpliedRepeats`).
 */
export function abc2midiNotes(file: string, x: number, impliedRepeats = false): GridNote[] | null {
	const dir = mkdtempSync(join(tmpdir(), 'abc2midi-'));
	try {
		const out = join(dir, 'tune.mid');
		// Decorations are read past here, never played: abc2midi would play a roll `~` as several notes
		// and a staccato `.` shorter, so they are taken out of its copy of the music lines.
		const input = join(dir, 'tune.abc');
		const music = readFileSync(file, 'latin1')
			.split('\n')
			.map((l) =>
				/^R:/.test(l)
					? '%' // abc2midi swings a tune whose rhythm is "hornpipe": a way to play, not what is written
					: /^[A-Za-z]:|^%/.test(l)
						? l
						: l.replace(DECORATIONS, '')
			)
			.join('\n');
		writeFileSync(input, impliedRepeats ? writeImpliedRepeats(music).text : music, 'latin1');
		try {
			execFileSync('abc2midi', [input, String(x), '-o', out, '-NGRA', '-NGUI', '-NFER', '-silent'], {
				stdio: 'pipe',
				timeout: 20_000
			});
		} catch {
			// abc2midi exits non-zero on warnings; the file, when written, is still its reading.
		}
		let bytes: Buffer;
		try {
			bytes = readFileSync(out);
		} catch {
			return null;
		}
		const midi = new ToneMidi.Midi(bytes);
		const track = midi.tracks.find((t) => t.notes.length > 0);
		if (!track) return null;
		const ppq = midi.header.ppq;
		const notes = track.notes.map((n) => ({
			pitch: n.midi,
			start: Math.round((n.ticks / ppq) * 4 + 1e-9),
			end: Math.round(((n.ticks + n.durationTicks) / ppq) * 4 + 1e-9)
		}));
		return highest(notes);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** The highest note at each start; notes rounded to nothing dropped. */
function highest(notes: { pitch: number; start: number; end: number }[]): GridNote[] {
	const byStart = new Map<number, { pitch: number; end: number }>();
	for (const n of notes) {
		if (n.end <= n.start) continue;
		const b = byStart.get(n.start);
		if (!b || n.pitch > b.pitch) byStart.set(n.start, { pitch: n.pitch, end: n.end });
	}
	return [...byStart.entries()]
		.sort((a, b) => a[0] - b[0])
		.map(([start, n]) => ({ pitch: n.pitch, start, length: n.end - start }));
}

/** The reader's events as grid notes, tied notes merged (abc2midi plays a tie as one note). */
export function readerNotes(events: KernEvent[]): GridNote[] {
	const out: GridNote[] = [];
	let at = 0;
	let tiedFrom: GridNote | null = null;
	for (const e of events) {
		const start = Math.round(at * 4 + 1e-9);
		at += e.quarterLength;
		const end = Math.round(at * 4 + 1e-9);
		if (e.kind !== 'note' || end <= start) {
			tiedFrom = null;
			continue;
		}
		if (tiedFrom && (e.tie === 'stop' || e.tie === 'continue') && tiedFrom.pitch === e.midi) {
			tiedFrom.length = end - tiedFrom.start;
		} else {
			const n = { pitch: e.midi as number, start, length: end - start };
			out.push(n);
			tiedFrom = n;
		}
		if (e.tie !== 'start' && e.tie !== 'continue') tiedFrom = null;
	}
	return out;
}

/** The first difference between two readings, as a sentence, or null when they agree note for note. */
export function firstDifference(ours: GridNote[], theirs: GridNote[]): string | null {
	for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
		const a = ours[i];
		const b = theirs[i];
		if (!a || !b) return `note ${i + 1}: ${a ? 'only here' : 'only in abc2midi'} (${JSON.stringify(a ?? b)})`;
		if (a.pitch !== b.pitch || a.start !== b.start || a.length !== b.length)
			return `note ${i + 1}: ${JSON.stringify(a)} here, ${JSON.stringify(b)} in abc2midi`;
	}
	return null;
}
