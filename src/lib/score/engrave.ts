/**
 * A melody engraved as notation: the project's own `**kern` export, read by Verovio (which reads Humdrum
 * natively) and drawn as one SVG page, with the element ids of every sounding note so that a player can
 * light up the note it plays. The toolkit is passed in, so the same code runs in the score worker and in
 * Node tests.
 */
import type { TimemapEntry } from 'verovio/esm';
import { DEFAULT_METER, parseMeter, type Meter } from '../music/meter';
import type { ExportKey } from '../formats/key';
import { toKern } from '../formats/kern';
import { toNotes } from '../formats/notes';

/** What to engrave. */
export interface ScoreInput {
	/** The melody in the model's notation (C major / A minor). */
	symbols: string[];
	/** Time signature (`3/4`); 4/4 when absent or not numeric. */
	meter?: string;
	/** Key to write in (the melody is moved there); C major or A minor as the melody reads when absent. */
	key?: ExportKey;
	/** 16ths before the first full bar (an upbeat). */
	pickup?: number;
	/** Width to fill, in CSS pixels: Verovio breaks the systems to fit it. */
	width: number;
	/** Staff size as Verovio's scale in percent (the default suits a page of text at 16 px). */
	scale?: number;
}

/** The engraved melody. */
export interface Engraving {
	/** One SVG page with a viewBox, so it scales to its box. */
	svg: string;
	/** The `**kern` text that was engraved (the export with a clef for its instrument line). */
	kern: string;
	/**
	 * For each sounding note of the melody (in order, as `toNotes` lists them), the ids of its SVG note
	 * elements: more than one where the note is written as tied pieces.
	 */
	notes: string[][];
}

/** The part of Verovio's toolkit that engraving uses. */
export interface Toolkit {
	setOptions(options: Record<string, unknown>): void;
	loadData(data: string): boolean;
	getLog(): string;
	renderToSVG(page?: number): string;
	renderToTimemap(options?: Record<string, unknown>): TimemapEntry[];
}

/**
 * Staff size for a view width: Verovio's 100 % is a poster; 45 % reads like a printed tune book on a
 * screen, a little smaller on a phone so that three or four bars still fit a line.
 */
export function defaultScale(width: number): number {
	return width < 600 ? 38 : 45;
}

/** Verovio's limits on the page size, in its units. */
const MIN_PAGE = 100;
const MAX_PAGE = 60_000;

/** Options for one tall page as wide as the view: the score grows downwards, never sideways. */
function options(width: number, scale: number): Record<string, unknown> {
	const pageWidth = Math.round((Math.max(1, width) * 100) / scale);
	return {
		inputFrom: 'humdrum',
		scale,
		pageWidth: Math.min(MAX_PAGE, Math.max(MIN_PAGE, pageWidth)),
		pageHeight: MAX_PAGE,
		adjustPageHeight: true,
		breaks: 'auto',
		header: 'none',
		footer: 'none',
		svgViewBox: true,
		svgFormatRaw: true,
		pageMarginLeft: 20,
		pageMarginRight: 20,
		pageMarginTop: 20,
		pageMarginBottom: 20
	};
}

/**
 * Which SVG notes belong to which melody note, from the timemap: a written note starts inside exactly one
 * sounding note (tied pieces of a long note start later inside it). Times are matched on the 16th grid.
 */
export function notesFromTimemap(
	timemap: readonly TimemapEntry[],
	notes: readonly { start: number; length: number }[]
): string[][] {
	const out = notes.map((): string[] => []);
	let i = 0;
	for (const entry of [...timemap].sort((a, b) => a.qstamp - b.qstamp)) {
		if (!entry.on?.length) continue;
		const step = Math.round(entry.qstamp * 4);
		while (i < notes.length && notes[i].start + notes[i].length <= step) i++;
		if (i < notes.length && notes[i].start <= step) out[i].push(...entry.on);
	}
	return out;
}

/**
 * 16ths a beam may span: a dotted quarter in 6/8, 9/8, 12/8 and the whole bar of 3/8, otherwise one beat
 * (a quarter in 2/4, 3/4, 4/4; a half in 2/2).
 */
