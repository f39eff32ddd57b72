import { describe, expect, it } from 'vitest';
import {
	fromKern,
	keySignature,
	kernPitch,
	kernSpelled,
	splitDuration,
	toKern
} from '../../../src/lib/formats/kern';
import { EXPORT_KEYS, estimateMode, findKey, homeKey, transposeSymbols } from '../../../src/lib/formats/key';
import { signatureAlterations, spellIn, toBars } from '../../../src/lib/formats/measures';
import { COMMON_METERS, parseMeter } from '../../../src/lib/music/meter';
import { hasShared } from '../../shared';
import { erkSongs } from './fixtures';

/** 16ths of a kern duration token as the reference reads them (4 = quarter, each dot adds half). */

function sixteenths(token: string): number {
	const m = /^(\d+)(\.*)/.exec(token)!;
	let value = 16 / Number(m[1]);
	let add = value;
	for (let i = 0; i < m[2].length; i++) value += add /= 2;
	return value;
}

/** The data lines between barlines, as 16ths per bar. */
function barLengths(kern: string): number[] {
	const bars: number[] = [0];
	for (const line of kern.split('\n')) {
		if (line.startsWith('=')) bars.push(0);
		else if (/^\[?\d/.test(line)) bars[bars.length - 1] += sixteenths(line.replace('[', ''));
	}
	return bars.filter((b, i) => b > 0 || i < bars.length - 1);
}

describe('**kern export', () => {
	it('writes only values the encoding accepts, summing to the length', () => {
		const allowed = new Set(['1', '2.', '2', '4.', '4', '8.', '8', '16']);
		for (let n = 1; n <= 40; n++) {
			const parts = splitDuration(n);
			expect(parts.every((p) => allowed.has(p))).toBe(true);
			expect(parts.reduce((s, p) => s + sixteenths(p), 0)).toBe(n);
		}
	});

	it('spells pitches in kern octaves and key signatures in circle order', () => {
		expect([60, 72, 48, 36, 61].map((m) => kernPitch(m, false))).toEqual(['c', 'cc', 'C', 'CC', 'c#']);
		expect(kernPitch(70, true)).toBe('b-');
		expect(keySignature(2)).toBe('*k[f#c#]');
		expect(keySignature(-3)).toBe('*k[b-e-a-]');
	});

	it('writes meter, key, full bars and ties where a note crosses a barline', () => {
		const melody = '67 _ 67 _ 67 _ _ 65 64 _ r _ r 62 _ _ _ _ _ _ _ _ _ 60 r _'.split(' ');
		const kern = toKern(melody, { meter: parseMeter('3/4')!, key: findKey('G major'), title: 'Test' });
		const lines = kern.trim().split('\n');
		expect(lines).toContain('**kern');
		expect(lines).toContain('*M3/4');
		expect(lines).toContain('*k[f#]');
		expect(lines).toContain('*G:');
		expect(lines).toContain('!!!OTL: Test');
		expect(lines.at(-1)).toBe('*-');
		expect(lines.at(-2)).toBe('==');
		expect(barLengths(kern)).toEqual([12, 12, 2]);
		// 62 lasts ten 16ths (no single written value): a half tied to an eighth, no tie left open.
		const data = lines.filter((l) => /^\[?\d/.test(l));
		const opens = data.filter((l) => l.startsWith('[')).length;
		const closes = data.filter((l) => l.endsWith(']')).length;
		expect(opens).toBe(closes);
		expect(opens).toBeGreaterThan(0);
	});

	it('ties a note over the barline and keeps an upbeat', () => {
		const kern = toKern(['60', '_', '_', '_', '_', '62'], { pickup: 2, key: homeKey('major') });
		expect(kern).toContain('[8c\n=1\n8.c]\n16d');
	});

	it.skipIf(!hasShared())('fills every bar of erk songs exactly in 4/4', () => {
		for (const song of erkSongs(10)) {
			const bars = barLengths(toKern(song));
			expect(bars.slice(0, -1).every((b) => b === 16)).toBe(true);
			expect(bars.reduce((s, b) => s + b, 0)).toBe(song.length);
		}
	});
});

describe('keys for export', () => {
	it('offers 24 keys whose shifts undo the encoding (60 − tonic major, 69 − tonic minor)', () => {
		expect(EXPORT_KEYS).toHaveLength(24);
		for (const k of EXPORT_KEYS) {
			const tonicInOctave4 = 60 + k.tonic;
			expect(k.shift).toBe(tonicInOctave4 - (k.mode === 'major' ? 60 : 69));
		}
		expect(findKey('E minor')?.shift).toBe(-5);
		expect(findKey('B-')?.shift).toBe(10);
	});

	it('hears C major and A minor tunes as such', () => {
		expect(estimateMode('60 _ 64 _ 67 _ 64 _ 65 _ 62 _ 59 _ 60 _ _ _'.split(' '))).toBe('major');
		expect(estimateMode('69 _ 72 _ 76 _ 72 _ 71 _ 68 _ 69 _ _ _'.split(' '))).toBe('minor');
		expect(transposeSymbols(['60', '_', 'r'], 2)).toEqual(['62', '_', 'r']);
	});
});

describe.skipIf(!hasShared())('**kern bars are the notation exports’ bars (measures.ts)', () => {
	/** Every 3rd erk song in every common meter, upbeats of 0, 1, 3 and 13 16ths, keys in turn. */
	const exports = () =>
		erkSongs(3).flatMap((song, i) =>
			COMMON_METERS.flatMap((m) =>
				[0, 1, 3, 13].map((pickup) => {
					const key = EXPORT_KEYS[(i + pickup) % EXPORT_KEYS.length];
					const meter = parseMeter(m)!;
					return { song, meter, key, pickup, kern: toKern(song, { meter, key, pickup, title: `Song ${i}` }) };
				})
			)
		);

	it('cuts each song into the bars MusicXML and ABC write: same bars, same written values', () => {
		for (const { song, meter, key, pickup, kern } of exports()) {
			const bars = toBars(transposeSymbols(song, key.shift), meter, pickup);
			expect(barLengths(kern)).toEqual(bars.map((b) => b.length));
			const values = kern
				.split('\n')
				.filter((l) => /^\[?\d/.test(l))
				.map((l) => sixteenths(l.replace('[', '')));
			expect(values).toEqual(bars.flatMap((b) => b.notes.map((n) => n.length)));
		}
	});

	it('spells every note as the key does: its own notes with the signature’s letters (E♯ in F♯ major)', () => {
		let checked = 0;
		for (const { song, meter, key, pickup, kern } of exports().filter((_, k) => k % 7 === 0)) {
			const signature = signatureAlterations(key.fifths);
			const notes = toBars(transposeSymbols(song, key.shift), meter, pickup).flatMap((b) =>
				b.notes.filter((n) => n.pitch !== null)
			);
			const written = kern
				.split('\n')
				.filter((l) => /^\[?\d/.test(l) && !/r$/.test(l))
				.map((l) => /[a-gA-G]+[#-]*/.exec(l)![0]);
			expect(written).toEqual(notes.map((n) => kernSpelled(spellIn(n.pitch!, key))));
			for (const n of notes) {
				const { step, alter } = spellIn(n.pitch!, key);
				const inKey = (((n.pitch! - key.tonic) % 12) + 12) % 12;
				// The major scale's degrees from the relative major tonic are the key's own notes.
				const relative = (((key.tonic - (key.mode === 'minor' ? 9 : 0)) % 12) + 12) % 12;
				if ([0, 2, 4, 5, 7, 9, 11].includes((((n.pitch! - relative) % 12) + 12) % 12))
					expect(alter, `${key.name}: ${n.pitch} (${inKey} above the tonic)`).toBe(signature[step]);
				checked++;
			}
		}
		expect(checked).toBeGreaterThan(10_000);
	});
});

describe.skipIf(!hasShared())('**kern round trip through the project’s reader', () => {
	const meters = ['4/4', '3/4', '2/4', '6/8'];

	it('reads every exported erk song back to exactly the same symbols, in any meter, key and upbeat', () => {
		const songs = erkSongs(3);
		songs.forEach((song, i) => {
			const meter = parseMeter(meters[i % meters.length])!;
			const key = EXPORT_KEYS[i % EXPORT_KEYS.length];
			const pickup = i % 5 === 0 ? 2 : 0;
			const kern = toKern(song, { meter, key, pickup, title: `Song ${i}` });
			const back = fromKern(kern, `song-${i}.krn`);
			expect(back.symbols, `song ${i} in ${key.name}, ${meters[i % meters.length]}`).toEqual(song);
			expect(back.meter).toBe(meters[i % meters.length]);
			expect(back.transposition + key.shift).toBe(0);
			expect(back.title).toBe(`Song ${i}`);
		});
	});

	it('reads generated-looking melodies with long notes tied over barlines back exactly', () => {
		const melody =
			'64 _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ 62 r _ _ _ _ _ r 60 _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _'.split(
				' '
			);
		for (const m of meters) {
			const kern = toKern(melody, { meter: parseMeter(m)!, key: findKey('F major') });
			expect(fromKern(kern).symbols).toEqual(melody);
		}
	});
});
