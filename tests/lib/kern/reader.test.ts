import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readKern, parseKeyDesignation } from '../../../src/lib/kern/reader';
import { parseKernToken, scanKernToken } from '../../../src/lib/kern/token';
import { decodeBytes, looksBinary } from '../../../src/lib/kern/decode';
import { hasShared, shared } from '../../shared';

function song(text: string) {
	const r = readKern(text, 'test.krn');
	if (!r.ok) throw new Error(r.reason);
	return r.song;
}

function allFiles(dir: string): string[] {
	return readdirSync(dir)
		.sort()
		.flatMap((n) => {
			const p = join(dir, n);
			return statSync(p).isDirectory() ? allFiles(p) : [p];
		});
}

describe('kern tokens', () => {
	it('reads pitch, octave and accidentals as music21 does', () => {
		const midi = (t: string) => (parseKernToken(t) as { midi?: number }).midi;
		expect(midi('4c')).toBe(60);
		expect(midi('4cc')).toBe(72);
		expect(midi('4C')).toBe(48);
		expect(midi('4CC')).toBe(36);
		expect(midi('8f#')).toBe(66);
		expect(midi('8b-')).toBe(70);
		expect(midi('8e--')).toBe(62);
		expect(midi('8g##')).toBe(69);
		expect(midi('{8.cc#L')).toBe(73);
	});

	it('reads durations: dots, tuplets, rationals, breves', () => {
		const ql = (t: string) => (parseKernToken(t) as { quarterLength: number }).quarterLength;
		expect(ql('4c')).toBe(1);
		expect(ql('8.c')).toBe(0.75);
		expect(ql('4..c')).toBe(1.75);
		expect(ql('2.c')).toBe(3);
		expect(ql('1c')).toBe(4);
		expect(ql('0c')).toBe(8);
		expect(ql('00c')).toBe(16);
		expect(ql('12c')).toBeCloseTo(1 / 3, 12);
		expect(ql('6c')).toBeCloseTo(2 / 3, 12);
		// Dots on tuplet values are ignored (docs/reference.md, step 4).
		expect(ql('6.c')).toBeCloseTo(2 / 3, 12);
		expect(ql('3%2c')).toBeCloseTo(8 / 3, 12);
		expect((parseKernToken('12c') as { tuplet: boolean }).tuplet).toBe(true);
		expect((parseKernToken('8c') as { tuplet: boolean }).tuplet).toBe(false);
	});

	it('reads rests, ties, fermatas and grace notes', () => {
		expect(parseKernToken('4r')).toMatchObject({ type: 'event', kind: 'rest', quarterLength: 1 });
		expect(parseKernToken('[4c')).toMatchObject({ tie: 'start' });
		expect(parseKernToken('4c]')).toMatchObject({ tie: 'stop' });
		expect(parseKernToken('4c_')).toMatchObject({ tie: 'continue' });
		expect(parseKernToken('4c;')).toMatchObject({ fermata: true });
		expect(parseKernToken('8cq')).toEqual({ type: 'grace' });
		expect(parseKernToken('xyz')).toMatchObject({ type: 'error' });
	});

	it('reads key designations with their spelled tonic', () => {
		expect(parseKeyDesignation('*G:')).toEqual({ name: 'G', mode: 'major', tonicMidi: 67 });
		expect(parseKeyDesignation('*e:')).toEqual({ name: 'e', mode: 'minor', tonicMidi: 64 });
		expect(parseKeyDesignation('*B-:')).toMatchObject({ mode: 'major', tonicMidi: 70 });
		expect(parseKeyDesignation('*c-:')).toMatchObject({ tonicMidi: 59 });
		expect(parseKeyDesignation('*k[f#]')).toBeUndefined();
	});
});

