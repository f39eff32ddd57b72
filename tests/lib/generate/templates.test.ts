/**
 * Forms as the songs have them (generate/templates.ts): templates read from real kern songs, the plan a
 * template gives (form.ts `planTemplate`), and tunes the bundled model writes "as the songs go", with an
 * upbeat drawn as its training songs start (seeded, so the same tunes are checked on every run).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, shared } from '../../shared';
import { HAS_BUNDLED, loadBundled, loadBundledForms } from './bundled-model';
import { readKern } from '../../../src/lib/kern/reader';
import { encodeSong } from '../../../src/lib/encoding/encode';
import {
	collectSongForms,
	describeTemplate,
	drawTemplate,
	kernPhraseBarlines,
	songTemplate,
	templateRandom,
	type SongTemplate
} from '../../../src/lib/generate/templates';
import { landsOn, planTemplate } from '../../../src/lib/generate/form';
import { generate } from '../../../src/lib/generate/generate';
import { GENERATE_DEFAULTS } from '../../../src/lib/generate/defaults';
import { isPitchSymbol } from '../../../src/lib/music/pitch';
import { estimateMode } from '../../../src/lib/encoding/key';
import type { EncodedSong } from '../../../src/lib/encoding/song';

const kinder = (n: number) =>
	shared('corpus', 'essen', 'deutschl', 'kinder', `kindr${String(n).padStart(3, '0')}.krn`);

/** kindr00n read, or null without ../shared. */
function readSongIfShared(n: number): { song: EncodedSong; text: string } | null {
	return hasShared() ? readSong(kinder(n)) : null;
}

function readSong(path: string): { song: EncodedSong; text: string } {
	const text = readFileSync(path, 'utf8');
	const r = readKern(text, path);
	if (!r.ok) throw new Error(r.reason);
	const e = encodeSong(r.song);
	if (e.status !== 'kept') throw new Error(e.reason);
	return { song: e.song, text };
}

describe.skipIf(!hasShared())('templates from real songs', () => {
	it('kindr001: phrase ends from the kern marks, bars that repeat an earlier bar, no upbeat', () => {
		const { song, text } = readSong(kinder(1));
		// Its phrases end in bars 2, 4, 6, 8, … (`8r}` in bar 2, …): the first barline is before the first note.
		const marks = kernPhraseBarlines(text);
		expect(marks.slice(0, 4)).toEqual([1, 3, 5, 7]);
		const t = songTemplate(song, marks)!;
		expect(t.phase).toBe(0);
		expect(t.bars).toBe(song.symbols.length / 8);
		expect(t.ends.slice(0, 4)).toEqual([2, 4, 6, 8]);
		expect(t.ends.at(-1)).toBe(t.bars);
		// Bars 5–6 and 7–8 of the song are bars 3–4 again? Whatever they are, each copy points back to an
		// identical earlier bar.
		const bar = (i: number) => song.symbols.slice(i * 8, (i + 1) * 8).join(' ');
		t.copies.forEach((j, i) => {
			if (j >= 0) {
				expect(j).toBeLessThan(i);
				expect(bar(j)).toBe(bar(i));
			} else for (let k = 0; k < i; k++) expect(bar(k)).not.toBe(bar(i));
		});
	});

	it('a template keeps its song’s first note and which phrases end off degrees 1, 3 and 5', () => {
		// kindr001 opens on E (64 in the encoding's C major) and lands every phrase on 1, 3 or 5.
		const one = readSong(kinder(1));
		const t1 = songTemplate(one.song, kernPhraseBarlines(one.text))!;
		expect(t1.opening).toBe(64);
		expect(t1.unstable).toEqual([]);
		// kindr002's second phrase (bars 3–4) ends on F, then the next phrase's pickup A G is sung before
		// the barline: its last note there is D (62), degree 2, as the sampler and the measures hear it.
		const two = readSong(kinder(2));
		const t2 = songTemplate(two.song, kernPhraseBarlines(two.text))!;
		expect(t2.opening).toBe(67);
		expect(two.song.symbols.slice(24, 32)).toEqual(['60', '_', '_', '_', 'r', '_', '64', '62']);
		expect(t2.unstable).toEqual([1]);
	});

	it('the kinder songs give forms per meter, with upbeats where the songs have them, identical ones counted', () => {
		const songs = Array.from({ length: 40 }, (_, i) => readSong(kinder(i + 1)));
		const forms = collectSongForms(
			songs.map(({ song, text }) => ({ song, phraseBarlines: kernPhraseBarlines(text) }))
		);
		const all = Object.values(forms).flat();
		expect(all.reduce((s, t) => s + t.n, 0)).toBeGreaterThan(30);
		expect(Object.keys(forms)).toContain('2/4');
		expect(all.some((t) => t.phase > 0)).toBe(true);
		expect(all.some((t) => t.copies.some((c) => c >= 0))).toBe(true);
		for (const t of all) expect(t.ends.at(-1)).toBe(t.bars);
	});
});

