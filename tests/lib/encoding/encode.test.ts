import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readKern, type KernSong } from '../../../src/lib/kern/reader';
import { encodeSong } from '../../../src/lib/encoding/encode';
import {
	estimateKey,
	pitchClassHistogram,
	AARDEN_ESSEN_MAJOR,
	AARDEN_ESSEN_MINOR
} from '../../../src/lib/encoding/key';
import { hasShared, shared } from '../../shared';

function read(text: string, path = 't.krn'): KernSong {
	const r = readKern(text, path);
	if (!r.ok) throw new Error(r.reason);
	return r.song;
}

const HEADER = (meter: string, key: string) => `**kern\n*ICvox\n*Ivox\n*M${meter}\n*k[]\n*${key}:\n`;

describe('encoding rules', () => {
	it('writes a symbol per onset and _ per further 16th; ties stay two notes; rests are r', () => {
		const s = read(HEADER('4/4', 'C') + '4.c\n8d\n[4e\n4e]\n4r\n*-\n');
		const e = encodeSong(s);
		expect(e.status).toBe('kept');
		if (e.status !== 'kept') return;
		expect(e.song.symbols.join(' ')).toBe('60 _ _ _ _ _ 62 _ 64 _ _ _ 64 _ _ _ r _ _ _');
		expect(e.song.transposition).toBe(0);
	});

	it('moves E minor up 5 and B-flat major down 10 (from the designation)', () => {
		const eMinor = encodeSong(read(HEADER('2/4', 'e') + '4e\n*-\n'));
		const bFlat = encodeSong(read(HEADER('2/4', 'B-') + '4b-\n*-\n'));
		expect(eMinor.status === 'kept' && eMinor.song.transposition).toBe(5);
		expect(eMinor.status === 'kept' && eMinor.song.symbols[0]).toBe('69');
		expect(bFlat.status === 'kept' && bFlat.song.transposition).toBe(-10);
		expect(bFlat.status === 'kept' && bFlat.song.symbols[0]).toBe('60');
	});

	it('skips a song with a triplet and says where', () => {
		const e = encodeSong(read(HEADER('2/4', 'C') + '4c\n12d\n12e\n12f\n*-\n'));
		expect(e.status).toBe('skipped');
		expect(e.status === 'skipped' && e.line).toBe(8);
		expect(e.status === 'skipped' && e.reason).toMatch(/the note "12d" is an 8th-note triplet, not one of/);
	});

	it('names a skipped value as a musician would: breve, 32nd, dotted 16th, triplets', () => {
		const reason = (tokens: string) => {
			const e = encodeSong(read(HEADER('4/4', 'C') + tokens.split(' ').join('\n') + '\n*-\n'));
			return e.status === 'skipped' ? e.reason : 'kept';
		};
		expect(reason('0c')).toMatch(/the note "0c" is a breve, not one of/);
		expect(reason('4c 32d')).toMatch(/"32d" is a 32nd note,/);
		expect(reason('4c 16.d')).toMatch(/"16.d" is a dotted 16th note,/);
		expect(reason('4c 4..d')).toMatch(/is a double-dotted quarter note,/);
		expect(reason('4c 1.d')).toMatch(/is a dotted whole note,/);
		expect(reason('4c 6r')).toMatch(/the rest "6r" is a quarter-note triplet,.*quantize tuplets/);
		expect(reason('4c 24d')).toMatch(/is a 16th-note triplet/);
		expect(reason('4c 3%2d')).toMatch(/is a whole-note triplet/);
		expect(reason('4c 20d')).toMatch(/is a 16th-note quintuplet/);
		expect(reason('4c 7d')).toMatch(/is a quarter-note septuplet/);
		expect(reason('4c 00d')).toMatch(/is a longa/);
		expect(reason('4c 11d')).toMatch(/lasts 4\/11 of a quarter note \(a tuplet value\)/);
		expect(reason('4c 8d')).toBe('kept');
	});

	it('keeps the key with keepKey, and quantizes tuplets onto the grid with quantizeTuplets', () => {
		const song = read(HEADER('2/4', 'G') + '4g\n12a\n12b\n12cc\n*-\n');
		const kept = encodeSong(song, { keepKey: true, quantizeTuplets: true });
		expect(kept.status).toBe('kept');
		if (kept.status !== 'kept') return;
		expect(kept.song.transposition).toBe(0);
		// The triplet's onsets 1, 4/3, 5/3 round to 16ths 4, 5, 7; the song lasts 8 16ths.
		expect(kept.song.symbols.join(' ')).toBe('67 _ _ _ 69 71 _ 72');
		expect(kept.song.remarks?.join(' ')).toContain('quantized 3 notes');
	});

	it('estimates the key where the meter is not numeric (music21 then misses the designation)', () => {
		const e = encodeSong(read(HEADER('X', 'F') + '4f\n4a\n4cc\n4f\n2c\n4f\n*-\n'));
		expect(e.status === 'kept' && e.song.keyEstimated).toBe(true);
		expect(e.status === 'kept' && e.song.key).toBe('F');
		expect(e.status === 'kept' && e.song.transposition).toBe(-5);
	});

	it('estimates with the Pearson correlation of the Aarden-Essen profiles', () => {
		// A histogram equal to a rotated profile correlates perfectly with that key.
		const dMajor = AARDEN_ESSEN_MAJOR.map((_, n) => AARDEN_ESSEN_MAJOR[(n - 2 + 12) % 12]);
		expect(estimateKey(dMajor)).toMatchObject({ tonic: 2, mode: 'major' });
		expect(estimateKey(dMajor)?.correlation).toBeCloseTo(1, 12);
		const fSharpMinor = AARDEN_ESSEN_MINOR.map((_, n) => AARDEN_ESSEN_MINOR[(n - 6 + 12) % 12]);
		expect(estimateKey(fSharpMinor)).toMatchObject({ tonic: 6, mode: 'minor' });
		expect(estimateKey(new Array(12).fill(0))).toBeNull();
	});
});

describe.skipIf(!hasShared())('key estimate on real songs', () => {
	it('agrees with most Essen key designations (a sanity check of the estimator)', () => {
		const dir = shared('corpus/essen/deutschl/kinder');
		let agree = 0;
		let total = 0;
		for (const f of readdirSync(dir).filter((n) => n.endsWith('.krn'))) {
			const r = readKern(new Uint8Array(readFileSync(join(dir, f))), f);
			if (!r.ok || !r.song.keyDesignation) continue;
			const est = estimateKey(pitchClassHistogram(r.song.events));
			if (!est) continue;
			total++;
			const k = r.song.keyDesignation;
			if (est.mode === k.mode && est.tonic === ((k.tonicMidi % 12) + 12) % 12) agree++;
		}
		expect(total).toBeGreaterThan(150);
		expect(agree / total).toBeGreaterThan(0.75);
	});

	it('estimates the key of every deutschl song with a non-numeric meter', () => {
		const root = shared('corpus/essen/deutschl');
		const found: string[] = [];
		for (const sub of readdirSync(root)) {
			if (sub === 'CKSUM') continue;
			for (const f of readdirSync(join(root, sub)).filter((n) => n.endsWith('.krn'))) {
				const r = readKern(new Uint8Array(readFileSync(join(root, sub, f))), f);
				if (!r.ok || r.song.meterNumeric) continue;
				found.push(f);
				const e = encodeSong(r.song);
				if (e.status === 'kept') expect(e.song.keyEstimated, f).toBe(true);
			}
		}
		expect(found.length).toBeGreaterThan(5);
	});
});
