import { describe, expect, it } from 'vitest';
import { beatSteps, schedule } from '../../../src/lib/playback/schedule';
import { parseMeter } from '../../../src/lib/music/meter';

const meter = (m: string) => parseMeter(m)!;
const steps = (text: string) => text.split(' ');

describe('beats', () => {
	it('counts quarters in simple meters, dotted quarters in compound ones', () => {
		expect(
			['2/4', '3/4', '4/4', '5/4', '2/2', '3/8', '6/8', '9/8', '12/8'].map((m) => beatSteps(meter(m)))
		).toEqual([4, 4, 4, 4, 8, 2, 6, 6, 6]);
	});
});

describe('schedule', () => {
	// A 4/4 bar and a half: C quarter, rest, E eighth + dotted quarter tied (one note), G half.
	const melody = steps('60 _ _ _ r _ _ _ 64 _ _ _ _ _ _ _ 67 _ _ _ _ _ _ _');

	it('plays the notes on the grid without a count-in, clicks on every beat', () => {
		const s = schedule(melody, { meter: meter('4/4') });
		expect(s.offset).toBe(0);
		expect(s.end).toBe(24);
		expect(s.notes).toEqual([
			{ step: 0, length: 4, midi: 60, index: 0 },
			{ step: 8, length: 8, midi: 64, index: 1 },
			{ step: 16, length: 8, midi: 67, index: 2 }
		]);
		expect(s.clicks.map((c) => [c.step, c.accent, c.countIn])).toEqual([
			[0, true, false],
			[4, false, false],
			[8, false, false],
			[12, false, false],
			[16, true, false],
			[20, false, false]
		]);
	});

	it('counts in one bar before the melody', () => {
		const s = schedule(melody, { meter: meter('3/4'), countIn: true });
		expect(s.offset).toBe(12);
		expect(s.notes[0].step).toBe(12);
		expect(s.end).toBe(36);
		expect(s.clicks.filter((c) => c.countIn).map((c) => [c.step, c.accent])).toEqual([
			[0, true],
			[4, false],
			[8, false]
		]);
		expect(s.clicks.filter((c) => !c.countIn).map((c) => c.step)).toEqual([12, 16, 20, 24, 28, 32]);
		expect(s.clicks.filter((c) => c.accent).map((c) => c.step)).toEqual([0, 12, 24]);
	});

	it('lets an upbeat sound inside the count-in bar, the first full bar on its downbeat', () => {
		// 4/4 with an eighth upbeat: the melody starts 14 steps into its bar.
		const upbeat = steps('67 _ 72 _ _ _ 71 _ _ _ 72 _ _ _ 74 _ _ _');
		const s = schedule(upbeat, { meter: meter('4/4'), barPhase: 14, countIn: true });
		expect(s.offset).toBe(14);
		expect(s.notes.map((n) => n.step)).toEqual([14, 16, 20, 24, 28]);
		expect(s.clicks.map((c) => [c.step, c.accent, c.countIn])).toEqual([
			[0, true, true],
			[4, false, true],
			[8, false, true],
			[12, false, true],
			[16, true, false],
			[20, false, false],
			[24, false, false],
			[28, false, false]
		]);
		// Without the count-in the beats keep their place in the bar: the first click is the downbeat.
		const plain = schedule(upbeat, { meter: meter('4/4'), barPhase: 14 });
		expect(plain.offset).toBe(0);
		expect(plain.clicks.map((c) => [c.step, c.accent])).toEqual([
			[2, true],
			[6, false],
			[10, false],
			[14, false]
		]);
	});

	it('beats dotted quarters in 6/8 and stops at the end of the song', () => {
		const jig = steps('60 _ 62 _ 64 _ 65 _ _ _ _ _ / 60 _');
		const s = schedule(jig, { meter: meter('6/8'), countIn: true });
		expect(s.end - s.offset).toBe(12);
		expect(s.notes).toHaveLength(4);
		expect(s.clicks.map((c) => [c.step, c.accent, c.countIn])).toEqual([
			[0, true, true],
			[6, false, true],
			[12, true, false],
			[18, false, false]
		]);
	});
});
