import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { ingest, type DroppedFile } from '../../../src/lib/corpus/ingest';
import { processMusicXml } from '../../../src/lib/corpus/musicxml';
import { toMusicXml } from '../../../src/lib/formats/musicxml';
import { toNotes } from '../../../src/lib/formats/notes';
import { findKey } from '../../../src/lib/formats/key';
import { DEFAULT_METER, parseMeter } from '../../../src/lib/music/meter';
import { hasShared, repoRoot, shared } from '../../shared';

const drop = (path: string, b: Uint8Array): DroppedFile => ({ path, size: b.length, read: () => b });
const notesOf = (symbols: string[]) =>
	toNotes(symbols)
		.filter((n) => n.pitch !== null)
		.map(({ pitch, start, length }) => ({ pitch, start, length }));

/** Real kern songs: 300 erk songs from ../shared, else the demo songs the app ships. */
async function kernSongs() {
	const dir = hasShared()
		? shared('corpus/essen/deutschl/erk')
		: join(repoRoot, 'static/demo/deutschl/kinder');
	const files = readdirSync(dir)
		.filter((f) => f.endsWith('.krn'))
		.sort()
		.slice(0, 300);
	const r = await ingest(files.map((f) => drop(f, new Uint8Array(readFileSync(join(dir, f))))));
	expect(r.songs.length).toBeGreaterThan(hasShared() ? 250 : 5);
	return r.songs;
}

describe('MusicXML files in a corpus import', () => {
	it('reads the app’s own MusicXML export of real kern songs back note for note, in any key', async () => {
		for (const s of await kernSongs()) {
			const meter = parseMeter(s.meter) ?? DEFAULT_METER;
			const pickup = s.barPhase ? meter.stepsPerBar - s.barPhase : 0;
			// Written in E♭ major or C minor: read back, the song moves to C major / A minor again.
			const minor = s.key === s.key?.toLowerCase();
			const key = findKey(minor ? 'C minor' : 'E♭ major')!;
			const xml = toMusicXml(s.symbols, { meter, pickup, key, title: s.path });
			const back = await processMusicXml(`${s.path}.musicxml`, strToU8(xml));
			expect(back.report.status, `${s.path}: ${back.report.reason}`).toBe('kept');
			expect(notesOf(back.song!.symbols), s.path).toEqual(notesOf(s.symbols));
			expect(back.song!.barPhase ?? 0, s.path).toBe(s.barPhase ?? 0);
			expect(back.song!.meter).toBe(s.meter && parseMeter(s.meter) ? s.meter : '4/4');
		}
	});

	it('reads .mxl archives, skips XML that is not a score, and names the format of each row', async () => {
		const xml = toMusicXml('60 _ 62 _ 64 _ _ _ 65 _ 67 _ 72 _ _ _'.split(' '), { title: 'Little' });
		const mxl = zipSync({
			'META-INF/container.xml': strToU8(
				'<?xml version="1.0"?><container><rootfiles><rootfile full-path="Little.musicxml"/></rootfiles></container>'
			),
			'Little.musicxml': strToU8(xml)
		});
		const kern = strToU8('**kern\n*M2/4\n*G:\n4g\n4a\n=\n2b\n*-\n');
		const r = await ingest([
			drop('little.mxl', mxl),
			drop('little.musicxml', strToU8(xml)),
			drop('drawing.xml', strToU8('<svg xmlns="http://www.w3.org/2000/svg"/>')),
			drop('broken.xml', strToU8('<score-partwise><part>')),
			drop('empty.mxl', zipSync({ 'readme.txt': strToU8('no score') })),
			drop('song.krn', kern)
		]);
		const by = Object.fromEntries(r.report.map((x) => [x.path, x]));
		expect(by['little.mxl']).toMatchObject({ status: 'kept', format: 'musicxml', title: 'Little' });
		expect(by['little.musicxml']).toMatchObject({ status: 'kept', format: 'musicxml' });
		expect(by['drawing.xml']).toMatchObject({
			status: 'skipped',
			reason: expect.stringMatching(/not a MusicXML score/)
		});
		expect(by['broken.xml']).toMatchObject({
			status: 'unreadable',
			reason: expect.stringMatching(/not well-formed XML/)
		});
		expect(by['empty.mxl']).toMatchObject({
			status: 'unreadable',
			reason: 'This .mxl archive holds no MusicXML score.'
		});
		expect(by['song.krn'].status).toBe('kept');
		expect(by['song.krn'].format).toBeUndefined();
		expect(r.summary.kept + r.summary.skipped + r.summary.unreadable).toBe(6);
		const [a, b] = r.songs.filter((s) => s.path.startsWith('little'));
		expect(a.symbols).toEqual(b.symbols);
	});
});
