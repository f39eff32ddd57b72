/**
 * One table of generation settings (`GENERATE_SETTINGS`), one range each: the core's check, the command
 * line's flags and the Generate stage's controls agree on every row. The controls are rendered as the
 * server renders them (svelte/server, no DOM) and their attributes read back, so a hard-written `min="0.5"`
 * in a component fails here.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import GenerateSettingsForm from '../../../src/ui/generate/GenerateSettings.svelte';
import QuickBar from '../../../src/ui/generate/QuickBar.svelte';
import {
	checkSettings,
	GENERATE_SETTING,
	GENERATE_SETTINGS,
	rangeOf,
	type GenerateSetting,
	type GenerateSettings
} from '../../../src/lib/generate/settings';
import { settingFlag } from '../../../src/cli/sampling';
import { UsageError } from '../../../src/cli/command';
import generateCommand from '../../../src/cli/commands/generate';
import melodyStats from '../../../src/cli/commands/melody-stats';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { initialWeights } from '../../../src/lib/model/init';
import { referenceVocabulary } from './tiny-model';
import { GENERATE_DEFAULTS } from '../../../src/lib/generate/defaults';
import { SONGS } from '../../../src/lib/generate/form';
import { generation } from '../../../src/ui/generate/generate.svelte';

const model = new LstmStepModel(initialWeights(referenceVocabulary(), 1, 4, 3, false, ['china', 'romania']));
const base: GenerateSettings = { steps: 16, temperature: 1, variations: 1, randomSeed: 1 };

/** The settings with one row's value set (a length in bars replaces the one in steps). */
function withValue(setting: GenerateSetting, value: unknown): GenerateSettings {
	const s = { ...base, [setting.key]: value } as GenerateSettings;
	if (setting.key === 'bars') delete s.steps;
	return s;
}

const numeric = GENERATE_SETTINGS.filter((s) => s.kind === 'integer' || s.kind === 'number');
/** Values just outside a number row's range (and a fraction for whole numbers). */
function outside(s: GenerateSetting): number[] {
	const { min, max, step } = rangeOf(s.key);
	return [min - step, max + step, ...(s.kind === 'integer' ? [min + 0.5] : []), NaN];
}

