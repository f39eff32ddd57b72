/**
 * How the studio sounds: voice, volume, tempo, count-in, metronome, loop. One shared state, so the
 * generated melody and a corpus song opened from the report play alike; kept in localStorage so a
 * musician's choices survive a reload.
 */
import { DEFAULT_VOICE, voiceById } from '$lib/playback/voices';

/** Tempo limits, in quarter notes per minute. */
export const MIN_BPM = 30;
export const MAX_BPM = 240;

export interface SoundSettings {
	voice: string;
	/** 0 (silent) to 1 (full). */
	volume: number;
	/** Quarter notes per minute. */
	bpm: number;
	countIn: boolean;
	metronome: boolean;
	loop: boolean;
	/** Play a new melody as soon as it is generated. */
	autoplay: boolean;
}

const KEY = 'folk-studio-sound';
const DEFAULTS: SoundSettings = {
	voice: DEFAULT_VOICE,
	volume: 0.8,
	bpm: 100,
	countIn: false,
	metronome: false,
	loop: false,
	autoplay: true
};

function load(): SoundSettings {
	try {
		const saved = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}') as Partial<SoundSettings>;
		const s = { ...DEFAULTS, ...saved };
		return {
			...s,
			voice: voiceById(String(s.voice)).id,
			volume: Math.min(1, Math.max(0, Number(s.volume) || 0)),
			bpm: Math.min(MAX_BPM, Math.max(MIN_BPM, Number(s.bpm) || DEFAULTS.bpm))
		};
	} catch {
		return { ...DEFAULTS };
	}
}

/** The shared settings; `saveSound()` after a change keeps them. */
export const sound = $state<SoundSettings>(load());

/** Keeps the settings for the next visit (silently skipped where storage is refused). */
export function saveSound(): void {
	try {
		globalThis.localStorage?.setItem(KEY, JSON.stringify(sound));
	} catch {
		/* private mode or full storage: the settings last for this visit */
	}
}