export function beamSpan(meter: Meter): number {
	if (meter.denominator === 8 && meter.numerator % 3 === 0) return 6;
	return 16 / meter.denominator;
}

/** 16ths of a kern duration (`8.` → 3), or 0 for a line that is not a note or rest. */
function sixteenths(line: string): number {
	const m = /^\[?(\d+)(\.?)/.exec(line);
	if (!m) return 0;
	const value = 16 / Number(m[1]);
	return m[2] ? value * 1.5 : value;
}

/**
 * Beams the eighths and shorter notes of each beat (`L` opens a beam, `J` closes it), as a printed tune
 * book groups them; the export writes none, and Verovio draws unbeamed flags where a file has no beams.
 * Rests, barlines and longer notes break a beam.
 */
export function addBeams(kern: string, meter: Meter, pickup = 0): string {
	const lines = kern.split('\n');
	const span = beamSpan(meter);
	let at = pickup > 0 ? meter.stepsPerBar - pickup : 0;
	let group: number[] = [];
	let groupSpan = 0;
	const close = () => {
		if (group.length > 1) {
			lines[group[0]] += 'L';
			lines[group[group.length - 1]] += 'J';
		}
		group = [];
	};
	lines.forEach((line, i) => {
		if (line.startsWith('=')) {
			close();
			at = 0;
			return;
		}
		const length = line.startsWith('!') || line.startsWith('*') ? 0 : sixteenths(line);
		if (!length) return;
		// A beam stays inside one beat: a note starting in the next one begins a new group.
		if (group.length && Math.floor(at / span) !== groupSpan) close();
		if (line.includes('r') || length >= 4) close();
		else {
			if (!group.length) groupSpan = Math.floor(at / span);
			group.push(i);
		}
		at += length;
		if (at % span === 0) close();
	});
	close();
	return lines.join('\n');
}

/**
 * Which SVG notes belong to which melody note, from the kern text: Verovio names a note read from
 * Humdrum after its line and field (`note-L12F1`), and a note the export splits into tied pieces
 * (`[4c`, `4c_`, `4c]`) is one melody note. Rests and other records are skipped.
 */
export function notesFromKern(kern: string): string[][] {
	const out: string[][] = [];
	kern.split('\n').forEach((line, i) => {
		if (!line || /^[*!=]/.test(line) || line.includes('r')) return;
		const id = `note-L${i + 1}F1`;
		const continues = line.endsWith(']') || line.endsWith('_');
		if (continues && out.length) out[out.length - 1].push(id);
		else out.push([id]);
	});
	return out;
}

/** Engraves a melody; throws a sentence when Verovio cannot read the export. */
export function engrave(toolkit: Toolkit, input: ScoreInput): Engraving {
	const meter = parseMeter(input.meter) ?? DEFAULT_METER;
	// Verovio would print the instrument (`*Ivox`) as "Voice" before the staff; a treble clef takes its
	// place, so the project's reader still finds the key where it looks for it (the fifth header element).
	const kern = addBeams(
		toKern(input.symbols, { meter, key: input.key, pickup: input.pickup }).replace(/^\*Ivox$/m, '*clefG2'),
		meter,
		input.pickup
	);
	toolkit.setOptions(options(input.width, input.scale ?? defaultScale(input.width)));
	if (!toolkit.loadData(kern)) {
		const why = toolkit.getLog().trim().split('\n')[0] || 'no reason given';
		throw new Error(`The score could not be drawn (Verovio: ${why}). The melody itself is unchanged.`);
	}
	const svg = toolkit.renderToSVG(1);
	// The ids from the kern lines cost nothing; should a Verovio version name notes otherwise, the
	// timemap (as long again as drawing the page) still says which note is which.
	let notes = notesFromKern(kern);
	const expected = toNotes(input.symbols);
	if (notes.length !== expected.length || !notes.flat().every((id) => svg.includes(`id="${id}"`)))
		notes = notesFromTimemap(toolkit.renderToTimemap(), expected);
	return { svg, kern, notes };
}