/** The attributes of the one tag of `html` that carries `marker` (an id or an aria-describedby). */
function tagWith(html: string, marker: string): Record<string, string> {
	const tags = html.match(new RegExp(`<(input|select)\\b[^>]*${marker}[^>]*>`, 'g')) ?? [];
	expect(tags, marker).toHaveLength(1);
	return Object.fromEntries([...tags[0]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

/** The values of a select's options, in order. */
function optionsOf(html: string, id: string): string[] {
	const select = html.match(new RegExp(`<select[^>]*id="${id}"[^>]*>([\\s\\S]*?)</select>`));
	expect(select, id).not.toBeNull();
	return [...select![1].matchAll(/<option(?: value="([^"]*)")?[^>]*>/g)].map((m) => m[1] ?? '');
}

describe('GENERATE_SETTINGS', () => {
	it('has one row per setting, each with a label, help and a flag of its own', () => {
		expect(GENERATE_SETTINGS.map((s) => s.key).sort()).toEqual(
			[
				'bars',
				'steps',
				'temperature',
				'topP',
				'endings',
				'variations',
				'randomSeed',
				'lockSeed',
				'meter',
				'form',
				'phraseBars',
				'mode',
				'tonic',
				'style'
			].sort()
		);
		const flags = GENERATE_SETTINGS.map((s) => s.flag).filter((f) => f !== null);
		expect(new Set(flags).size).toBe(flags.length);
		for (const s of GENERATE_SETTINGS) {
			expect(s.label, s.key).toMatch(/^\S/);
			expect(s.help, s.key).toMatch(/^[A-Z].*\.$/);
			if (s.kind === 'integer' || s.kind === 'number')
				expect(rangeOf(s.key).min).toBeLessThan(rangeOf(s.key).max);
		}
		// The app's defaults lie in the ranges.
		for (const [key, value] of Object.entries(GENERATE_DEFAULTS)) {
			const s = GENERATE_SETTINGS.find((r) => r.key === key);
			if (s) expect(() => checkSettings(model, [], withValue(s, value)), key).not.toThrow();
		}
	});

	it('the core accepts each range’s ends and refuses just outside with a sentence naming the setting', () => {
		for (const s of numeric.filter((r) => r.core)) {
			const { min, max } = rangeOf(s.key);
			for (const v of [min, max])
				expect(() => checkSettings(model, [], withValue(s, v)), `${s.key} ${v}`).not.toThrow();
			for (const v of outside(s))
				expect(() => checkSettings(model, [], withValue(s, v)), `${s.key} ${v}`).toThrow(
					new RegExp(`^${s.subject} must be a .*number.* from .* to .*, not .*\\.$`)
				);
		}
		// What disagreed before the table: a temperature above 2 was clamped, top-p and endings had three ranges.
		expect(() => checkSettings(model, [], { ...base, temperature: 2.5 })).toThrow(
			'The temperature must be a number from 0.05 to 2, not 2.5.'
		);
		expect(() => checkSettings(model, [], { ...base, topP: 0.04 })).toThrow(
			'Top-p must be a number from 0.05 to 1, not 0.04.'
		);
		expect(() => checkSettings(model, [], { ...base, endings: 65 })).toThrow(
			'Candidate endings must be a whole number from 1 to 64, not 65.'
		);
		// A cleared field on the page sends null: a setting without a default says so.
		expect(() => checkSettings(model, [], { ...base, randomSeed: null as unknown as number })).toThrow(
			'The random seed must be a whole number from 0 to 4,294,967,295, not null.'
		);
	});

	it('the core takes every meter, form and mode the page offers and refuses others; a style the model has', () => {
		for (const key of ['meter', 'form', 'mode'] as const) {
			const s = GENERATE_SETTING[key];
			expect(s.choices?.length, key).toBeGreaterThan(1);
			for (const c of s.choices!)
				expect(() => checkSettings(model, [], withValue(s, c.value)), c.value).not.toThrow();
		}
		expect(() => checkSettings(model, [], { ...base, meter: 'MX' })).toThrow('“MX” is not a meter');
		expect(() => checkSettings(model, [], { ...base, bars: 8, form: 'A?B' })).toThrow('“A?B” is not a form');
		expect(() => checkSettings(model, [], { ...base, mode: 'locrian' })).toThrow(
			'Tunes cannot be written in “locrian”'
		);
		expect(() => checkSettings(model, [], { ...base, style: 'china' })).not.toThrow();
		expect(() => checkSettings(model, [], { ...base, style: 'spain' })).toThrow(
			'This model has no style "spain"; its styles are china, romania.'
		);
	});

	it('the command line reads every flag against the same rows, and generate and melody-stats offer them', () => {
		const flagOf = (s: GenerateSetting) => s.flag!;
		const read = (s: GenerateSetting, v: unknown) => settingFlag({ [flagOf(s)]: String(v) }, s.key);
		// --key reads a key by name (cli generate), --style is checked against the model's styles.
		for (const s of numeric.filter((r) => r.flag && r.key !== 'tonic')) {
			const { min, max } = rangeOf(s.key);
			expect(read(s, min), s.key).toBe(min);
			expect(read(s, max), s.key).toBe(max);
			for (const v of outside(s)) {
				expect(() => read(s, v), `${s.key} ${v}`).toThrow(UsageError);
				expect(() => read(s, v), `${s.key} ${v}`).toThrow(
					new RegExp(`^--${s.flag} must be a .*number.* from .* to .*, not "`)
				);
			}
		}
		for (const key of ['meter', 'form', 'mode'] as const) {
			const s = GENERATE_SETTING[key];
			for (const c of s.choices!) expect(read(s, c.value), c.value).toBe(c.value);
		}
		expect(() => read(GENERATE_SETTING.mode, 'locrian')).toThrow('--mode must be major, minor, dorian');
		expect(() => read(GENERATE_SETTING.meter, '3/5')).toThrow(
			'--meter must be a meter like 3/4 or 6/8, not "3/5"'
		);
		for (const s of GENERATE_SETTINGS.filter((r) => r.flag))
			expect(generateCommand.options, s.flag!).toHaveProperty([s.flag!]);
		for (const key of ['temperature', 'topP', 'endings', 'form', 'phraseBars', 'randomSeed'] as const)
			expect(melodyStats.options).toHaveProperty([GENERATE_SETTING[key].flag!]);
		for (const s of GENERATE_SETTINGS.filter((r) => r.flag))
			expect(generateCommand.usage, s.flag!).toContain(`--${s.flag} `);
	});

	it('the Generate stage’s controls take their ranges, choices, labels and help from the rows', () => {
		const settings = render(GenerateSettingsForm).body;
		const quick = render(QuickBar).body;
		const same = (attrs: Record<string, string>, key: keyof typeof GENERATE_SETTING) => {
			const { min, max, step } = rangeOf(key);
			expect({ min: Number(attrs.min), max: Number(attrs.max), step: Number(attrs.step) }, key).toEqual({
				min,
				max,
				step
			});
		};
		same(tagWith(settings, 'id="temperature"'), 'temperature');
		same(tagWith(settings, 'id="top-p"'), 'topP');
		same(tagWith(settings, 'aria-describedby="variations-help"'), 'variations');
		same(tagWith(settings, 'aria-describedby="seed-help"'), 'randomSeed');
		same(tagWith(quick, 'id="quick-length"'), 'bars');
		expect(optionsOf(quick, 'quick-meter')).toEqual(GENERATE_SETTING.meter.choices!.map((c) => c.value));
		expect(optionsOf(quick, 'quick-form')).toEqual(GENERATE_SETTING.form.choices!.map((c) => c.value));
		// "major or minor" (no mode) first, then the modes of the row.
		expect(optionsOf(quick, 'quick-mode')).toEqual([
			'',
			...GENERATE_SETTING.mode.choices!.map((c) => c.value)
		]);
		const tonic = rangeOf('tonic');
		expect(optionsOf(quick, 'quick-key').map(Number)).toEqual(
			Array.from({ length: tonic.max - tonic.min + 1 }, (_, i) => tonic.min + i)
		);
		// The default form is the songs' own (their phrases), so no phrase length is offered; a form of
		// letters offers it: every choice within the range.
		expect(GENERATE_DEFAULTS.form).toBe(SONGS);
		expect(quick).not.toContain('id="quick-phrase"');
		generation.form = 'AABA';
		const inForm = render(QuickBar).body;
		generation.form = GENERATE_DEFAULTS.form;
		const phrases = optionsOf(inForm, 'quick-phrase').map(Number);
		expect(phrases.length).toBeGreaterThan(0);
		for (const n of phrases)
			expect(() => checkSettings(model, [], withValue(GENERATE_SETTING.phraseBars, n))).not.toThrow();
		const html = settings + quick + inForm;
		const text = (s: string) => s.replace(/&#39;|’/g, '’').replace(/&amp;/g, '&');
		for (const key of [
			'temperature',
			'topP',
			'bars',
			'endings',
			'variations',
			'randomSeed',
			'lockSeed',
			'form'
		] as const)
			expect(text(html), key).toContain(text(GENERATE_SETTING[key].help));
		for (const key of [
			'temperature',
			'topP',
			'variations',
			'randomSeed',
			'lockSeed',
			'bars',
			'meter',
			'tonic',
			'mode',
			'form',
			'phraseBars'
		] as const)
			expect(html, key).toContain(GENERATE_SETTING[key].label);
	});
});