describe('kern reader', () => {
	it('keeps reference records, meter, key signature and the designation music21 finds', () => {
		const s = song(
			'!!!OTL: Titel\n!!!ARE: Region\n!!!SCT: E1\n**kern\n*ICvox\n*Ivox\n*M3/4\n*k[f#]\n*G:\n4g\n=1\n2.b\n==\n*-\n'
		);
		expect(s).toMatchObject({
			title: 'Titel',
			region: 'Region',
			sct: 'E1',
			meter: '3/4',
			meterNumeric: true
		});
		expect(s.keySignature).toBe('f#');
		expect(s.music21Key?.name).toBe('G');
		expect(s.events.map((e) => [e.midi, e.quarterLength])).toEqual([
			[67, 1],
			[71, 3]
		]);
	});

	it('drops the designation where music21 does not find it (non-numeric meter)', () => {
		const s = song('**kern\n*ICvox\n*Ivox\n*MX\n*k[f#]\n*G:\n4g\n*-\n');
		expect(s.keyDesignation?.name).toBe('G');
		expect(s.music21Key).toBeUndefined();
		expect(s.meter).toBe('X');
		expect(s.meterNumeric).toBe(false);
	});

	it('takes the rightmost **kern spine, its first layer, the highest chord note; reads past **dynam and **text', () => {
		const text = [
			'**kern\t**dynam\t**kern\t**text',
			'*M4/4\t*\t*M4/4\t*',
			'4C\tp\t4c 4e 4g\thel-',
			'*\t*\t*^\t*',
			'2E\t.\t4a\t4f\tlo',
			'.\t.\t8gq\t.\t.',
			'.\t.\t4b\t4g\t.',
			'*\t*\t*v\t*v\t*',
			'1F\tf\t1cc\t.',
			'*-\t*-\t*-\t*-'
		].join('\n');
		const r = readKern(text, 'x.krn');
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.song.events.map((e) => e.midi)).toEqual([67, 69, 71, 72]);
		expect(r.song.kernSpines).toBe(2);
		const remarks = r.song.remarks.join('; ');
		expect(remarks).toContain('rightmost of 2 **kern spines');
		expect(remarks).toContain('**dynam');
		expect(remarks).toContain('1 chord');
		expect(remarks).toContain('1 grace note');
	});

	it('follows splits and merges and ignores other spines', () => {
		const text = [
			'**kern\t**text',
			'4c\ta',
			'*^\t*',
			'4d\t4B\tb',
			'4e\t4A\tc',
			'*v\t*v\t*',
			'4f\td',
			'*-\t*-'
		].join('\n');
		expect(song(text).events.map((e) => e.midi)).toEqual([60, 62, 64, 65]);
	});

	it('handles *+, *x and *- and still keeps the melody', () => {
		const text = [
			'**kern\t**kern',
			'4C\t4c',
			'*\t*+',
			'*\t*\t**text',
			'4D\t4d\tla',
			'*x\t*x\t*',
			'4e\t4E\tli',
			'*x\t*x\t*',
			'*\t*\t*-',
			'4F\t4f',
			'*-\t*-'
		].join('\n');
		expect(song(text).events.map((e) => e.midi)).toEqual([60, 62, 64, 65]);
	});

	it('takes the highest note of a chord and skips grace notes', () => {
		const s = song('**kern\n4c 4e 4g\n8dq\n4r\n*-\n');
		expect(s.events.map((e) => e.midi ?? 'r')).toEqual([67, 'r']);
		expect(s.graceNotes).toBe(1);
		expect(s.remarks.join(' ')).toMatch(/grace/);
	});

	it('says why a file cannot be read, with the line', () => {
		const bad = readKern('**kern\t**kern\n4c\n*-\t*-\n', 'x.krn');
		expect(bad).toMatchObject({ ok: false, status: 'unreadable', line: 2 });
		expect(readKern('! stray comment\n**kern\n4c\n*-\n', 'x.krn').ok).toBe(true);
		const noHeader = readKern('hello\nworld\n', 'x.krn');
		expect(noHeader).toMatchObject({ ok: false, status: 'unreadable' });
		const noKern = readKern('**text\nla\n*-\n', 'x.krn');
		expect(noKern).toMatchObject({ ok: false, status: 'skipped' });
		const badToken = readKern('**kern\n4c\n4xyz\n*-\n', 'x.krn');
		expect(badToken).toMatchObject({ ok: false, status: 'unreadable', line: 3 });
		expect(readKern(new Uint8Array([0, 1, 2, 3, 0x89, 0x50]), 'x.krn')).toMatchObject({
			ok: false,
			status: 'unreadable'
		});
		expect(readKern(new Uint8Array(0), 'x.krn')).toMatchObject({ ok: false, status: 'skipped' });
	});

	it('calls a barline in some spines only a barline, with its line', () => {
		const head = '**kern\t**kern\n*M2/4\t*M2/4\n4c\t4e\n';
		expect(readKern(head + '4d\t=13||\n*-\t*-\n')).toEqual({
			ok: false,
			status: 'unreadable',
			reason:
				'Line 4: "=13||" is a barline in spine 2 only; a barline crosses every spine, so the spines no longer line up.',
			line: 4
		});
		const three = '**kern\t**dynam\t**kern\n4c\tp\t4e\n=2\t=2\t4f\n*-\t*-\t*-\n';
		expect(readKern(three)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/"=2" is a barline in spines 1 and 2 only/)
		});
		expect(readKern(head + '=1\t=1\n4d\t4f\n*-\t*-\n').ok).toBe(true);
	});

	it('decodes UTF-8, and CP437 where the bytes are not UTF-8', () => {
		expect(decodeBytes(new TextEncoder().encode('Träume'))).toEqual({ text: 'Träume', encoding: 'utf-8' });
		expect(decodeBytes(new Uint8Array([0x54, 0x72, 0x84, 0x75, 0x6d, 0x65, 0xe1]))).toEqual({
			text: 'Träumeß',
			encoding: 'cp437'
		});
		expect(looksBinary(new TextEncoder().encode('**kern\n4c\n'))).toBe(false);
	});

	const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
	const utf16 = (s: string, bigEndian: boolean) => {
		const out = new Uint8Array(2 + 2 * s.length);
		out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
		for (let i = 0; i < s.length; i++) {
			const c = s.charCodeAt(i);
			out[2 + 2 * i + (bigEndian ? 1 : 0)] = c & 0xff;
			out[2 + 2 * i + (bigEndian ? 0 : 1)] = c >> 8;
		}
		return out;
	};
	const FILE =
		'!!!OTL: Der Bettelmönch\n!!!ARE: Europa, Mitteleuropa, Deutschland\n**kern\n*M2/4\n4c\n4e\n*-\n';

	it('reads Latin-1 / Windows-1252 text as such: Bettelmönch, not Bettelm÷nch', () => {
		expect(decodeBytes(latin1('Der Bettelmönch'))).toEqual({
			text: 'Der Bettelmönch',
			encoding: 'windows-1252'
		});
		expect(decodeBytes(latin1('Grüße aus Köln, „Straße“'.replace('„', '\x84').replace('“', '\x93')))).toEqual(
			{
				text: 'Grüße aus Köln, „Straße“',
				encoding: 'windows-1252'
			}
		);
		const r = readKern(latin1(FILE), 'bettel.krn');
		expect(r.ok && r.song.title).toBe('Der Bettelmönch');
		// A line of the collection's own: CP437 ü, ä, ß.
		expect(decodeBytes(latin1('gef\x81hlsm\x84\xe1ig')).text).toBe('gefühlsmäßig');
	});

	it('reads UTF-16 with a byte-order mark (Notepad\'s "Unicode") and UTF-8 with one', () => {
		for (const big of [false, true]) {
			const bytes = utf16(FILE, big);
			expect(looksBinary(bytes)).toBe(false);
			expect(decodeBytes(bytes)).toEqual({ text: FILE, encoding: big ? 'utf-16be' : 'utf-16le' });
			const r = readKern(bytes, 'u16.krn');
			expect(r.ok && r.song.title).toBe('Der Bettelmönch');
			expect(r.ok && r.song.events.length).toBe(2);
		}
		const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(FILE)]);
		expect(decodeBytes(withBom)).toEqual({ text: FILE, encoding: 'utf-8' });
		// A NUL inside UTF-16 text is still binary.
		expect(looksBinary(utf16('**kern\n\u00004c', false))).toBe(true);
	});
});

