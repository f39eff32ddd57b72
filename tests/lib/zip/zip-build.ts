/**
 * Zip archives for tests, written field by field so they can lie: declared sizes, CRCs, methods and flags
 * are whatever the test says, and `zeroBomb` makes deflate data that inflates ~1000-fold without
 * ever holding the inflated bytes.
 */
import { deflateSync, strToU8 } from 'fflate';
import { crc32 } from '../../../src/lib/zip/reader';

/** One file as it will be written: its stored data and what the directory claims about it. */
export interface RawEntry {
	name: string;
	/** The bytes as stored (deflated for method 8). */
	data: Uint8Array;
	method: number;
	/** Declared unpacked size and CRC-32. */
	size: number;
	crc: number;
	flags?: number;
}

/** A file deflated honestly; `lie` overrides what the directory claims. */
export function entry(
	name: string,
	content: Uint8Array | string,
	lie: Partial<Omit<RawEntry, 'name'>> = {}
): RawEntry {
	const bytes = typeof content === 'string' ? strToU8(content) : content;
	return {
		name,
		data: deflateSync(bytes),
		method: 8,
		size: bytes.length,
		crc: crc32(bytes),
		flags: 0x800,
		...lie
	};
}

/** Writes the archive: local headers with data, then the central directory and its end record. */
export function buildZip(entries: RawEntry[]): Uint8Array {
	const parts: Uint8Array[] = [];
	const central: Uint8Array[] = [];
	let offset = 0;
	for (const e of entries) {
		const name = strToU8(e.name);
		const local = new Uint8Array(30 + name.length);
		const v = new DataView(local.buffer);
		v.setUint32(0, 0x04034b50, true);
		v.setUint16(4, 20, true);
		v.setUint16(6, e.flags ?? 0, true);
		v.setUint16(8, e.method, true);
		v.setUint32(14, e.crc, true);
		v.setUint32(18, e.data.length, true);
		v.setUint32(22, e.size, true);
		v.setUint16(26, name.length, true);
		local.set(name, 30);
		const c = new Uint8Array(46 + name.length);
		const w = new DataView(c.buffer);
		w.setUint32(0, 0x02014b50, true);
		w.setUint16(4, 20, true);
		w.setUint16(6, 20, true);
		w.setUint16(8, e.flags ?? 0, true);
		w.setUint16(10, e.method, true);
		w.setUint32(16, e.crc, true);
		w.setUint32(20, e.data.length, true);
		w.setUint32(24, e.size, true);
		w.setUint16(28, name.length, true);
		w.setUint32(42, offset, true);
		c.set(name, 46);
		parts.push(local, e.data);
		central.push(c);
		offset += local.length + e.data.length;
	}
	const dirSize = central.reduce((n, c) => n + c.length, 0);
	const end = new Uint8Array(22);
	const v = new DataView(end.buffer);
	v.setUint32(0, 0x06054b50, true);
	v.setUint16(8, entries.length, true);
	v.setUint16(10, entries.length, true);
	v.setUint32(12, dirSize, true);
	v.setUint32(16, offset, true);
	const all = [...parts, ...central, end];
	const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of all) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/**
 * Raw deflate data that inflates to `1 + 258 k` zero bytes (at least `bytes`): one fixed-Huffman block of a
 * literal 0 and copies of length 258 at distance 1, 13 bits each — about 1:1270.
 */
export function zeroBomb(bytes: number): Uint8Array {
	const copies = Math.ceil(Math.max(0, bytes - 1) / 258);
	const out = new Uint8Array(Math.ceil((3 + 8 + 13 * copies + 7) / 8) + 1);
	let bit = 0;
	const put = (value: number, n: number, msbFirst: boolean) => {
		for (let i = 0; i < n; i++) {
			const b = msbFirst ? (value >> (n - 1 - i)) & 1 : (value >> i) & 1;
			if (b) out[bit >> 3] |= 1 << (bit & 7);
			bit++;
		}
	};
	put(1, 1, false); // BFINAL
	put(1, 2, false); // BTYPE = fixed Huffman
	put(0b00110000, 8, true); // literal 0
	for (let i = 0; i < copies; i++) {
		put(0b11000101, 8, true); // length 258 (code 285)
		put(0, 5, true); // distance 1
	}
	put(0, 7, true); // end of block
	return out.subarray(0, Math.ceil(bit / 8));
}

/** Inflated size of `zeroBomb(bytes)`. */
export function zeroBombSize(bytes: number): number {
	return 1 + 258 * Math.ceil(Math.max(0, bytes - 1) / 258);
}