describe('a template in words', () => {
	it('says the length, upbeat, phrases, mode and style', () => {
		const t: SongTemplate = { bars: 12, phase: 6, copies: [], ends: [4, 8, 12], mode: 'minor', n: 1 };
		expect(describeTemplate(t, 'German children’s songs')).toBe(
			'Shaped as one of the model’s songs: 12 bars with an upbeat, 3 phrases, in minor — German children’s songs.'
		);
		expect(describeTemplate({ ...t, phase: 0, ends: [8], mode: undefined })).toBe(
			'Shaped as one of the model’s songs: 12 bars, 1 phrase.'
		);
	});
});

describe('the plan a template gives', () => {
	// 8 bars of 2/4 from the downbeat: bars 4–5 copy 0–1 (a four-bar A A′), phrases of two bars.
	const t: SongTemplate = {
		bars: 8,
		phase: 0,
		copies: [-1, -1, -1, -1, 0, 1, -1, -1],
		ends: [2, 4, 6, 8],
		n: 1
	};

	it('copies the bars the song repeats, letters its phrases by their material, ends on the final cadence', () => {
		const plan = planTemplate(t, 8, 0, 8);
		expect(plan.total).toBe(64);
		expect(plan.copy![32]).toBe(0);
		expect(plan.copy![47]).toBe(15);
		expect(plan.copy![31]).toBe(-1);
		expect(plan.phrases.map((p) => p.label).join('')).toBe('ABAC');
		expect(plan.phrases[2].role).toBe('repeat');
		expect(plan.phrases[2].cadence).toBeNull();
		expect(plan.phrases[3].cadence).toBe('final');
		expect(plan.phrases.map((p) => [p.start, p.end])).toEqual([
			[0, 16],
			[16, 32],
			[32, 48],
			[48, 64]
		]);
	});

	it('a longer tune takes the template again from its start; a shorter one drops what lies past its end', () => {
		const long = planTemplate(t, 8, 0, 12);
		expect(long.phrases.map((p) => p.end / 8)).toEqual([2, 4, 6, 8, 10, 12]);
		expect([...long.copy!.slice(64)].every((c) => c === -1)).toBe(true);
		// Twice as long: the second verse's bars 12–13 repeat its own 8–9, as the song's 4–5 repeat 0–1.
		const twice = planTemplate(t, 8, 0, 16);
		expect(twice.phrases.map((p) => p.end / 8)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
		expect(twice.copy![96]).toBe(64);
		expect(twice.copy![111]).toBe(79);
		expect(twice.copy![32]).toBe(0);
		expect([...twice.copy!.slice(64, 96)].every((c) => c === -1)).toBe(true);
		expect(twice.phrases.map((p) => p.label).join('')).toBe('ABACDEDF');
		const short = planTemplate(t, 8, 0, 5);
		expect(short.phrases.at(-1)!.end).toBe(40);
		expect(short.phrases.at(-1)!.cadence).toBe('final');
		// The fifth bar was a copy, but it is the tune's last: its ending is drawn.
		expect(short.copy![32]).toBe(-1);
	});

	it('each phrase knows whether its song’s phrase landed on 1, 3 or 5, where the template says', () => {
		const plan = planTemplate({ ...t, unstable: [1] }, 8, 0, 10);
		// The tenth bar ends the second verse's first phrase: it lands as the song's first phrase did.
		expect(plan.phrases.map((p) => p.lands)).toEqual([true, false, true, true, true]);
		expect(planTemplate(t, 8, 0, 8).phrases.every((p) => p.lands === undefined)).toBe(true);
	});

	it('with an upbeat the copies move with the barlines and phrases end where the next pickup starts', () => {
		const up: SongTemplate = { ...t, phase: 6 };
		const plan = planTemplate(up, 8, 6, 8);
		// First barline after the 2-step pickup; full bar 4 starts at 2 + 32.
		expect(plan.copy![34]).toBe(2);
		expect(plan.phrases[0].end).toBe(16);
		expect(plan.phrases[0].cadenceFrom).toBe(10);
	});
});

describe.skipIf(!HAS_BUNDLED)('tunes as the songs go (bundled model)', () => {
	const forms = HAS_BUNDLED ? loadBundledForms() : undefined;
	const settings = {
		temperature: GENERATE_DEFAULTS.temperature,
		variations: 4,
		randomSeed: 77,
		meter: '2/4',
		bars: 12,
		form: 'songs',
		upbeat: 'songs' as const
	};

	it('the bundled model keeps its training songs’ forms for the meters it writes in', () => {
		expect(forms).toBeDefined();
		for (const m of ['2/4', '3/4', '4/4', '6/8']) expect(forms![m].length).toBeGreaterThan(50);
		// Each with its song's mode and the German collection it came from (docs/model-card.md, H).
		const all = Object.values(forms!).flat();
		expect(all.every((t) => t.mode === 'major' || t.mode === 'minor')).toBe(true);
		const songs = (style: string) => all.filter((t) => t.style === style).reduce((n, t) => n + t.n, 0);
		expect(songs('germany') + songs('kinder') + songs('altdeu') + songs('dva')).toBe(
			all.reduce((n, t) => n + t.n, 0)
		);
		for (const style of ['kinder', 'altdeu', 'dva']) expect(songs(style)).toBeGreaterThan(20);
	});

	it('each tune follows a template of its meter: its bars copied where the song repeats, its upbeat the song’s', () => {
		const melodies = generate(loadBundled(), [], settings, forms);
		for (const m of melodies) {
			const t = m.form!.template!;
			expect(t).toBeDefined();
			expect(m.barPhase).toBe(t.phase);
			expect(m.symbols.length).toBe(12 * 8);
			const first = (8 - t.phase) % 8;
			const bar = (i: number) => m.symbols.slice(first + i * 8, first + (i + 1) * 8).join(' ');
			const full = Math.floor((m.symbols.length - first) / 8);
			const lastDrawn = t.phase === 0 ? full - 1 : full;
			t.copies.forEach((j, i) => {
				if (j >= 0 && i < lastDrawn) expect(bar(i)).toBe(bar(j));
			});
			expect(m.form!.phrases.at(-1)!.end).toBe(m.symbols.length);
		}
		// Not one form for every tune.
		expect(new Set(melodies.map((m) => JSON.stringify(m.form!.template))).size).toBeGreaterThan(1);
	});

	it('a kept seed writes the same tune, template and upbeat again; a template can be given', () => {
		const [a] = generate(loadBundled(), [], { ...settings, variations: 1 }, forms);
		const [b] = generate(loadBundled(), [], { ...settings, variations: 1 }, forms);
		expect(b.symbols).toEqual(a.symbols);
		expect(b.barPhase).toBe(a.barPhase);
		const t = drawTemplate(forms, '2/4', 12, templateRandom(5))!;
		const [c] = generate(loadBundled(), [], { ...settings, variations: 1, template: t }, forms);
		expect(c.form!.template).toEqual(t);
		expect(c.barPhase).toBe(t.phase);
	});

	it('whole tunes never leap past an octave nor hold a note a length no song has (5, 7, 9–11, 13–15, over 16)', () => {
		const melodies = generate(
			loadBundled(),
			[],
			{ ...settings, variations: 8, meter: '4/2', bars: 8 },
			forms
		);
		for (const m of melodies) {
			const pitches = m.symbols.filter(isPitchSymbol).map(Number);
			for (let i = 1; i < pitches.length; i++)
				expect(Math.abs(pitches[i] - pitches[i - 1])).toBeLessThanOrEqual(12);
			let run = 0;
			let inNote = false;
			const lengths: number[] = [];
			for (const s of [...m.symbols, 'r']) {
				if (s === '_') {
					run++;
					continue;
				}
				if (inNote) lengths.push(run);
				inNote = isPitchSymbol(s);
				run = 1;
			}
			// The last note may be cut by the tune's end.
			for (const l of lengths.slice(0, -1)) expect([1, 2, 3, 4, 6, 8, 12, 16]).toContain(l);
		}
	});

	it('writing a phrase again keeps the song’s form and every other phrase', () => {
		const melodies = generate(loadBundled(), [], settings, forms);
		const m = melodies.find((x) => x.form!.phrases.some((p) => p.label === 'B'))!;
		const [again] = generate(
			loadBundled(),
			[],
			{
				...settings,
				variations: 1,
				randomSeed: 99,
				barPhase: m.barPhase,
				upbeat: 'given',
				template: m.form!.template,
				rewrite: { symbols: m.symbols, letter: 'B' }
			},
			forms
		);
		expect(again.form!.phrases).toEqual(m.form!.phrases);
		const steps = (x: typeof m, p: { start: number; end: number }) =>
			x.symbols.slice(p.start, p.end).join(' ');
		for (const p of m.form!.phrases.filter((p) => !p.label.startsWith('B')))
			expect(steps(again, p)).toBe(steps(m, p));
		expect(again.symbols.join(' ')).not.toBe(m.symbols.join(' '));
	});

	/** Eight bars of the meter from the downbeat, in two-bar phrases, nothing repeated. */
	const eightBars: SongTemplate = {
		bars: 8,
		phase: 0,
		copies: [-1, -1, -1, -1, -1, -1, -1, -1],
		ends: [2, 4, 6, 8],
		n: 1
	};

	it('a tune opens on its song’s first note, and its phrases land on 1, 3 or 5 where the song’s did', () => {
		const base = eightBars;
		const landed = (unstable: number[], opening: number) => {
			let stable = 0;
			let phrases = 0;
			for (const m of generate(
				loadBundled(),
				[],
				{ ...settings, bars: 8, variations: 8, template: { ...base, unstable, opening } },
				forms
			)) {
				expect(m.symbols.find(isPitchSymbol)).toBe(String(opening));
				for (const p of m.form!.phrases.slice(0, -1)) {
					phrases++;
					if (landsOn('stable', m.symbols, p.end)) stable++;
				}
			}
			return stable / phrases;
		};
		// Left to the model about two thirds land (docs/model-card.md): asked, nearly all do or do not.
		expect(landed([], 72)).toBeGreaterThan(0.9);
		expect(landed([0, 1, 2], 67)).toBeLessThan(0.25);
	});

	it('a tune in a song’s form is in its song’s mode: minor where the song was, major where it was', () => {
		// E: the fifth of A minor and the third of C major.
		const base: SongTemplate = { ...eightBars, opening: 64 };
		const minorShare = (template: SongTemplate) => {
			const tunes = [77, 78].flatMap((randomSeed) =>
				generate(loadBundled(), [], { ...settings, randomSeed, bars: 8, variations: 8, template }, forms)
			);
			return tunes.filter((m) => estimateMode(m.symbols) === 'minor').length / tunes.length;
		};
		// Left to the model a tune opening on E is heard in minor one time in ten to four (docs/model-card.md).
		const own = minorShare(base);
		expect(own).toBeLessThan(0.3);
		expect(minorShare({ ...base, mode: 'minor' })).toBeGreaterThan(own + 0.3);
		expect(minorShare({ ...base, mode: 'major' })).toBe(0);
		// A song's mode is read as the app hears it: kindr001 is in major.
		const one = readSongIfShared(1);
		if (one) expect(songTemplate(one.song, kernPhraseBarlines(one.text))!.mode).toBe('major');
	});

	it('a tune in a song’s form writes in its song’s style unless a style is chosen; a style the model lacks is left out', () => {
		const t = { ...drawTemplate(forms, '2/4', 8, templateRandom(3))!, style: 'china' };
		const one = { ...settings, bars: 8, variations: 1, template: t };
		const [own] = generate(loadBundled(), [], one, forms);
		const [asked] = generate(loadBundled(), [], { ...one, style: 'china' }, forms);
		const [none] = generate(loadBundled(), [], { ...one, template: { ...t, style: undefined } }, forms);
		const [chosen] = generate(loadBundled(), [], { ...one, style: 'germany' }, forms);
		expect(own.symbols).toEqual(asked.symbols);
		expect(own.symbols).not.toEqual(none.symbols);
		expect(chosen.symbols).not.toEqual(own.symbols);
		const [unknown] = generate(loadBundled(), [], { ...one, template: { ...t, style: 'atlantis' } }, forms);
		expect(unknown.symbols).toEqual(none.symbols);
	});

	it('the bar before a repeat leads into it: fewer leaps of a sixth or more into the copied bar', () => {
		// An Old German song's form, AA: its opening bars (on the high C the song opened on) come back after a
		// phrase that lands on 1, 3 or 5. Drawn once (JOIN_DRAWS = 1) 38 of these 80 tunes leapt a sixth or
		// more (or a tritone) into the repeat; with the join drawn as if the model knew the copy, 24.
		const template: SongTemplate = {
			bars: 8,
			phase: 0,
			copies: [-1, -1, -1, -1, 0, 1, 2, -1],
			ends: [4],
			unstable: [],
			opening: 72,
			mode: 'major',
			style: 'altdeu',
			n: 1
		};
		let leaps = 0;
		for (const seed of [7, 8])
			for (let k = 0; k < 5; k++)
				for (const m of generate(
					loadBundled(),
					[],
					{ ...settings, meter: '4/4', bars: 8, variations: 8, randomSeed: seed * 100 + k, template },
					forms
				)) {
					const s = m.symbols;
					expect(s.slice(64, 112)).toEqual(s.slice(0, 48));
					const before = Number(s.slice(0, 64).filter(isPitchSymbol).at(-1));
					const after = Number(s.slice(64).find(isPitchSymbol));
					const leap = Math.abs(after - before);
					if (leap >= 8 || leap === 6) leaps++;
				}
		expect(leaps).toBeLessThan(31);
	}, 120_000);

	it('a bar that repeats the bar just before it is its copy, though that bar was drawn again for the join', () => {
		// Bars 1 and 3 copy bars 0 and 2: the bar drawn again before each copy is the copy's own source.
		const template: SongTemplate = {
			bars: 6,
			phase: 0,
			copies: [-1, 0, -1, 2, -1, -1],
			ends: [2, 4, 6],
			n: 1
		};
		for (const randomSeed of [1, 2, 3, 4])
			for (const m of generate(
				loadBundled(),
				[],
				{ ...settings, bars: 6, variations: 8, randomSeed, template },
				forms
			)) {
				expect(m.symbols.slice(8, 16)).toEqual(m.symbols.slice(0, 8));
				expect(m.symbols.slice(24, 32)).toEqual(m.symbols.slice(16, 24));
			}
	});

	it('a seed keeps its own bar phase; without the songs’ upbeat the tune starts where it is told', () => {
		const [m] = generate(loadBundled(), ['72', '_'], { ...settings, variations: 1, barPhase: 4 }, forms);
		expect(m.barPhase).toBeUndefined();
		expect(m.symbols.slice(0, 2)).toEqual(['72', '_']);
		const [d] = generate(
			loadBundled(),
			[],
			{ ...settings, variations: 1, upbeat: 'given', barPhase: 0 },
			forms
		);
		expect(d.barPhase).toBeUndefined();
	});
});