describe.skipIf(!hasShared())('kern reader on every file of ../shared/corpus', () => {
	it('never throws and gives every file a song or a reason', () => {
		const files = allFiles(shared('corpus'));
		expect(files.length).toBeGreaterThan(3000);
		let ok = 0;
		for (const f of files) {
			const r = readKern(new Uint8Array(readFileSync(f)), f);
			if (r.ok) ok++;
			else expect(r.reason.length, f).toBeGreaterThan(10);
		}
		// Every .krn file in the corpus is a Humdrum file with a melody.
		expect(ok).toBe(files.filter((f) => f.endsWith('.krn') && !f.includes('test-rhythms')).length);
	});

	it('reads every data token of the corpus the same on the fast path and with the general scanner', () => {
		const tokens = new Set<string>();
		for (const f of allFiles(shared('corpus')).filter((p) => p.endsWith('.krn'))) {
			for (const line of readFileSync(f, 'latin1').split(/\r?\n/)) {
				if (/^[!*=]/.test(line) || line === '') continue;
				for (const field of line.split('\t'))
					for (const t of field.split(' ')) if (t && t !== '.') tokens.add(t);
			}
		}
		expect(tokens.size).toBeGreaterThan(500);
		const differ = [...tokens].filter(
			(t) => JSON.stringify(parseKernToken(t)) !== JSON.stringify(scanKernToken(t))
		);
		expect(differ).toEqual([]);
	});

	it('reads every non-UTF-8 file of the collection as CP437 with German letters, never box drawings', () => {
		let n = 0;
		for (const f of allFiles(shared('corpus'))) {
			const bytes = new Uint8Array(readFileSync(f));
			const d = decodeBytes(bytes);
			if (d.encoding === 'utf-8') continue;
			n++;
			expect(d.encoding, f).toBe('cp437');
			expect(d.text, f).toMatch(/[äöüßÄÖÜ]/);
			expect(d.text, f).not.toMatch(/[\u2500-\u25ff÷Σ]/);
		}
		expect(n).toBe(53);
	});

	it('reads the CP437 titles of Essen files that are not UTF-8', () => {
		const r = readKern(new Uint8Array(readFileSync(shared('corpus/essen/deutschl/test/deut5147.krn'))), 'x');
		expect(r.ok && r.song.encoding).toBe('cp437');
		expect(r.ok && r.song.title).toMatch(/getr.umet/);
		expect(r.ok && r.song.title).toContain('ä');
	});

	it('takes the soprano of a Bach chorale (rightmost of four spines)', () => {
		const path = shared('corpus/robustness/bach-370-chorales/kern/chor001.krn');
		const text = readFileSync(path, 'utf8');
		const r = readKern(text, path);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.song.kernSpines).toBe(4);
		// The first data line's rightmost field is the soprano's first note.
		const firstData = text.split('\n').find((l) => /^[0-9]/.test(l)) as string;
		const soprano = firstData.split('\t')[3];
		expect(r.song.events[0].token).toBe(soprano);
	});
});
