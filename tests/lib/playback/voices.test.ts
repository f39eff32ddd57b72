import { describe, expect, it } from 'vitest';
import * as Tone from 'tone';
import {
	CLICK,
	DEFAULT_VOICE,
	VOICES,
	voiceById,
	type EffectData,
	type SourceData
} from '../../../src/lib/playback/voices';

/** Tone's defaults for the class a source or effect becomes: every option we set must be one of them. */
const SOURCE_DEFAULTS: Record<SourceData['kind'], object> = {
	synth: Tone.Synth.getDefaults(),
	mono: Tone.MonoSynth.getDefaults(),
	fm: Tone.FMSynth.getDefaults()
};
const EFFECT_DEFAULTS: Record<EffectData['kind'], object> = {
	vibrato: Tone.Vibrato.getDefaults(),
	filter: Tone.Filter.getDefaults(),
	tremolo: Tone.Tremolo.getDefaults()
};

/** Paths of options that Tone does not know (a misspelt key is silently ignored by Tone). */
function unknownKeys(options: object, defaults: object, path = ''): string[] {
	return Object.entries(options).flatMap(([key, value]) => {
		if (key === 'kind') return [];
		const here = `${path}${key}`;
		if (!(key in defaults)) return [here];
		const d = (defaults as Record<string, unknown>)[key];
		if (value && typeof value === 'object' && !Array.isArray(value) && d && typeof d === 'object')
			return unknownKeys(value, d, `${here}.`);
		return [];
	});
}

function envelopes(source: SourceData) {
	return [
		source.envelope,
		'filterEnvelope' in source ? source.filterEnvelope : null,
		'modulationEnvelope' in source ? source.modulationEnvelope : null
	].filter((e) => e !== null);
}

describe('the voice table', () => {
	it('offers the four voices the studio promises, each with a unique id and name', () => {
		expect(VOICES.map((v) => v.id)).toEqual(['piano', 'flute', 'plucked', 'reed']);
		expect(new Set(VOICES.map((v) => v.name)).size).toBe(VOICES.length);
		expect(DEFAULT_VOICE).toBe('piano');
		expect(voiceById('flute').name).toBe('Flute');
		expect(voiceById('harpsichord-from-an-old-version').id).toBe(DEFAULT_VOICE);
	});

	it('sets only options that Tone.js knows, for every source and effect', () => {
		for (const v of VOICES) {
			expect(unknownKeys(v.source, SOURCE_DEFAULTS[v.source.kind]), v.id).toEqual([]);
			for (const e of v.effects)
				expect(unknownKeys(e, EFFECT_DEFAULTS[e.kind]), `${v.id} ${e.kind}`).toEqual([]);
		}
		expect(unknownKeys(CLICK.source, SOURCE_DEFAULTS.synth)).toEqual([]);
	});

	it('keeps levels and envelopes in ranges that cannot clip or drone', () => {
		for (const v of VOICES) {
			expect(v.volume, v.id).toBeLessThanOrEqual(0);
			expect(v.volume, v.id).toBeGreaterThanOrEqual(-24);
			expect(v.legato).toBeGreaterThan(0.5);
			expect(v.legato).toBeLessThanOrEqual(1);
			for (const e of envelopes(v.source)) {
				expect(e.attack, v.id).toBeGreaterThan(0);
				expect(e.attack, v.id).toBeLessThan(0.2);
				expect(e.sustain, v.id).toBeGreaterThanOrEqual(0);
				expect(e.sustain, v.id).toBeLessThanOrEqual(1);
				expect(e.release, v.id).toBeLessThanOrEqual(1);
			}
			if (v.source.oscillator.type === 'custom')
				expect(v.source.oscillator.partials?.length).toBeGreaterThan(0);
		}
	});
});
