/**
 * Fuzzing the writers with hostile names (issue 25, case 4): whatever a melody is called, typed or taken
 * from a shared model's corpus name, every file stays well-formed. MusicXML parses with a conformant XML
 * parser (saxes, which refuses every character XML 1.0 forbids); ABC keeps exactly one `X:` and one `K:`
 * line however a reader splits lines (any Unicode line break); the MIDI track name reads back as the
 * cleaned name; `**kern` keeps its one spine and its one title record; file names stay short and plain.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { toAbc } from '../../src/lib/formats/abc';
import { toKern } from '../../src/lib/formats/kern';
import { fromMidi, toMidi } from '../../src/lib/formats/midi';
import { toMusicXml } from '../../src/lib/formats/musicxml';
import { cleanName, fileName, MAX_FILE_NAME, MAX_NAME } from '../../src/lib/formats/name';
import { keyOf, MODES } from '../../src/lib/music/key';
import { parseMeter } from '../../src/lib/music/meter';
import { fuzzParameters, fuzzTimeout } from './fuzz';

/** Every line break a reader may split at (Unicode's mandatory breaks). */
const LINE_BREAK = /\r\n|[\n\v\f\r\u0085\u2028\u2029]/;

/** Characters that broke a format once, or could. */
const HOSTILE = [
	'\u0000',
	'\u0007',
	'\t',
	'\n',
	'\r',
	'\u000b',
	'\u000c',
	'\u001b',
	'\u007f',
	'\u0085',
	'\u009f',
	'\u2028',
	'\u2029',
	'\ufeff',
	'\ufffe',
	'\uffff',
	'\ud800',
	'\udfff',
	'\ud83f\udffe',
	'\u202e',
	'%',
	'\\',
	'&',
	'<',
	'>',
	'"',
	"'",
	']]>',
	'X:2',
	'K:C',
	'T:',
	'|]',
	'*-',
	'**kern',
	'!!!',
	'/',
	'..',
	' ',
	'茉莉花',
	'“Jasmine”',
	'🎵',
	'é'
];

const name: fc.Arbitrary<string> = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 30 }),
	fc
		.tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom(...HOSTILE), fc.nat(400))
		.map(([a, h, n]) => a + h.repeat(1 + (n % 7)) + a.repeat(n))
);

const melody = '62 _ 64 _ 66 _ 67 _ 69 _ _ _ 71 70 69 _ r _ 67 _ _ _ _ _'.split(' ');
const meter = parseMeter('6/8')!;

/** The errors a conformant XML parser reports for a document (none when well-formed). */
function xmlErrors(xml: string): { errors: string[]; title: string } {
	const parser = new SaxesParser();
	const errors: string[] = [];
	let title = '';
	let inTitle = false;
	parser.on('error', (e) => errors.push(e.message));
	parser.on('opentag', (t) => (inTitle = t.name === 'work-title'));
	parser.on('text', (t) => {
		if (inTitle) title += t;
	});
	parser.on('closetag', () => (inTitle = false));
	parser.write(xml).close();
	return { errors, title };
}

describe('fuzz: names in every writer', () => {
	it(
		'keeps every file well-formed whatever the name',
		() => {
			fc.assert(
				fc.property(name, fc.nat(11), fc.constantFrom(...MODES), (raw, tonic, mode) => {
					const key = keyOf(tonic, mode);
					const clean = cleanName(raw);
					const context = JSON.stringify(raw).slice(0, 200);
					expect(cleanName(clean), context).toBe(clean);
					expect([...clean].length, context).toBeLessThanOrEqual(MAX_NAME);

					const xml = toMusicXml(melody, { meter, key, title: raw });
					const read = xmlErrors(xml);
					expect(read.errors, context).toEqual([]);
					expect(read.title, context).toBe(clean || 'Melody');

					const abc = toAbc(melody, { meter, key, title: raw });
					const lines = abc.split(LINE_BREAK);
					expect(lines.filter((l) => l.startsWith('X:')).length, context).toBe(1);
					expect(lines.filter((l) => l.startsWith('K:')).length, context).toBe(1);
					const title = lines.find((l) => l.startsWith('T:'))!;
					// Every `%` in the title is escaped, so no reader cuts it there as a comment.
					expect(title.replace(/\\[\\%]/g, ''), context).not.toMatch(/[%\\]/);

					expect(fromMidi(toMidi(melody, { key, name: raw })).name, context).toBe(clean || 'Melody');

					const kern = toKern(melody, { meter, key, title: raw }).split(LINE_BREAK);
					expect(kern.filter((l) => l === '**kern').length, context).toBe(1);
					expect(kern.filter((l) => l === '*-').length, context).toBe(1);
					expect(kern.filter((l) => l.startsWith('!!!OTL')).length, context).toBe(clean ? 1 : 0);

					const file = fileName(raw, 'musicxml');
					expect([...file].length, context).toBeLessThanOrEqual(MAX_FILE_NAME);
					expect(new TextEncoder().encode(file).length, context).toBeLessThanOrEqual(255);
					expect(file, context).toMatch(/^[\p{L}\p{N}-]+\.musicxml$/u);
				}),
				fuzzParameters(300)
			);
		},
		fuzzTimeout(60_000)
	);
});
