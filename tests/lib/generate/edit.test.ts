import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import {
	applyEdit,
	EditError,
	EditHistory,
	keyScale,
	spanAt,
	type EditAction,
	type EditContext
} from '../../../src/lib/generate/edit';
import { keyOf } from '../../../src/lib/music/key';
import { toEvents, toNotes } from '../../../src/lib/formats/notes';
import { hasShared, shared } from '../../shared';

const split = (text: string) => text.split(' ');
/** C major in 4/4 from the downbeat, any pitch allowed. */
const C44: EditContext = { scale: keyScale(0), beat: 4, stepsPerBar: 16, barPhase: 0 };
const up: EditAction = { type: 'pitch', direction: 1, by: 'step' };
const down: EditAction = { type: 'pitch', direction: -1, by: 'step' };
const longer: EditAction = { type: 'length', direction: 1, by: 'sixteenth' };
const shorter: EditAction = { type: 'length', direction: -1, by: 'sixteenth' };
const rest: EditAction = { type: 'rest' };

describe('the key scale', () => {
	it('holds the seven notes of the signature, in the space the symbols are in', () => {
		expect(keyScale(0)).toEqual([0, 2, 4, 5, 7, 9, 11]);
		// B♭ major (two flats): B♭ and E♭ instead of B and E.
		expect(keyScale(-2)).toEqual([0, 2, 3, 5, 7, 9, 10]);
		// D Dorian has C major's notes; A major three sharps.
		expect(keyScale(keyOf(2, 'dorian').fifths)).toEqual(keyScale(0));
		expect(keyScale(3)).toEqual([1, 2, 4, 6, 8, 9, 11]);
		// B♭ major sounds 10 semitones above the model's C major: in the model's space it is C major again.
		const bb = keyOf(10, 'major');
		expect(keyScale(bb.fifths, bb.shift)).toEqual(keyScale(0));
		// A minor's notes in the model's space for D minor (shift −7).
		const d = keyOf(2, 'minor');
		expect(keyScale(d.fifths, d.shift)).toEqual(keyScale(0));
	});
});

describe('moving a note', () => {
	const tune = split('60 _ _ _ 64 _ 65 _ r _ 71 _ _ _ _ _');

	it('goes up and down a step of the scale, or a semitone', () => {
		expect(applyEdit(tune, 4, up, C44).symbols.join(' ')).toBe('60 _ _ _ 65 _ 65 _ r _ 71 _ _ _ _ _');
		expect(applyEdit(tune, 6, down, C44).symbols[6]).toBe('64');
		expect(applyEdit(tune, 10, up, C44).symbols[10]).toBe('72');
		expect(applyEdit(tune, 0, { type: 'pitch', direction: 1, by: 'semitone' }, C44).symbols[0]).toBe('61');
		// In B♭ major the step above A is B♭, a semitone.
		expect(applyEdit(split('69 _'), 0, up, { ...C44, scale: keyScale(-2) }).symbols).toEqual(['70', '_']);
		// A note outside the key goes to the nearest note of the key that way.
		expect(applyEdit(split('61 _'), 0, up, C44).symbols[0]).toBe('62');
		expect(applyEdit(split('61 _'), 0, down, C44).symbols[0]).toBe('60');
	});

	it('keeps the index of the note and every other symbol', () => {
		const edited = applyEdit(tune, 4, up, C44);
		expect(edited.index).toBe(4);
		expect(edited.symbols.filter((_, i) => i !== 4)).toEqual(tune.filter((_, i) => i !== 4));
	});

	it('stays among the pitches the model knows, and says why it does not move', () => {
		const context = { ...C44, pitches: [60, 62, 64, 65, 67] };
		expect(applyEdit(split('65 _'), 0, up, context).symbols[0]).toBe('67');
		expect(() => applyEdit(split('67 _'), 0, up, context)).toThrow(EditError);
		expect(() => applyEdit(split('67 _'), 0, up, context)).toThrow(/cannot go higher/);
		expect(() => applyEdit(split('127'), 0, up, C44)).toThrow(/cannot go higher/);
	});

	it('edits only a note, where it starts', () => {
		expect(() => applyEdit(tune, 8, up, C44)).toThrow(/no note there/);
		expect(() => applyEdit(tune, 5, up, C44)).toThrow(/no note there/);
		expect(() => applyEdit(tune, 99, up, C44)).toThrow(/no note there/);
	});
});

