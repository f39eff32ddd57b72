/**
 * Zip archives, with the guards checked from the archive's directory BEFORE anything is inflated: a zip bomb
 * is refused without spending memory on it.
 */
import { unzipSync } from 'fflate';

/** Limits for one archive. */
export const ZIP_LIMITS = { maxUnpackedBytes: 200 * 1024 * 1024, maxEntries: 50_000 };

/** A file inside an archive. */
export interface ZipEntry {
	name: string;
	bytes: Uint8Array;
}

/** The archive is refused or cannot be read; `message` is a sentence for the user. */
export class ZipError extends Error {}

function mb(n: number): string {
	return `${Math.round(n / (1024 * 1024))} MB`;
}

/** Lists an archive's files (name and unpacked size) from its directory, without inflating anything. */
export function listZip(bytes: Uint8Array): { name: string; size: number }[] {
	const list: { name: string; size: number }[] = [];
	unzipSync(bytes, {
		filter(file) {
			if (!file.name.endsWith('/')) list.push({ name: file.name, size: file.originalSize });
			return false;
		}
	});
	return list;
}

/** Unpacks an archive after checking its directory against the limits. Throws ZipError with a sentence. */
export function unzipChecked(bytes: Uint8Array, path: string, limits = ZIP_LIMITS): ZipEntry[] {
	let list: { name: string; size: number }[];
	try {
		list = listZip(bytes);
	} catch (e) {
		throw new ZipError(
			`${path} is not a readable zip archive (${(e as Error).message}); re-create it and drop it again.`
		);
	}
	if (list.length > limits.maxEntries)
		throw new ZipError(
			`${path} holds ${list.length} files, more than the limit of ${limits.maxEntries}; split it into smaller archives.`
		);
	const total = list.reduce((s, f) => s + f.size, 0);
	if (total > limits.maxUnpackedBytes)
		throw new ZipError(
			`${path} would unpack to ${mb(total)}, more than the limit of ${mb(limits.maxUnpackedBytes)}; ` +
				'import the folders inside it separately.'
		);
	let files: Record<string, Uint8Array>;
	try {
		files = unzipSync(bytes, { filter: (f) => !f.name.endsWith('/') });
	} catch (e) {
		throw new ZipError(
			`${path} could not be unpacked (${(e as Error).message}); re-create it and drop it again.`
		);
	}
	return Object.entries(files).map(([name, b]) => ({ name, bytes: b }));
}
