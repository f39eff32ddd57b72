import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, type Command } from '../command';
import { ingest, IngestError, type DroppedFile } from '../../lib/corpus/ingest';
import { DEFAULT_ENCODE_OPTIONS, type EncodeOptions } from '../../lib/encoding/song';

/** Files and folders given on the command line as the app would see them dropped (folders walked). */
export function dropFromPaths(paths: string[]): DroppedFile[] {
	const out: DroppedFile[] = [];
	const walk = (p: string) => {
		let st;
		try {
			st = statSync(p);
		} catch {
			throw new UsageError(`${p} does not exist`);
		}
		if (st.isDirectory()) {
			for (const name of readdirSync(p).sort()) walk(join(p, name));
		} else if (st.isFile()) {
			out.push({ path: p, size: st.size, read: () => new Uint8Array(readFileSync(p)) });
		}
	};
	for (const p of paths) walk(p.replace(/\/+$/, '') || p);
	return out;
}

/** Encoding options from the shared flags. */
export function optionsFrom(values: Record<string, unknown>): EncodeOptions {
	return {
		...DEFAULT_ENCODE_OPTIONS,
		keepKey: values['keep-key'] === true,
		quantizeTuplets: values['quantize-tuplets'] === true
	};
}

const command: Command = {
	summary: 'read **kern files, folders or zips and print the report and corpus summary',
	usage:
		'npm run --silent cli -- ingest <paths…> [--keep-key] [--quantize-tuplets] [--json]\n' +
		'  one line per file: status, path, steps or reason; then the summary.\n' +
		'  --json: {files: [{path, status, reason?, line?, steps?}], totals, summary}',
	options: { 'keep-key': { type: 'boolean' }, 'quantize-tuplets': { type: 'boolean' } },
	async run(values, positionals, ctx) {
		if (positionals.length === 0) throw new UsageError('give at least one file, folder or .zip to ingest');
		let result;
		try {
			result = await ingest(dropFromPaths(positionals), optionsFrom(values));
		} catch (e) {
			if (e instanceof IngestError) throw new UsageError(e.message);
			throw e;
		}
		const { report, summary } = result;
		const totals = {
			files: summary.files,
			kept: summary.kept,
			skipped: summary.skipped,
			unreadable: summary.unreadable,
			songs: summary.songs,
			steps: summary.steps
		};
		if (ctx.json) {
			ctx.print(JSON.stringify({ files: report, totals, summary }));
			return;
		}
		for (const r of report) {
			const detail =
				r.status === 'kept' ? `${r.steps} steps${r.reason ? ` — ${r.reason}` : ''}` : (r.reason ?? '');
			ctx.print(`${r.status}\t${r.path}\t${detail}`);
		}
		const top = (m: Record<string, number>) =>
			Object.entries(m)
				.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
				.map(([k, n]) => `${k} ${n}`)
				.join(', ');
		ctx.print('');
		ctx.print(
			`files ${totals.files}: kept ${totals.kept}, skipped ${totals.skipped}, unreadable ${totals.unreadable}`
		);
		ctx.print(
			`songs ${summary.songs}, time steps ${summary.steps}, vocabulary ${summary.vocabulary.length} symbols`
		);
		if (summary.pitchRange) ctx.print(`pitch range MIDI ${summary.pitchRange.min}–${summary.pitchRange.max}`);
		ctx.print(
			`keys: ${top(summary.keys)}${summary.estimatedKeys ? ` (${summary.estimatedKeys} estimated)` : ''}`
		);
		ctx.print(`meters: ${top(summary.meters)}`);
	}
};
export default command;
