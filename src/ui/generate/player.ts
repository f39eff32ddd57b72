/**
 * Playback through Tone.js with a synthesized voice (no samples to download). Tone is loaded on the
 * first play, inside the click that asked for sound, so no AudioContext exists before a user gesture.
 */
import { toNotes } from '$lib/formats/notes';

type ToneModule = typeof import('tone');

/** Ticks per quarter note of Tone's transport; a 16th is a quarter of it. */
const PPQ = 192;
const STEP_TICKS = PPQ / 4;

let tone: ToneModule | null = null;
let synth: import('tone').PolySynth | null = null;

async function ready(): Promise<ToneModule> {
	tone ??= await import('tone');
	await tone.start();
	if (!synth) {
		synth = new tone.PolySynth(tone.Synth, {
			oscillator: { type: 'triangle' },
			envelope: { attack: 0.01, decay: 0.15, sustain: 0.55, release: 0.25 }
		}).toDestination();
		synth.volume.value = -8;
	}
	return tone;
}

function frequency(midi: number): number {
	return 440 * 2 ** ((midi - 69) / 12);
}

/** Plays one note now (a click on the piano roll or the on-screen keyboard). */
export async function playNote(midi: number, steps = 2, bpm = 100): Promise<void> {
	const t = await ready();
	synth!.triggerAttackRelease(frequency(midi), (steps * 60) / bpm / 4, t.now());
}

/** A melody player: play, stop, loop, tempo; `position` tells the playhead where it is. */
export class MelodyPlayer {
	playing = false;
	private part: import('tone').Part | null = null;
	private total = 0;
	private onEnd: (() => void) | null = null;
	private endId: number | null = null;

	/** Starts the melody from the beginning. `onEnd` runs when a non-looping play finishes. */
	async play(
		symbols: readonly string[],
		options: { bpm: number; loop: boolean; onEnd?: () => void }
	): Promise<void> {
		const t = await ready();
		this.stop();
		const transport = t.getTransport();
		transport.PPQ = PPQ;
		transport.bpm.value = options.bpm;
		this.total = symbols.length;
		const events = toNotes(symbols).map((n) => ({
			time: `${n.start * STEP_TICKS}i`,
			midi: n.pitch!,
			ticks: n.length * STEP_TICKS
		}));
		this.part = new t.Part((time, e: { midi: number; ticks: number }) => {
			synth!.triggerAttackRelease(frequency(e.midi), t.Time(`${e.ticks}i`).toSeconds() * 0.95, time);
		}, events).start(0);
		transport.loop = options.loop;
		transport.loopStart = 0;
		transport.loopEnd = `${this.total * STEP_TICKS}i`;
		this.onEnd = options.onEnd ?? null;
		this.endId = transport.scheduleOnce(
			(time) => {
				if (!transport.loop) t.getDraw().schedule(() => this.stop(true), time);
			},
			`${this.total * STEP_TICKS}i`
		);
		transport.position = 0;
		transport.start('+0.05');
		this.playing = true;
	}

	/** Stops and rewinds. */
	stop(ended = false): void {
		if (!tone) return;
		const transport = tone.getTransport();
		transport.stop();
		if (this.endId !== null) transport.clear(this.endId);
		this.endId = null;
		this.part?.dispose();
		this.part = null;
		synth?.releaseAll();
		const wasPlaying = this.playing;
		this.playing = false;
		if (ended && wasPlaying) this.onEnd?.();
	}

	/** Changes the tempo, also while playing. */
	setTempo(bpm: number): void {
		if (tone) tone.getTransport().bpm.value = bpm;
	}

	/** Turns looping on or off, also while playing. */
	setLoop(loop: boolean): void {
		if (tone) tone.getTransport().loop = loop;
	}

	/** Where the sound is, in 16th steps (fractional), or null when stopped. */
	position(): number | null {
		if (!tone || !this.playing) return null;
		const ticks = tone.getTransport().ticks;
		return Math.min(this.total, ticks / STEP_TICKS);
	}
}
