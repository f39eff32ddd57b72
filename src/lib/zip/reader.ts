/**
 * Zip archives, read with guards against damaged and hostile ones. The directory is read first (nothing is
 * inflated to list an archive); each file is then inflated on its own, when it is needed, in small pieces:
 * the bytes that actually come out are counted against the size the directory declares and against a budget
 * shared by everything one drop unpacks, the CRC-32 is checked, and the work yields now and then so an
 * AbortSignal can stop it. A zip bomb costs at most the bytes it declares, never more.
 */
import { Inflate } from 'fflate';
import { decodeBytes } from '../kern/decode';

/** Limits for everything one drop (or one model file) unpacks, all archives together. */
export interface ZipLimits {
	/** Bytes inflated in all, counted as they come out. */
	maxUnpackedBytes: number;
	/** Files listed in all archives' directories. */
	maxEntries: number;
	/** Size of the archives themselves, in all. */
	maxArchiveBytes: number;
}

export const ZIP_LIMITS: ZipLimits = {
	maxUnpackedBytes: 200 * 1024 * 1024,
	maxEntries: 50_000,
	maxArchiveBytes: 200 * 1024 * 1024
};

/** The archive as a whole is refused or cannot be read; `message` is a sentence for the user. */
export class ZipError extends Error {}

/** One file inside an archive cannot be taken; the others still can. `message` is a sentence. */
export class ZipEntryError extends Error {
	constructor(
		message: string,
		/** 'skipped' when a limit kept it out, 'unreadable' when its data is damaged. */
		readonly status: 'skipped' | 'unreadable'
	) {
		super(message);
	}
}

/** A file as the archive's central directory describes it. */
export interface ZipDirEntry {
	/** Name inside the archive; a repeated name gets ` (2)`, ` (3)`… before its extension. */
	name: string;
	/** The name as stored, when it was repeated. */
	repeatOf?: string;
	/** Unpacked size as declared: the most that will ever be inflated for it. */
	size: number;
	compressedSize: number;
	method: number;
	crc: number;
	encrypted: boolean;
	/** Offset of its local header. */
	offset: number;
}

/** What one drop has unpacked so far, shared by all its archives. */
export interface ZipBudget {
	limits: ZipLimits;
	unpacked: number;
	entries: number;
	archiveBytes: number;
}

export function zipBudget(limits: ZipLimits = ZIP_LIMITS): ZipBudget {
	return { limits, unpacked: 0, entries: 0, archiveBytes: 0 };
}

export function mb(n: number): string {
	return n < 1024 * 1024 ? `${Math.ceil(n / 1024)} kB` : `${Math.round(n / (1024 * 1024))} MB`;
}

const CRC_TABLE = (() => {
	const t = new Int32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c;
	}
	return t;
})();

/** CRC-32 (the zip polynomial) of `bytes`, continuing from `crc`. */
export function crc32(bytes: Uint8Array, crc = 0): number {
	let c = ~crc;
	for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
	return ~c >>> 0;
}

class Truncated extends Error {}

function u16(b: Uint8Array, at: number): number {
	if (at < 0 || at + 2 > b.length) throw new Truncated();
	return b[at] | (b[at + 1] << 8);
}

function u32(b: Uint8Array, at: number): number {
	if (at < 0 || at + 4 > b.length) throw new Truncated();
	return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function u64(b: Uint8Array, at: number): number {
	return u32(b, at) + u32(b, at + 4) * 2 ** 32;
}

/** Offset of the end-of-central-directory record, searched backwards over the longest possible comment. */
function findEnd(b: Uint8Array): number {
	for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--)
		if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06) return i;
	return -1;
}