describe('lengthening and shortening', () => {
	const tune = split('60 _ 62 _ _ _ 64 r 65 _ _ _ 67 _ _ _');

	it('takes a 16th from what follows, which starts again later', () => {
		expect(applyEdit(tune, 0, longer, C44).symbols.join(' ')).toBe('60 _ _ 62 _ _ 64 r 65 _ _ _ 67 _ _ _');
		// A 16th it runs into is gone.
		expect(applyEdit(tune, 2, longer, C44).symbols.join(' ')).toBe('60 _ 62 _ _ _ _ r 65 _ _ _ 67 _ _ _');
		// So is a 16th rest.
		expect(applyEdit(tune, 6, longer, C44).symbols.join(' ')).toBe('60 _ 62 _ _ _ 64 _ 65 _ _ _ 67 _ _ _');
	});

	it('gives a 16th to a rest, one with a rest that follows', () => {
		expect(applyEdit(tune, 2, shorter, C44).symbols.join(' ')).toBe('60 _ 62 _ _ r 64 r 65 _ _ _ 67 _ _ _');
		expect(applyEdit(split('60 _ r _ 62'), 0, shorter, C44).symbols.join(' ')).toBe('60 r _ _ 62');
	});

	it('goes to the next or last beat with the beat grid, a pickup counted', () => {
		// 60 ends on step 2; the next beat of 4/4 is step 4.
		expect(applyEdit(tune, 0, { ...longer, by: 'beat' }, C44).symbols.join(' ')).toBe(
			'60 _ _ _ 62 _ 64 r 65 _ _ _ 67 _ _ _'
		);
		// 65 lasts a beat from step 8: nothing to shorten on the grid; in 6/8 the beat is 6 16ths.
		expect(() => applyEdit(tune, 8, { ...shorter, by: 'beat' }, C44)).toThrow(/within one beat/);
		const long = split('60 _ _ _ _ _ _ _ _ _ _ _');
		const six8 = { ...C44, beat: 6, stepsPerBar: 12 };
		expect(applyEdit(long, 0, { ...shorter, by: 'beat' }, six8).symbols.join(' ')).toBe(
			'60 _ _ _ _ _ r _ _ _ _ _'
		);
		// With a pickup of one 16th (phase 15), beats fall on steps 1, 5, 9 …
		const picked = { ...C44, barPhase: 15 };
		expect(
			applyEdit(split('60 62 _ _ _ _ _ _'), 1, { ...shorter, by: 'beat' }, picked).symbols.join(' ')
		).toBe('60 62 _ _ _ r _ _');
	});

	it('keeps the tune as long as it was and refuses what cannot be', () => {
		expect(() => applyEdit(tune, 12, longer, C44)).toThrow(/tune ends with it/);
		expect(() => applyEdit(tune, 6, shorter, C44)).toThrow(/shortest note/);
	});
});

describe('making a rest', () => {
	it('silences the note, one with the rests either side', () => {
		expect(applyEdit(split('60 _ 62 _ 64 _'), 2, rest, C44)).toEqual({
			symbols: split('60 _ r _ 64 _'),
			index: null
		});
		expect(applyEdit(split('60 r _ 62 _ r 64'), 3, rest, C44).symbols.join(' ')).toBe('60 r _ _ _ _ 64');
		// The first note becomes a rest, never a hold.
		expect(applyEdit(split('60 _ 62'), 0, rest, C44).symbols.join(' ')).toBe('r _ 62');
	});
});

describe('undo', () => {
	it('goes back edit by edit, last first, as far as its limit', () => {
		const history = new EditHistory(3);
		let symbols = split('60 _ 62 _ 64 _');
		const states = [symbols];
		for (const [index, action] of [
			[0, up],
			[2, longer],
			[5, rest],
			[0, up]
		] as const) {
			history.push(symbols, index);
			symbols = applyEdit(symbols, index, action, C44).symbols;
			states.push(symbols);
		}
		expect(history.size).toBe(3);
		expect(history.undo()).toEqual({ symbols: states[3], index: 0 });
		expect(history.undo()).toEqual({ symbols: states[2], index: 5 });
		expect(history.undo()).toEqual({ symbols: states[1], index: 2 });
		expect(history.undo()).toBeUndefined();
	});
});

describe('edits of real songs', () => {
	it.skipIf(!hasShared())(
		'keep every song as long as it was, never start with a hold, and move only what they say',
		() => {
			const folder = shared('fixtures', 'music21-erk');
			const files = readdirSync(folder).sort().slice(0, 30);
			const actions: EditAction[] = [
				up,
				down,
				{ type: 'pitch', direction: 1, by: 'semitone' },
				longer,
				shorter,
				{ ...longer, by: 'beat' },
				{ ...shorter, by: 'beat' },
				rest
			];
			const context: EditContext = { ...C44, beat: 4, stepsPerBar: 12, barPhase: 0 };
			let done = 0;
			for (const file of files) {
				const symbols = readFileSync(`${folder}/${file}`, 'utf8').trim().split(' ');
				const before = toEvents(symbols);
				for (const note of toNotes(symbols)) {
					for (const action of actions) {
						let edited;
						try {
							edited = applyEdit(symbols, note.index, action, context);
						} catch (e) {
							expect(e).toBeInstanceOf(EditError);
							continue;
						}
						done++;
						const out = edited.symbols;
						expect(out.length).toBe(symbols.length);
						expect(out[0]).not.toBe('_');
						// Nothing before the note changes; no two rests in a row are left by a rest or a shortening.
						expect(out.slice(0, note.index)).toEqual(symbols.slice(0, note.index));
						const events = toEvents(out);
						expect(events.reduce((n, e) => n + e.length, 0)).toBe(symbols.length);
						if (action.type === 'rest') {
							// Silence where the note was (a rest, maybe one with the rest before it).
							expect(spanAt(out, note.index)?.symbol).toBe('r');
							expect(spanAt(out, note.index + note.length - 1)?.symbol).toBe('r');
							continue;
						}
						const after = events.find((e) => e.start === note.index)!;
						if (action.type === 'pitch') {
							expect(after.length).toBe(note.length);
							expect(Math.sign(after.pitch! - note.pitch!)).toBe(action.direction);
						} else {
							expect(after.pitch).toBe(note.pitch);
							expect(Math.sign(after.length - note.length)).toBe(action.direction);
							// Notes starting after the new end keep their places and pitches.
							const end = after.start + after.length;
							const later = (list: typeof events) =>
								list.filter((e) => e.start > Math.max(end, note.start + note.length) && e.pitch !== null);
							expect(later(events)).toEqual(later(before));
						}
						expect(spanAt(out, note.index)?.start).toBe(note.index);
					}
				}
			}
			expect(done).toBeGreaterThan(5000);
		}
	);
});
