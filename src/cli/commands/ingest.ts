import { printable, UsageError, type Command } from '../command';
import { optionsFrom, readCorpus } from '../files';

const command: Command = {
	summary: 'read **kern files, folders or zips and print the report and corpus summary',
	usage:
		'npm run --silent cli -- ingest <paths…> [--keep-key] [--quantize-tuplets] [--json]\n' +
		'  one line per file: status, path, steps or reason; then the summary.\n' +
		'  --json: {files: [{path, status, reason?, line?, steps?}], totals, summary}',
	options: { 'keep-key': { type: 'boolean' }, 'quantize-tuplets': { type: 'boolean' } },
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
			ctx.print(JSON.stringify({ files: report, totals, summary }));
			return;
		}
		for (const r of report) {
			const detail =
				r.status === 'kept' ? `${r.steps} steps${r.reason ? ` — ${r.reason}` : ''}` : (r.reason ?? '');
			ctx.print(`${r.status}\t${printable(r.path)}\t${printable(detail)}`);
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