/** `dir/name (2).krn` for the second file called `dir/name.krn`. */
function repeatedName(name: string, n: number): string {
	const slash = name.lastIndexOf('/');
	const dot = name.lastIndexOf('.');
	return dot > slash + 1 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/**
 * Reads an archive's central directory: its files (folders left out) with their declared sizes. Throws
 * ZipError with a sentence naming `path` when the archive is not a zip or is cut short.
 */
export function readZipDirectory(bytes: Uint8Array, path: string): ZipDirEntry[] {
	const bad = (why: string) =>
		new ZipError(`${path} is not a readable zip archive (${why}); re-create it and drop it again.`);
	try {
		const end = findEnd(bytes);
		if (end < 0) throw bad('no zip directory at its end: it is not a zip, or it was cut short');
		let count = u16(bytes, end + 10);
		let at = u32(bytes, end + 16);
		if (count === 0xffff || at === 0xffffffff) {
			// ZIP64: the locator sits just before the end record.
			if (u32(bytes, end - 20) === 0x07064b50) {
				const z = u64(bytes, end - 12);
				if (u32(bytes, z) !== 0x06064b50) throw bad('its ZIP64 directory is damaged');
				count = u64(bytes, z + 32);
				at = u64(bytes, z + 48);
			}
		}
		const entries: ZipDirEntry[] = [];
		const seen = new Map<string, number>();
		for (let i = 0; i < count; i++) {
			if (u32(bytes, at) !== 0x02014b50) throw bad(`its directory is damaged at file ${i + 1}`);
			const flags = u16(bytes, at + 8);
			const method = u16(bytes, at + 10);
			const crc = u32(bytes, at + 16);
			let compressedSize = u32(bytes, at + 20);
			let size = u32(bytes, at + 24);
			const nameLen = u16(bytes, at + 28);
			const extraLen = u16(bytes, at + 30);
			const commentLen = u16(bytes, at + 32);
			let offset = u32(bytes, at + 42);
			if (at + 46 + nameLen > bytes.length) throw new Truncated();
			const raw = bytes.subarray(at + 46, at + 46 + nameLen);
			const name = flags & 0x800 ? new TextDecoder().decode(raw) : decodeBytes(raw).text;
			// ZIP64 extra field: the 64-bit values of the fields set to 0xFFFFFFFF, in this order.
			for (let e = at + 46 + nameLen; e + 4 <= at + 46 + nameLen + extraLen;) {
				const id = u16(bytes, e);
				const len = u16(bytes, e + 2);
				if (id === 1) {
					let p = e + 4;
					if (size === 0xffffffff) {
						size = u64(bytes, p);
						p += 8;
					}
					if (compressedSize === 0xffffffff) {
						compressedSize = u64(bytes, p);
						p += 8;
					}
					if (offset === 0xffffffff) offset = u64(bytes, p);
				}
				e += 4 + len;
			}
			at += 46 + nameLen + extraLen + commentLen;
			if (name.endsWith('/')) continue;
			const n = (seen.get(name) ?? 0) + 1;
			seen.set(name, n);
			entries.push({
				name: n === 1 ? name : repeatedName(name, n),
				...(n > 1 ? { repeatOf: name } : {}),
				size,
				compressedSize,
				method,
				crc,
				encrypted: (flags & 1) !== 0,
				offset
			});
		}
		return entries;
	} catch (e) {
		if (e instanceof Truncated) throw bad('it is cut short');
		throw e;
	}
}

/**
 * Checks an archive against a drop's budget (its own size and its files) without counting it; throws
 * ZipError when it would go over. Call it before reading a large archive at all.
 */
export function checkArchive(archiveBytes: number, entries: number, path: string, budget: ZipBudget): void {
	const { limits } = budget;
	if (budget.archiveBytes + archiveBytes > limits.maxArchiveBytes)
		throw new ZipError(
			`${path} is ${mb(archiveBytes)}; with the other archives of this import that is more than the limit of ` +
				`${mb(limits.maxArchiveBytes)}. Import the folders inside it separately.`
		);
	if (budget.entries + entries > limits.maxEntries)
		throw new ZipError(
			`${path} holds ${entries} files; with the other archives of this import that is more than the limit of ` +
				`${limits.maxEntries}. Split it into smaller archives.`
		);
}

/** Compressed bytes fed to the inflater at a time: at most about 1 MB comes out of each piece. */
const PIECE = 1024;
/** Longest stretch of work between two yields to the event loop, in ms. */
const SLICE_MS = 25;

function abortError(signal: AbortSignal): Error {
	return signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError');
}

export interface InflateOptions {
	/** Shared by a whole drop; its `unpacked` grows by what comes out. */
	budget?: ZipBudget;
	signal?: AbortSignal;
	/** Files declared larger than this are not inflated at all (default: the budget's whole limit). */
	maxEntryBytes?: number;
}

/**
 * Inflates one file of an archive. Throws ZipEntryError (with a sentence naming `path`, the file's path
 * as shown to the user) when a limit keeps it out or its data is damaged — more bytes than declared, fewer,
 * a CRC-32 that does not match — and the signal's reason when aborted.
 */
export async function inflateEntry(
	bytes: Uint8Array,
	entry: ZipDirEntry,
	path: string,
	options: InflateOptions = {}
): Promise<Uint8Array> {
	const { budget, signal } = options;
	const maxEntryBytes = options.maxEntryBytes ?? (budget ?? zipBudget()).limits.maxUnpackedBytes;
	const damaged = (why: string) =>
		new ZipEntryError(`${path} is damaged inside its archive: ${why}. Re-create the archive.`, 'unreadable');
	if (entry.encrypted)
		throw new ZipEntryError(
			`${path} is encrypted in its archive; unpack it with its password first.`,
			'unreadable'
		);
	if (entry.method !== 0 && entry.method !== 8)
		throw new ZipEntryError(
			`${path} is compressed with a method this app cannot read (zip method ${entry.method}); ` +
				're-create the archive with ordinary (deflate) compression.',
			'unreadable'
		);
	if (entry.size > maxEntryBytes)
		throw new ZipEntryError(
			`${path} would unpack to ${mb(entry.size)}, more than ${mb(maxEntryBytes)}.`,
			'skipped'
		);
	if (budget && budget.unpacked + entry.size > budget.limits.maxUnpackedBytes)
		throw new ZipEntryError(
			`${path} was not unpacked: this import has already unpacked ${mb(budget.unpacked)} and the limit is ` +
				`${mb(budget.limits.maxUnpackedBytes)}. Import the rest separately.`,
			'skipped'
		);
	let start: number;
	try {
		if (u32(bytes, entry.offset) !== 0x04034b50) throw damaged('its local header is missing');
		start = entry.offset + 30 + u16(bytes, entry.offset + 26) + u16(bytes, entry.offset + 28);
	} catch (e) {
		if (e instanceof Truncated) throw damaged('the archive is cut short');
		throw e;
	}
	if (start + entry.compressedSize > bytes.length) throw damaged('the archive is cut short');
	const data = bytes.subarray(start, start + entry.compressedSize);

	const out = new Uint8Array(entry.size);
	let got = 0;
	const take = (chunk: Uint8Array) => {
		if (got + chunk.length > entry.size)
			throw damaged(`it holds more data than the ${entry.size} bytes its archive declares`);
		out.set(chunk, got);
		got += chunk.length;
		if (budget) budget.unpacked += chunk.length;
	};
	let last = Date.now();
	// The signal is read after every piece (cheap), not only after a yield: an abort is heard at once.
	const pause = async () => {
		if (signal?.aborted) throw abortError(signal);
		if (Date.now() - last < SLICE_MS) return;
		await new Promise((r) => setTimeout(r, 0));
		last = Date.now();
		if (signal?.aborted) throw abortError(signal);
	};
	if (signal?.aborted) throw abortError(signal);
	if (entry.method === 0) {
		if (entry.compressedSize !== entry.size) throw damaged('its stored size and its size disagree');
		take(data);
	} else {
		let finished = false;
		const inflater = new Inflate((chunk, final) => {
			take(chunk);
			if (final) finished = true;
		});
		for (let p = 0; p < data.length || p === 0; p += PIECE) {
			const end = Math.min(p + PIECE, data.length);
			try {
				inflater.push(data.subarray(p, end), end === data.length);
			} catch (e) {
				if (e instanceof ZipEntryError) throw e;
				throw damaged(`its compressed data cannot be read (${(e as Error).message})`);
			}
			await pause();
		}
		if (!finished) throw damaged('its compressed data ends too early');
	}
	if (got !== entry.size) throw damaged(`it holds ${got} bytes where its archive declares ${entry.size}`);
	if (crc32(out) !== entry.crc) throw damaged('its data does not match its checksum (CRC-32)');
	return out;
}

/** An archive's files, each inflated when it is read. */
export interface ZipFile {
	entry: ZipDirEntry;
	read(): Promise<Uint8Array>;
}

/**
 * Opens an archive: its directory is read and counted against the budget now, its files are inflated only
 * when read. Throws ZipError for an archive that is refused as a whole.
 */
export function openZip(bytes: Uint8Array, path: string, options: InflateOptions = {}): ZipFile[] {
	const entries = readZipDirectory(bytes, path);
	const { budget } = options;
	if (budget) {
		checkArchive(bytes.length, entries.length, path, budget);
		budget.archiveBytes += bytes.length;
		budget.entries += entries.length;
	}
	return entries.map((entry) => ({
		entry,
		read: () => inflateEntry(bytes, entry, `${path}/${entry.name}`, options)
	}));
}
