import { describe, expect, it } from 'vitest';
import { musicXmlKey, mxlRootfile, readMusicXml } from '../../../src/lib/notation/musicxml-in';
import { encodeSong } from '../../../src/lib/encoding/encode';

/** A one-part score: `measures` are the inner XML of each measure; the first gets `attributes`. */
function score(
	measures: string[],
	attributes = '<divisions>2</divisions><key><fifths>0</fifths><mode>major</mode></key><time><beats>2</beats><beat-type>4</beat-type></time>',
	extraParts = ''
) {
	const body = measures
		.map(
			(m, i) =>
				`<measure number="${i + 1}">${i === 0 ? `<attributes>${attributes}</attributes>` : ''}${m}</measure>`
		)
		.join('');
	return `<?xml version="1.0"?><!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd"><score-partwise version="4.0"><work><work-title>Test &amp; Tune</work-title></work><part-list><score-part id="P1"/></part-list><part id="P1">${body}</part>${extraParts}</score-partwise>`;
}
const note = (step: string, octave: number, duration: number, extra = '', voice = '1') =>
	`<note>${extra.includes('<chord/>') ? '<chord/>' : ''}${extra.includes('<grace/>') ? '<grace/>' : ''}<pitch><step>${step}</step>${/alter/.test(extra) ? extra.match(/<alter>.*?<\/alter>/)![0] : ''}<octave>${octave}</octave></pitch><duration>${duration}</duration>${extra.replace(/<chord\/>|<grace\/>|<alter>.*?<\/alter>/g, '')}<voice>${voice}</voice></note>`;
const rest = (duration: number, voice = '1') =>
	`<note><rest/><duration>${duration}</duration><voice>${voice}</voice></note>`;

function song(xml: string) {
	const r = readMusicXml(xml, 't.musicxml');
	if (!r.ok) throw new Error(r.reason);
	return r.song;
}
const played = (xml: string) =>
	song(xml)
		.events.map((e) => `${e.kind === 'note' ? e.midi : 'r'}:${e.quarterLength * 4}`)
		.join(' ');

