import { printable, UsageError, type Command } from '../command';
import { optionsFrom, READ_FLAGS, readCorpus } from '../files';

const command: Command = {
	summary:
		'read **kern, ABC, MusicXML or MIDI files, folders or zips and print the report and corpus summary',
	usage:
		'npm run --silent cli -- ingest <paths…> [--keep-key] [--quantize-tuplets] [--midi-track N] [--json]\n' +
		'  one line per file (per tune of an ABC file): status, path, steps or reason; then the summary.\n' +
		'  --json: {files: [{path, status, reason?, line?, steps?, format?, tune?, title?}], totals, summary}\n' +
		'  (an ABC tune: path is its file, tune its X: number, title its T:)',
	options: READ_FLAGS,
	async run(values, positionals, ctx) {
		if (positionals.length === 0) throw new UsageError('give at least one file, folder or .zip to ingest');
		const result = await readCorpus(positionals, optionsFrom(values));
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
			const files = report.map(({ file, ...r }) => (file ? { ...r, path: file } : r));
			ctx.print(JSON.stringify({ files, totals, summary }));
			return;
		}
		for (const r of report) {
			const detail =
				r.status === 'kept' ? `${r.steps} steps${r.reason ? ` — ${r.reason}` : ''}` : (r.reason ?? '');
			const name = r.file
				? `${r.file} ${r.tune !== undefined ? `X:${r.tune}` : r.path.slice(r.file.length)}`
				: r.path;
			ctx.print(`${r.status}\t${printable(name)}\t${printable(detail)}`);
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
