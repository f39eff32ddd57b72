// Draws the app's icons (two beamed eighth notes on the accent colour) and writes them as PNG files to
// static/icons/, with nothing but Node's built-ins. Run: `node scripts/make-icons.mjs`.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ACCENT = [0x7a, 0x2e, 0x1d];
const PAPER = [0xfd, 0xf8, 0xef];
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'static', 'icons');

/** The icons the manifest and app.html name: size, glyph scale, rounded corners or full bleed. */
export const ICONS = [
	{ file: 'icon-192.png', size: 192, glyph: 0.82, round: true },
	{ file: 'icon-512.png', size: 512, glyph: 0.82, round: true },
	// Maskable: the launcher crops to a circle or squircle, so the glyph stays inside the 80 % safe zone.
	{ file: 'maskable-192.png', size: 192, glyph: 0.62, round: false },
	{ file: 'maskable-512.png', size: 512, glyph: 0.62, round: false },
	// iOS draws its own rounded mask and wants an opaque square.
	{ file: 'apple-touch-icon.png', size: 180, glyph: 0.74, round: false }
];

// The glyph in a 64-unit square, centred on (32, 32): two tilted note heads, two stems and a beam.
const HEAD_RX = 7.2;
const HEAD_RY = 5.2;
const TILT = (-22 * Math.PI) / 180;
const HEADS = [
	[20.5, 45],
	[43.5, 40]
];
const STEM_W = 3.4;
// Stems rise from the right edge of each head.
const STEMS = HEADS.map(([x, y]) => ({ x: x + HEAD_RX - 1.4 - STEM_W / 2, bottom: y - 1, top: 0 }));
const BEAM_H = 6.5;
const BEAM_LEFT_Y = 17; // top of the beam at the left stem
const BEAM_RIGHT_Y = 12; // top of the beam at the right stem
STEMS[0].top = BEAM_LEFT_Y + 1;
STEMS[1].top = BEAM_RIGHT_Y + 1;

function inHead(x, y, [cx, cy]) {
	const dx = x - cx;
	const dy = y - cy;
	const u = dx * Math.cos(TILT) + dy * Math.sin(TILT);
	const v = -dx * Math.sin(TILT) + dy * Math.cos(TILT);
	return (u / HEAD_RX) ** 2 + (v / HEAD_RY) ** 2 <= 1;
}

function inGlyph(x, y) {
	if (HEADS.some((h) => inHead(x, y, h))) return true;
	for (const s of STEMS) {
		if (Math.abs(x - s.x) <= STEM_W / 2 && y >= s.top && y <= s.bottom) return true;
	}
	const x0 = STEMS[0].x - STEM_W / 2;
	const x1 = STEMS[1].x + STEM_W / 2;
	if (x >= x0 && x <= x1) {
		const t = (x - x0) / (x1 - x0);
		const top = BEAM_LEFT_Y + t * (BEAM_RIGHT_Y - BEAM_LEFT_Y);
		if (y >= top && y <= top + BEAM_H) return true;
	}
	return false;
}

// The glyph's bounding box, so it can be centred optically.
const GLYPH_BOX = { x0: 20.5 - HEAD_RX, x1: STEMS[1].x + STEM_W / 2, y0: BEAM_RIGHT_Y, y1: 45 + HEAD_RY };

function inRoundedSquare(x, y, size, r) {
	const cx = Math.min(Math.max(x, r), size - r);
	const cy = Math.min(Math.max(y, r), size - r);
	return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** RGBA pixels of one icon, 4×4 supersampled for smooth edges. */
function draw({ size, glyph, round }) {
	const px = new Uint8Array(size * size * 4);
	const S = 4;
	const scale = (glyph * size) / 64;
	const gx = (GLYPH_BOX.x0 + GLYPH_BOX.x1) / 2;
	const gy = (GLYPH_BOX.y0 + GLYPH_BOX.y1) / 2;
	const radius = round ? size * 0.1875 : 0;
	for (let j = 0; j < size; j++) {
		for (let i = 0; i < size; i++) {
			let bg = 0;
			let fg = 0;
			for (let sj = 0; sj < S; sj++) {
				for (let si = 0; si < S; si++) {
					const x = i + (si + 0.5) / S;
					const y = j + (sj + 0.5) / S;
					if (round && !inRoundedSquare(x, y, size, radius)) continue;
					bg++;
					if (inGlyph((x - size / 2) / scale + gx, (y - size / 2) / scale + gy)) fg++;
				}
			}
			const o = (j * size + i) * 4;
			const a = bg / (S * S);
			const f = bg ? fg / bg : 0;
			for (let c = 0; c < 3; c++) px[o + c] = Math.round(ACCENT[c] * (1 - f) + PAPER[c] * f);
			px[o + 3] = Math.round(a * 255);
		}
	}
	return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(buf) {
	let c = 0xffffffff;
	for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
}

/** An 8-bit RGBA PNG. */
export function png(size, rgba) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(size, 0);
	ihdr.writeUInt32BE(size, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 6; // RGBA
	const rows = Buffer.alloc(size * (size * 4 + 1));
	for (let j = 0; j < size; j++) {
		rows[j * (size * 4 + 1)] = 0; // filter: none
		Buffer.from(rgba.buffer, j * size * 4, size * 4).copy(rows, j * (size * 4 + 1) + 1);
	}
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(rows, { level: 9 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	mkdirSync(OUT, { recursive: true });
	for (const icon of ICONS) {
		const file = join(OUT, icon.file);
		mkdirSync(dirname(file), { recursive: true });
		const data = png(icon.size, draw(icon));
		writeFileSync(file, data);
		console.log(`${file}: ${icon.size}×${icon.size}, ${data.length} bytes`);
	}
}
