/**
 * The ABC and MusicXML readers on damaged input: the feature tunes and an exported score cut, spliced and
 * sprinkled with ABC's and XML's own characters (fast-check, seeded). A reader never throws, and every
 * tune it finds is kept or has a reason.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAbc } from '../../../src/lib/notation/abc-in';
import { readMusicXml } from '../../../src/lib/notation/musicxml-in';
import { toMusicXml } from '../../../src/lib/formats/musicxml';
import { repoRoot } from '../../shared';

const BOOK = readFileSync(join(repoRoot, 'tests/fixtures/abc/features.abc'), 'utf8');
const SCORE = toMusicXml('60 _ 62 _ 64 _ _ _ 65 _ 67 _ 72 _ _ _ r _ 71 _ 69 _ _ _'.split(' '), {
	title: 'T'
});

/** A text damaged: pieces cut out and characters of the format put in. */
const damaged = (text: string, alphabet: string) =>
	fc
		.array(
			fc.record({
				at: fc.nat(text.length),
				cut: fc.nat(40),
				put: fc.string({ unit: fc.constantFrom(...alphabet.split('')), maxLength: 6 })
			}),
			{ maxLength: 8 }
		)
		.map((edits) =>
			edits.reduce((t, e) => t.slice(0, e.at) + e.put + t.slice(Math.min(t.length, e.at + e.cut)), text)
		);

describe('the readers on damaged files', () => {
	it('ABC: never throws; every tune is kept or has a reason', () => {
		fc.assert(
			fc.property(damaged(BOOK, '|:[]()"{}!^_=,\'/<>-~.123456789X:K:M:L:\n\\%'), (text) => {
				const r = readAbc(text);
				if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
				else for (const t of r.tunes) if (!t.ok) expect(t.reason).toMatch(/^[A-Z].*\.$/);
			}),
			{ seed: 22, numRuns: 300 }
		);
	});

	it('MusicXML: never throws; a damaged score is kept or has a reason', () => {
		fc.assert(
			fc.property(damaged(SCORE, '<>/="&;!-? \nnotepitchdurationchord'), (text) => {
				const r = readMusicXml(text);
				if (!r.ok) expect(r.reason).toMatch(/^[A-Z].*\.\)?$/);
			}),
			{ seed: 22, numRuns: 300 }
		);
	});
});
