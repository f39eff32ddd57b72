/**
 * What of the GPU check (bench/gpu/) can run without a GPU: its kernel comparison, on wasm against cpu;
 * the pack that bench/gpu/pack.sh made (every file of its manifest there, with its size and hash, the
 * whole under the device tool's 64 MiB); and the packed bundle itself, run with this Node on wasm.
 * The pack needs the network to make, so without one the last two are skipped and say so.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { cellOutputs, largestError, passOutputs, TOLERANCE } from '../../../bench/gpu/compare';
import { registerLstmKernels, useCellMode } from '../../../src/lib/train/lstm-kernels';
import { repoRoot } from '../../shared';

const PACK = join(repoRoot, 'bench', 'gpu', 'pack');
const packed = existsSync(join(PACK, 'manifest.json'));
if (!packed) console.warn('SKIP: no bench/gpu/pack (run bench/gpu/pack.sh, which needs the network)');

describe('the GPU check’s kernel comparison', () => {
	it('finds wasm within 1e-3 of cpu for LSTM(128), and catches an output that is off', async () => {
		registerLstmKernels();
		await tf.setBackend('cpu');
		useCellMode('fused');
		const refCell = await cellOutputs(64, 128);
		const refPass = await passOutputs(64, 128);
		expect(await tf.setBackend('wasm')).toBe(true);
		expect(tf.getBackend()).toBe('wasm');
		useCellMode('fused');
		try {
			const cell = largestError(await cellOutputs(64, 128), refCell);
			const pass = largestError(await passOutputs(64, 128), refPass);
			for (const e of [...Object.values(cell), ...Object.values(pass)])
				expect(e).toBeLessThanOrEqual(TOLERANCE);
			// Not vacuous: every output compared, and one value moved by 2e-3 is over the line.
			expect(Object.keys(cell)).toEqual(['h', 'c', 'gates', 'tc', 'dz', 'dcPrev']);
			expect(Object.keys(pass)).toEqual(['outputs', 'kernel', 'recurrentKernel', 'bias']);
			const moved = { ...refPass, kernel: refPass.kernel.map((v, i) => (i === 7 ? v + 2e-3 : v)) };
			expect(largestError(moved, refPass).kernel).toBeGreaterThan(TOLERANCE);
		} finally {
			useCellMode('auto');
			await tf.setBackend('cpu');
		}
	});
});

describe.skipIf(!packed)('the GPU pack', () => {
	it('holds every file its manifest lists, with that size and hash, under 64 MiB in all', () => {
		const manifest = JSON.parse(readFileSync(join(PACK, 'manifest.json'), 'utf8')) as {
			node: string;
			files: Record<string, { bytes: number; sha256: string }>;
		};
		expect(manifest.node).toMatch(/^20\./);
		const names = Object.keys(manifest.files);
		for (const want of [
			'node.xz',
			'check.mjs',
			'erk.json.gz',
			'node_modules/webgpu/dist/linux-x64/dawn.node.xz'
		])
			expect(names).toContain(want);
		expect(names.some((n) => /^debs\/libvulkan1_.*_amd64\.deb$/.test(n))).toBe(true);
		expect(names.some((n) => n.startsWith('wasm/') && n.endsWith('.wasm'))).toBe(true);
		let total = 0;
		for (const [name, { bytes, sha256 }] of Object.entries(manifest.files)) {
			const data = readFileSync(join(PACK, name));
			expect(data.length, name).toBe(bytes);
			expect(createHash('sha256').update(data).digest('hex'), name).toBe(sha256);
			total += bytes;
		}
		expect(total).toBeLessThan(64 * 1024 * 1024);
	});

	it('runs its bundle’s kernel check on wasm against cpu and passes', () => {
		const run = spawnSync(
			process.execPath,
			[join(PACK, 'check.mjs'), '--backends', 'wasm', '--kernels-only'],
			{
				encoding: 'utf8',
				env: { ...process.env, OUT: '' }
			}
		);
		expect(run.stdout).toMatch(/kernels wasm vs cpu, LSTM\(256\) batch 64: largest error/);
		expect(run.stdout.trim().split('\n').at(-1)).toBe('kernels: PASS');
		expect(run.status).toBe(0);
	});
});
