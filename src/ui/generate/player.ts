/**
 * Playback through Tone.js with synthesized voices (no samples to download). Tone is loaded on the
 * first play, inside the click that asked for sound, so no AudioContext exists before a user gesture.
 * What plays when is computed as plain data by `$lib/playback/schedule`; this file only hands it to
 * Tone's transport.
 */
import type { Meter } from '$lib/music/meter';
import { FIRST_SOUND_MARK, schedule, type ScheduledClick, type ScheduledNote } from '$lib/playback/schedule';
import { voiceById } from '$lib/playback/voices';
import { Click, Voice } from './voice';
import { sound } from './sound.svelte';

type ToneModule = typeof import('tone');

/** Ticks per quarter note of Tone's transport; a 16th is a quarter of it. */
const PPQ = 192;
const STEP_TICKS = PPQ / 4;

let tone: ToneModule | null = null;
let output: import('tone').Volume | null = null;
let voice: Voice | null = null;
let click: Click | null = null;
// The saved choices until a control changes them.
let voiceId = voiceById(sound.voice).id;
let volume = sound.volume;

/** Loads Tone and starts the audio context; call it from a click so the browser allows sound. */
export async function startAudio(): Promise<ToneModule> {
	tone ??= await import('tone');
	await tone.start();
	output ??= new tone.Volume(volumeDb(volume)).toDestination();
	if (!voice || voice.def.id !== voiceId) {
		voice?.dispose();
		voice = new Voice(tone, voiceById(voiceId), output);
	}
	click ??= new Click(tone, output);
	return tone;
}

/** 0–1 as decibels, with 0 silent. */
function volumeDb(level: number): number {
	return level <= 0 ? -Infinity : 20 * Math.log10(level);
}

/** Chooses the voice for every player (takes effect on the next note, also while playing). */
export function setVoice(id: string): void {
	voiceId = voiceById(id).id;
	if (tone && voice && voice.def.id !== voiceId) {
		const old = voice;
		voice = new Voice(tone, voiceById(voiceId), output!);
		old.releaseAll();
		// Let the old voice's release ring out before freeing it.
		setTimeout(() => old.dispose(), 2000);
	}
}

/** Sets the volume, 0 (silent) to 1. */
export function setVolume(level: number): void {
	volume = Math.min(1, Math.max(0, level));
	if (output) output.volume.rampTo(volumeDb(volume), 0.05);
}

/** Plays one note now (a click on the piano roll, the score or the on-screen keyboard). */
export async function playNote(midi: number, steps = 2, bpm = 100): Promise<void> {
	const t = await startAudio();
	voice!.play(midi, (steps * 60) / bpm / 4, t.now());
}

/** How to play a melody. */
export interface PlayOptions {
	bpm: number;
	loop: boolean;
	meter: Meter;
	/** Where the melody's first step falls in its bar (0 = on the downbeat). */
	barPhase?: number;
	/** One bar of clicks first. */
	countIn?: boolean;
	/** Clicks on every beat of the melody. */
	metronome?: boolean;
	/** Runs when a play-through that does not loop finishes. */
	onEnd?: () => void;
}

/** The player that holds the transport; starting another stops it. */
let active: MelodyPlayer | null = null;

/**
 * A melody player: play, stop, loop, tempo, metronome; `position` tells the playhead where it is. Every
 * player shares Tone's one transport, so only one plays at a time.
 */
export class MelodyPlayer {
	playing = false;
	private parts: import('tone').Part[] = [];
	private offset = 0;
	private end = 0;
	private metronome = false;
	private onEnd: (() => void) | null = null;
	private endId: number | null = null;

	/** Starts the melody from the beginning (after the count-in, if asked). */
	async play(symbols: readonly string[], options: PlayOptions): Promise<void> {
		const t = await startAudio();
		if (active && active !== this) active.stop(true);
		this.stop();
		// eslint-disable-next-line @typescript-eslint/no-this-alias -- the shared transport's holder
		active = this;
		const plan = schedule(symbols, {
			meter: options.meter,
			barPhase: options.barPhase,
			countIn: options.countIn
		});
		const transport = t.getTransport();
		transport.PPQ = PPQ;
		transport.bpm.value = options.bpm;
		this.offset = plan.offset;
		this.end = plan.end;
		this.metronome = options.metronome ?? false;
		const at = (step: number) => `${step * STEP_TICKS}i`;
		let first = true;
		const notes = new t.Part<ScheduledNote & { time: string }>(
			(time, n) => {
				voice?.play(n.midi, t.Time(at(n.length)).toSeconds(), time);
				if (first) {
					first = false;
					const ahead = (time - t.getContext().rawContext.currentTime) * 1000;
					performance.mark(FIRST_SOUND_MARK, { startTime: performance.now() + Math.max(0, ahead) });
				}
			},
			plan.notes.map((n) => ({ ...n, time: at(n.step) }))
		).start(0);
		const clicks = new t.Part<ScheduledClick & { time: string }>(
			(time, c) => {
				if (c.countIn || this.metronome) click?.play(c.accent, time);
			},
			plan.clicks.map((c) => ({ ...c, time: at(c.step) }))
		).start(0);
		this.parts = [notes, clicks];
		transport.loop = options.loop;
		transport.loopStart = at(plan.offset);
		transport.loopEnd = at(plan.end);
		this.onEnd = options.onEnd ?? null;
		this.endId = transport.scheduleOnce((time) => {
			if (!transport.loop) t.getDraw().schedule(() => this.stop(true), time);
		}, at(plan.end));
		transport.position = 0;
		transport.start('+0.05');
		this.playing = true;
	}

	/** Stops and rewinds; `ended` runs `onEnd` (the play-through finished or another player took over). */
	stop(ended = false): void {
		if (!tone) return;
		// The transport is shared: only the player that holds it stops it.
		if (active === this) {
			const transport = tone.getTransport();
			transport.stop();
			if (this.endId !== null) transport.clear(this.endId);
			voice?.releaseAll();
			active = null;
		}
		this.endId = null;
		for (const p of this.parts) p.dispose();
		this.parts = [];
		const wasPlaying = this.playing;
		this.playing = false;
		if (ended && wasPlaying) this.onEnd?.();
	}

	/** Changes the tempo, also while playing. */
	setTempo(bpm: number): void {
		if (tone && active === this) tone.getTransport().bpm.value = bpm;
	}

	/** Turns looping on or off, also while playing. */
	setLoop(loop: boolean): void {
		if (tone && active === this) tone.getTransport().loop = loop;
	}

	/** Turns the metronome on or off, also while playing. */
	setMetronome(on: boolean): void {
		this.metronome = on;
	}

	/** Where the sound is in the melody, in 16th steps (fractional); null when stopped or counting in. */
	position(): number | null {
		if (!tone || !this.playing || active !== this) return null;
		const step = tone.getTransport().ticks / STEP_TICKS - this.offset;
		return step < 0 ? null : Math.min(this.end - this.offset, step);
	}
}
