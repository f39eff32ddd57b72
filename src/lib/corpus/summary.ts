/** The corpus at a glance: counts, vocabulary, pitch range, keys, meters and a pitch histogram. */
import type { EncodedSong } from '../encoding/song';
import { HOLD, REST } from '../music/symbols';
import { buildVocabulary } from '../music/vocabulary';
import type { CorpusSummary, FileReport } from './types';

function bump(m: Record<string, number>, k: string): void {
	m[k] = (m[k] ?? 0) + 1;
}

/** Summarizes songs and their report. */
export function summarize(songs: EncodedSong[], report: FileReport[]): CorpusSummary {
	const keys: Record<string, number> = {};
	const meters: Record<string, number> = {};
	const hist: Record<string, number> = {};
	let steps = 0;
	let min = Infinity;
	let max = -Infinity;
	let estimatedKeys = 0;
	for (const s of songs) {
		steps += s.symbols.length;
		bump(keys, s.key ?? '?');
		bump(meters, s.meter ?? '?');
		if (s.keyEstimated) estimatedKeys++;
		for (const sym of s.symbols) {
			if (sym === HOLD || sym === REST) continue;
			const m = Number(sym);
			if (m < min) min = m;
			if (m > max) max = m;
			hist[sym] = (hist[sym] ?? 0) + 1;
		}
	}
	const count = (st: FileReport['status']) => report.filter((r) => r.status === st).length;
	return {
		files: report.length,
		kept: count('kept'),
		skipped: count('skipped'),
		unreadable: count('unreadable'),
		songs: songs.length,
		steps,
		vocabulary: buildVocabulary(
			songs.map((s) => s.symbols),
			{ allSpecials: true }
		),
		pitchRange: min <= max ? { min, max } : null,
		keys,
		meters,
		estimatedKeys,
		pitchHistogram: hist
	};
}

/**
 * SHA-256 (hex) of the options and the songs' music (symbols, meter and barlines), not their file paths
 * or order: the same songs dropped as a folder, as files or in a zip are one corpus. A model records it to
 * name the exact data it learned from. Uses Web Crypto, present in browsers, workers and Node ≥ 20.
 */
export async function contentHash(songs: EncodedSong[], options: object): Promise<string> {
	const music = songs
		.map((s) =>
			JSON.stringify([
				s.symbols.join(' '),
				s.meter ?? null,
				s.barPhase ?? null,
				s.bars ?? null,
				s.meterChanges ?? null
			])
		)
		.sort();
	const data = new TextEncoder().encode([JSON.stringify(options), ...music].join('\n'));
	const digest = await crypto.subtle.digest('SHA-256', data);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