describe('the MusicXML reader', () => {
	it('reads pitches with alterations, durations by divisions, title, meter and a key with its mode', () => {
		const xml = score([
			note('C', 4, 1) + note('F', 4, 1, '<alter>1</alter>') + note('G', 4, 2),
			rest(2) + note('C', 5, 2)
		]);
		expect(played(xml)).toBe('60:2 66:2 67:4 r:4 72:4');
		const s = song(xml);
		expect(s).toMatchObject({ title: 'Test & Tune', meter: '2/4', barlines: [2] });
		expect(s.music21Key).toEqual({ name: 'C', mode: 'major', tonicMidi: 60 });
		expect(musicXmlKey(1, 'dorian')).toEqual({ name: 'a:dor', mode: 'minor', tonicMidi: 69 });
		expect(musicXmlKey(-2, 'minor')).toEqual({ name: 'g', mode: 'minor', tonicMidi: 67 });
		expect(musicXmlKey(2, undefined)).toBeUndefined();
	});

	it('takes the first voice of the first staff and part, the highest note of a chord, and leaves out grace notes', () => {
		const m1 =
			note('E', 4, 2) +
			note('G', 4, 2, '<chord/>') +
			note('A', 4, 1, '<grace/>') +
			note('D', 4, 2) +
			'<backup><duration>4</duration></backup>' +
			note('C', 3, 4, '', '2');
		const s = song(
			score(
				[m1],
				undefined,
				'<part id="P2"><measure number="1"><note><pitch><step>C</step><octave>6</octave></pitch><duration>4</duration></note></measure></part>'
			)
		);
		expect(s.events.map((e) => e.midi)).toEqual([67, 62]);
		expect(s.remarks).toEqual([
			'first part of 2',
			'first voice of 2',
			'highest note kept of 1 chord',
			'1 grace note left out'
		]);
	});

	it('reads a pickup measure and meter changes, keeps tuplets exact as kern does, and ties as two notes', () => {
		const tuplet =
			'<time-modification><actual-notes>3</actual-notes><normal-notes>2</normal-notes></time-modification>';
		const xml = score(
			[
				note('G', 4, 3),
				note('C', 5, 6, '<tie type="start"/>'),
				note('C', 5, 2, '<tie type="stop"/>') +
					note('D', 5, 2, tuplet) +
					note('E', 5, 2, tuplet) +
					note('F', 5, 2, tuplet)
			],
			'<divisions>6</divisions><time><beats>3</beats><beat-type>8</beat-type></time>'
		);
		const s = song(xml.replace('<measure number="1">', '<measure number="0" implicit="yes">'));
		expect(s.barlines).toEqual([0.5, 1.5]);
		expect(s.events.map((e) => [e.midi, e.tie, e.tuplet])).toEqual([
			[67, undefined, false],
			[72, 'start', false],
			[72, 'stop', false],
			[74, undefined, true],
			[76, undefined, true],
			[77, undefined, true]
		]);
		expect(encodeSong(s)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/triplet/) });
		expect(encodeSong(s, { keepKey: false, quantizeTuplets: true }).status).toBe('kept');
	});

	it('says why a file cannot be read: not XML, not a score, timewise, no notes', () => {
		expect(readMusicXml('<score-partwise><part>', 'a.xml')).toMatchObject({
			ok: false,
			status: 'unreadable',
			reason: expect.stringMatching(/^This is not well-formed XML/)
		});
		expect(readMusicXml('<svg/>')).toMatchObject({
			status: 'skipped',
			reason: expect.stringMatching(/root is <svg>/)
		});
		expect(readMusicXml('<score-timewise/>')).toMatchObject({ status: 'skipped' });
		expect(readMusicXml(score([rest(4)]))).toMatchObject({
			status: 'skipped',
			reason: expect.stringMatching(/no notes/)
		});
		expect(readMusicXml(new Uint8Array(0))).toMatchObject({ status: 'skipped' });
	});

	it('finds the score of an .mxl archive in its container', () => {
		expect(
			mxlRootfile('<container><rootfiles><rootfile full-path="score/Song.musicxml"/></rootfiles></container>')
		).toBe('score/Song.musicxml');
		expect(mxlRootfile('not xml <')).toBeUndefined();
	});

	it('plays repeats and voltas out as a musician plays them, and reports D.C. without following it', () => {
		const fwd = '<barline location="left"><repeat direction="forward"/></barline>';
		const back = (times = '') => `<barline location="right"><repeat direction="backward"${times}/></barline>`;
		const volta = (n: string, end: 'stop' | 'discontinue' = 'stop', repeat = '') =>
			[
				`<barline location="left"><ending number="${n}" type="start"/></barline>`,
				`<barline location="right"><ending number="${n}" type="${end}"/>${repeat}</barline>`
			] as const;
		const [v1l, v1r] = volta('1', 'stop', '<repeat direction="backward"/>');
		const [v2l, v2r] = volta('2', 'discontinue');
		// | C | :| D :|[1 E :|[2 F | G |: A :|x3 | B (D.C.)
		const xml = score([
			note('C', 4, 4),
			fwd + note('D', 4, 4),
			v1l + note('E', 4, 4) + v1r,
			v2l + note('F', 4, 4) + v2r,
			fwd + note('G', 4, 4) + back(' times="3"'),
			note('A', 4, 4) +
				'<direction><direction-type><words>D.C. al Fine</words></direction-type><sound dacapo="yes"/></direction>'
		]);
		expect(played(xml)).toBe('60:8 62:8 64:8 62:8 65:8 67:8 67:8 67:8 69:8');
		const s = song(xml);
		expect(s.barlines).toEqual([8, 16, 24, 32, 40, 48, 56, 64].map((b) => b / 4));
		expect(s.remarks).toContain('repeats played out');
		expect(s.remarks.join()).toMatch(/D\.C\. not played out/);
		// A backward repeat with no forward one goes back to the start; voltas "1, 2" then "3".
		const [w12l, w12r] = volta('1, 2', 'stop', '<repeat direction="backward"/>');
		const [w3l, w3r] = volta('3', 'discontinue');
		expect(played(score([note('C', 4, 4), w12l + note('D', 4, 4) + w12r, w3l + note('E', 4, 4) + w3r]))).toBe(
			'60:8 62:8 60:8 62:8 60:8 64:8'
		);
	});

	it('a file of a repeat in every measure plays each twice; past 20,000 measures played it is skipped with a sentence', () => {
		const m = `<barline location="right"><repeat direction="backward"/></barline>`;
		const xml = score(Array.from({ length: 20_000 }, () => note('C', 4, 4) + m));
		const r = readMusicXml(xml, 'many.musicxml');
		// 40,000 measures played: over the guard of 20,000, skipped with a sentence.
		expect(r).toMatchObject({ ok: false, status: 'skipped' });
		expect(r.ok ? '' : r.reason).toMatch(/repeats play more than 20,000 measures/);
		const fewer = song(score(Array.from({ length: 5000 }, () => note('C', 4, 4) + m)));
		expect(fewer.events).toHaveLength(10_000);
	});
});
