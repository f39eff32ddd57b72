/**
 * What the user dropped or picked, as files with their paths: folders are walked (drag and drop gives
 * directory entries; the folder picker gives `webkitRelativePath`).
 */
import type { IngestFile } from '$lib/worker/messages/corpus';

/** Files from an `<input type="file">`, keeping folder paths where the folder picker gives them. */
export function fromInput(list: FileList | null): IngestFile[] {
	return Array.from(list ?? [], (f) => ({ path: f.webkitRelativePath || f.name, blob: f }));
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
	return new Promise((resolve, reject) => {
		const out: FileSystemEntry[] = [];
		const next = () =>
			reader.readEntries((batch) => {
				if (batch.length === 0) resolve(out);
				else {
					out.push(...batch);
					next();
				}
			}, reject);
		next();
	});
}

async function walk(entry: FileSystemEntry, out: IngestFile[]): Promise<void> {
	if (entry.isFile) {
		const file = await new Promise<File>((resolve, reject) =>
			(entry as FileSystemFileEntry).file(resolve, reject)
		);
		out.push({ path: entry.fullPath.replace(/^\//, ''), blob: file });
	} else if (entry.isDirectory) {
		const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
		for (const c of children) await walk(c, out);
	}
}

/** Files from a drop, folders walked recursively. */
export async function fromDrop(dt: DataTransfer): Promise<IngestFile[]> {
	const entries = Array.from(dt.items)
		.filter((i) => i.kind === 'file')
		.map((i) => i.webkitGetAsEntry?.())
		.filter((e): e is FileSystemEntry => !!e);
	if (entries.length === 0) return fromInput(dt.files);
	const out: IngestFile[] = [];
	for (const e of entries) await walk(e, out);
	return out;
}

/**
 * A name for a new corpus from what was dropped: the folder or the archive (or the one file). Loose files
 * give none: the worker then names the corpus from its songs' region.
 */
export function corpusName(files: IngestFile[]): string | undefined {
	const tops = new Set(files.map((f) => f.path.split('/')[0]));
	if (tops.size !== 1) return undefined;
	return [...tops][0].replace(/\.(zip|krn|kern|abc|musicxml|xml|mxl|mid|midi)$/i, '');
}
