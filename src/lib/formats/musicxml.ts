/**
 * MusicXML export (partwise, version 4.0): what MuseScore, Finale, Sibelius and Dorico open. One part,
 * a bar per `<measure>` (an upbeat is an implicit measure 0), the key signature, time signature, treble
 * clef and tempo in the first, ties where a note crosses a barline or needs two written values, and a
 * final barline. Pitches carry their true alteration; `<accidental>` marks are shown where the key
 * signature or an earlier accidental in the bar would say otherwise. The key's mode is written as
 * MusicXML names it (`major`, `minor`, `dorian`, `mixolydian` …); pitches are spelled for the key (B♭, not
 * A♯, in F major). Text is cleaned (name.ts) and escaped, so the file is well-formed whatever the title.
 */
import { DEFAULT_METER, type Meter } from '../music/meter';
import { estimateMode, homeKey, transposeSymbols, type Key } from './key';
import { signatureAlterations, spellIn, toBars, WRITTEN_VALUES } from './measures';
import { cleanName } from './name';

/** How to write the score. */
export interface MusicXmlOptions {
	/** Default 4/4. */
	meter?: Meter;
	/** Key to write in (the melody is moved there); default C major or A minor as the melody reads. */
	key?: Key;
	/** Semitones to move the melody by; default the key's shift from the model's keys. */
	transpose?: number;
	title?: string;
	/** 16ths before the first full bar (an upbeat); default 0. */
	pickup?: number;
	/** Quarter notes per minute. */
	bpm?: number;
}

/** Divisions per quarter note: one division is the grid's 16th. */
const DIVISIONS = 4;
const ACCIDENTAL: Record<number, string> = { [-1]: 'flat', 0: 'natural', 1: 'sharp' };

/**
 * Text as XML character data: cleaned (no control character, noncharacter or lone surrogate, which XML
 * 1.0 forbids even as references) and the five markup characters as entities.
 */
export function escapeXml(text: string): string {
	return cleanName(text, Infinity).replace(
		/[<>&"']/g,
		(c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`
	);
}

/** The melody as a MusicXML document. */
export function toMusicXml(symbols: readonly string[], options: MusicXmlOptions = {}): string {
	const meter = options.meter ?? DEFAULT_METER;
	const key = options.key ?? homeKey(estimateMode(symbols));
	const signature = signatureAlterations(key.fifths);
	const pickup = options.pickup ?? 0;
	const bars = toBars(transposeSymbols(symbols, options.transpose ?? key.shift), meter, pickup);
	const upbeat = pickup % meter.stepsPerBar > 0;
	const title = escapeXml(cleanName(options.title ?? '')) || 'Melody';
	const out = [
		'<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
		'<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">',
		'<score-partwise version="4.0">',
		`  <work><work-title>${title}</work-title></work>`,
		`  <movement-title>${title}</movement-title>`,
		'  <identification><encoding><software>Folk Melody Studio</software></encoding></identification>',
		'  <part-list><score-part id="P1"><part-name>Melody</part-name></score-part></part-list>',
		'  <part id="P1">'
	];
	bars.forEach((bar, i) => {
		const number = upbeat ? i : i + 1;
		out.push(`    <measure number="${number}"${upbeat && i === 0 ? ' implicit="yes"' : ''}>`);
		if (i === 0) {
			out.push(
				'      <attributes>',
				`        <divisions>${DIVISIONS}</divisions>`,
				`        <key><fifths>${key.fifths}</fifths><mode>${key.mode}</mode></key>`,
				`        <time><beats>${meter.numerator}</beats><beat-type>${meter.denominator}</beat-type></time>`,
				'        <clef><sign>G</sign><line>2</line></clef>',
				'      </attributes>'
			);
			if (options.bpm)
				out.push(
					'      <direction placement="above"><direction-type><metronome><beat-unit>quarter</beat-unit>' +
						`<per-minute>${Math.round(options.bpm)}</per-minute></metronome></direction-type>` +
						`<sound tempo="${Math.round(options.bpm)}"/></direction>`
				);
		}
		const inBar = new Map<string, number>();
		for (const n of bar.notes) {
			const [, type, dots] = WRITTEN_VALUES.find(([steps]) => steps === n.length)!;
			const value = `<type>${type}</type>${'<dot/>'.repeat(dots)}`;
			if (n.pitch === null) {
				out.push(`      <note><rest/><duration>${n.length}</duration><voice>1</voice>${value}</note>`);
				continue;
			}
			const { step, alter, octave } = spellIn(n.pitch, key);
			const where = `${step}${octave}`;
			const heard = inBar.get(where) ?? signature[step];
			const shown = alter !== signature[step] || heard !== alter;
			inBar.set(where, alter);
			const ties = [n.tieFromPrevious && 'stop', n.tieToNext && 'start'].filter(Boolean) as string[];
			out.push(
				'      <note>' +
					`<pitch><step>${step}</step>${alter ? `<alter>${alter}</alter>` : ''}<octave>${octave}</octave></pitch>` +
					`<duration>${n.length}</duration>` +
					ties.map((t) => `<tie type="${t}"/>`).join('') +
					`<voice>1</voice>${value}` +
					(shown ? `<accidental>${ACCIDENTAL[alter]}</accidental>` : '') +
					(ties.length ? `<notations>${ties.map((t) => `<tied type="${t}"/>`).join('')}</notations>` : '') +
					'</note>'
			);
		}
		if (i === bars.length - 1)
			out.push('      <barline location="right"><bar-style>light-heavy</bar-style></barline>');
		out.push('    </measure>');
	});
	out.push('  </part>', '</score-partwise>');
	return out.join('\n') + '\n';
}
