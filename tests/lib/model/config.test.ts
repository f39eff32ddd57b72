import { describe, expect, it } from 'vitest';
import {
	DEFAULT_CONFIG,
	PRESETS,
	readSetting,
	resolveConfig,
	settingProblem,
	TRAIN_SETTINGS
} from '../../../src/lib/model/config';

describe('the training settings table', () => {
	it('describes every setting once, with its own flag', () => {
		expect(TRAIN_SETTINGS.map((s) => s.key).sort()).toEqual(Object.keys(DEFAULT_CONFIG).sort());
		expect(new Set(TRAIN_SETTINGS.map((s) => s.flag)).size).toBe(TRAIN_SETTINGS.length);
		for (const s of TRAIN_SETTINGS) {
			expect(s.label.length, s.key).toBeGreaterThan(0);
			expect(s.help.length, s.key).toBeGreaterThan(20);
		}
	});

	it('accepts the defaults and the presets, and refuses values off the table with a sentence', () => {
		expect(resolveConfig()).toEqual(DEFAULT_CONFIG);
		for (const p of Object.values(PRESETS)) expect(() => resolveConfig(p)).not.toThrow();
		expect(() => resolveConfig({ layers: 4 })).toThrow(/“Layers” must be 1, 2 or 3; change it/);
		expect(() => resolveConfig({ units: 12.5 })).toThrow(/“Units” must be a whole number from 4 to 1024/);
		expect(() => resolveConfig({ design: 'wide' as never })).toThrow(/"sequence" or "window"/);
	});

	it('keeps the window design free of bar input', () => {
		expect(resolveConfig({ design: 'window', meterInput: true }).meterInput).toBe(false);
	});

	it('reads flags and form text as values', () => {
		const by = (key: string) => TRAIN_SETTINGS.find((s) => s.key === key)!;
		expect(readSetting(by('meterInput'), 'off')).toBe(false);
		expect(readSetting(by('learningRate'), '0.01')).toBe(0.01);
		expect(settingProblem(by('epochs'), readSetting(by('epochs'), ''))).toMatch(/whole number/);
		expect(settingProblem(by('meterInput'), readSetting(by('meterInput'), 'maybe'))).toBe(
			'must be on or off'
		);
	});
});
