/**
 * `cli generate --mode … --key … --voice …`: the tune written in the mode, its files in the key and in the
 * voice's range, as the app writes them.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../shared';
import { Midi } from '../../src/lib/formats/midi';
import { VOICE_RANGES } from '../../src/lib/music/register';
import { soundsIn } from '../../src/lib/generate/mode';
import { runCli } from './run';

const DEFAULT = join(repoRoot, 'static/models/default');
const bundled = existsSync(join(DEFAULT, 'model.json'));

describe.skipIf(!bundled)('cli generate in a mode and key', () => {
	it('writes D Dorian for the flute: notes of D Dorian only, in the flute’s range, heard in Dorian', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'modes-'));
		const out = join(dir, 'tune.mid');
		const r = await runCli(
			'generate',
			'--model',
			DEFAULT,
			'--mode',
			'dorian',
			'--key',
			'D minor',
			'--voice',
			'flute',
			'--random-seed',
			'3',
			'--out',
			out,
			'--json'
		);
		expect(r.code, r.stderr).toBe(0);
		const json = JSON.parse(r.stdout);
		expect(json.melodies[0].mode).toBe('dorian');
		expect(soundsIn(json.melodies[0].symbols.split(' '), 'dorian')).toBe(true);
		const pitches = new Midi(readFileSync(out)).tracks.flatMap((t) => t.notes.map((n) => n.midi));
		expect(pitches.length).toBeGreaterThan(8);
		for (const p of pitches) {
			expect([2, 4, 5, 7, 9, 11, 0]).toContain(p % 12);
			expect(p).toBeGreaterThanOrEqual(VOICE_RANGES.flute.low);
			expect(p).toBeLessThanOrEqual(VOICE_RANGES.flute.high);
		}
	});

	it('refuses a mode it cannot write in and a voice it does not know, with a sentence', async () => {
		const a = await runCli('generate', '--model', DEFAULT, '--mode', 'locrian');
		expect(a.code).not.toBe(0);
		expect(a.stderr).toMatch(/--mode must be major, minor, dorian, mixolydian or aeolian, not "locrian"/);
		const b = await runCli('generate', '--model', DEFAULT, '--voice', 'banjo');
		expect(b.code).not.toBe(0);
		expect(b.stderr).toMatch(/--voice "banjo" is not a voice/);
	});
});
