/**
 * The instrument voices, as data: each is a Tone.js synth (no samples to download) with a few effects.
 * The classes that build and play them live with the player in the page (`src/ui/generate/voice.ts`);
 * keeping the sounds here as plain data lets a Node test check every option against Tone's own defaults
 * and lets a new voice be added without code.
 */

/** An amplitude envelope: times in seconds, sustain as a level from 0 to 1. */
export interface EnvelopeData {
	attack: number;
	decay: number;
	sustain: number;
	release: number;
	/** How the decay falls; exponential sounds struck or plucked. */
	decayCurve?: 'linear' | 'exponential';
}

/** An oscillator: a basic wave, a sum of `partials`, or a `fat` wave of `count` detuned copies. */
export interface OscillatorData {
	type: 'sine' | 'triangle' | 'square' | 'sawtooth' | 'custom' | 'fatsawtooth' | 'fatsquare' | 'fattriangle';
	/** Amplitudes of the harmonics, for `custom`. */
	partials?: number[];
	/** Copies and their total spread in cents, for `fat…` waves (two reeds a few cents apart: an accordion). */
	count?: number;
	spread?: number;
}

/** The synth under a voice, by the Tone.js class it becomes. */
export type SourceData =
	/** `Tone.Synth`: one oscillator and an envelope. */
	| { kind: 'synth'; oscillator: OscillatorData; envelope: EnvelopeData }
	/** `Tone.MonoSynth`: an oscillator through a filter whose cutoff has its own envelope. */
	| {
			kind: 'mono';
			oscillator: OscillatorData;
			envelope: EnvelopeData;
			filter: { type: 'lowpass'; Q: number; rolloff: -12 | -24 | -48 };
			filterEnvelope: EnvelopeData & { baseFrequency: number; octaves: number };
	  }
	/** `Tone.FMSynth`: a carrier modulated in frequency by a second oscillator (bells, electric pianos). */
	| {
			kind: 'fm';
			harmonicity: number;
			modulationIndex: number;
			oscillator: OscillatorData;
			envelope: EnvelopeData;
			modulation: OscillatorData;
			modulationEnvelope: EnvelopeData;
	  };

/** An effect after the synth, by the Tone.js class it becomes. */
export type EffectData =
	/** `Tone.Vibrato`: a slow wobble of pitch (`depth` 0–1). */
	| { kind: 'vibrato'; frequency: number; depth: number }
	/** `Tone.Filter`: takes off the top, for a softer or darker sound. */
	| { kind: 'filter'; type: 'lowpass'; frequency: number; Q: number }
	/** `Tone.Tremolo`: a slow wobble of loudness (the bellows of an accordion). */
	| { kind: 'tremolo'; frequency: number; depth: number };

/** One voice a musician can choose. */
export interface VoiceDef {
	id: string;
	/** What the menu says. */
	name: string;
	source: SourceData;
	effects: EffectData[];
	/** Level in dB, set by ear so that every voice sounds about as loud as the others. */
	volume: number;
	/** Part of each written length that sounds (1 = legato; less separates repeated notes). */
	legato: number;
	/** The General MIDI program (0-based) a MIDI export plays it with, so the file sounds like the page. */
	program: number;
}

/** The voices, in menu order; the first is the default. */
export const VOICES: readonly VoiceDef[] = [
	{
		id: 'piano',
		name: 'Soft piano',
		program: 0, // GM 1: Acoustic Grand Piano
		// Struck and left to ring: a quick attack, no sustain, a long exponential decay, the top filtered off.
		source: {
			kind: 'fm',
			harmonicity: 2,
			modulationIndex: 1.2,
			oscillator: { type: 'sine' },
			envelope: { attack: 0.004, decay: 1.6, sustain: 0, release: 0.6, decayCurve: 'exponential' },
			modulation: { type: 'triangle' },
			modulationEnvelope: { attack: 0.002, decay: 0.5, sustain: 0.1, release: 0.5 }
		},
		effects: [{ kind: 'filter', type: 'lowpass', frequency: 3200, Q: 0.5 }],
		volume: -6,
		legato: 1
	},
	{
		id: 'flute',
		name: 'Flute',
		program: 73, // GM 74: Flute
		// Nearly a sine with a breath of second harmonic; a gentle attack and a singer's vibrato.
		source: {
			kind: 'synth',
			oscillator: { type: 'custom', partials: [1, 0.18, 0.05, 0.02] },
			envelope: { attack: 0.06, decay: 0.1, sustain: 0.85, release: 0.18 }
		},
		effects: [{ kind: 'vibrato', frequency: 5, depth: 0.06 }],
		volume: -8,
		legato: 0.92
	},
	{
		id: 'plucked',
		name: 'Plucked string',
		program: 24, // GM 25: Acoustic Guitar (nylon)
		// A bright sawtooth whose filter closes fast after the pluck, and a decay with no sustain.
		source: {
			kind: 'mono',
			oscillator: { type: 'sawtooth' },
			envelope: { attack: 0.002, decay: 1.1, sustain: 0, release: 0.3, decayCurve: 'exponential' },
			filter: { type: 'lowpass', Q: 1, rolloff: -24 },
			filterEnvelope: {
				attack: 0.002,
				decay: 0.25,
				sustain: 0.15,
				release: 0.3,
				baseFrequency: 300,
				octaves: 4
			}
		},
		effects: [],
		volume: -10,
		legato: 1
	},
	{
		id: 'reed',
		name: 'Accordion',
		program: 21, // GM 22: Accordion
		// Two reeds a few cents apart (the musette beat), a steady tone while the bellows push, a darker top.
		source: {
			kind: 'mono',
			oscillator: { type: 'fatsawtooth', count: 2, spread: 14 },
			envelope: { attack: 0.03, decay: 0.1, sustain: 0.9, release: 0.08 },
			filter: { type: 'lowpass', Q: 0.7, rolloff: -24 },
			filterEnvelope: {
				attack: 0.03,
				decay: 0.2,
				sustain: 1,
				release: 0.1,
				baseFrequency: 1400,
				octaves: 0.6
			}
		},
		effects: [{ kind: 'tremolo', frequency: 5.5, depth: 0.15 }],
		volume: -16,
		legato: 0.95
	}
];

/** The voice a player starts with. */
export const DEFAULT_VOICE = VOICES[0].id;

/** A voice by id; the default for an unknown id (a setting saved by an older version). */
export function voiceById(id: string): VoiceDef {
	return VOICES.find((v) => v.id === id) ?? VOICES[0];
}

/** The metronome's click: a short high blip, higher on the first beat of a bar. */
export const CLICK = {
	source: {
		kind: 'synth',
		oscillator: { type: 'triangle' },
		envelope: { attack: 0.001, decay: 0.04, sustain: 0, release: 0.02 }
	} satisfies SourceData,
	/** Hz of the click on a bar's first beat and on the other beats. */
	accent: 1760,
	beat: 1320,
	/** Seconds a click lasts. */
	length: 0.05,
	volume: -10
} as const;
