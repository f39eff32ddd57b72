/**
 * The voices of `$lib/playback/voices` built as Tone.js nodes. Tone is passed in (it is loaded on the
 * first play, inside the click that asked for sound), so importing this file starts no audio.
 */
import type { EffectData, SourceData, VoiceDef } from '$lib/playback/voices';
import { CLICK } from '$lib/playback/voices';

type ToneModule = typeof import('tone');
type Node = import('tone').ToneAudioNode;
type Poly = import('tone').PolySynth;

/** Hz of a MIDI note (A4 = 69 = 440 Hz). */
export function frequency(midi: number): number {
	return 440 * 2 ** ((midi - 69) / 12);
}

/** A polyphonic synth of the source's class with the source's options. */
function buildSource(tone: ToneModule, data: SourceData): Poly {
	const { kind, ...options } = data;
	const voice = kind === 'synth' ? tone.Synth : kind === 'mono' ? tone.MonoSynth : tone.FMSynth;
	// The options were checked against each class's defaults in the voice table's test.
	return new tone.PolySynth(voice as typeof tone.Synth, options as never);
}

function buildEffect(tone: ToneModule, data: EffectData): Node {
	switch (data.kind) {
		case 'vibrato':
			return new tone.Vibrato({ frequency: data.frequency, depth: data.depth });
		case 'filter':
			return new tone.Filter({ type: data.type, frequency: data.frequency, Q: data.Q });
		case 'tremolo':
			return new tone.Tremolo({ frequency: data.frequency, depth: data.depth }).start();
	}
}

/** One instrument voice: its synth and effects, connected to `destination`. */
export class Voice {
	/** The table entry this voice was built from. */
	readonly def: VoiceDef;
	private readonly synth: Poly;
	private readonly effects: Node[];

	constructor(tone: ToneModule, def: VoiceDef, destination: Node) {
		this.def = def;
		this.synth = buildSource(tone, def.source);
		this.synth.volume.value = def.volume;
		this.effects = def.effects.map((e) => buildEffect(tone, e));
		this.synth.chain(...this.effects, destination);
	}

	/** Sounds a note for its written length in seconds (shortened by the voice's legato) at `time`. */
	play(midi: number, seconds: number, time: number): void {
		this.synth.triggerAttackRelease(frequency(midi), seconds * this.def.legato, time);
	}

	/** Lets every sounding note go (their releases still ring briefly). */
	releaseAll(): void {
		this.synth.releaseAll();
	}

	/** Frees the audio nodes. */
	dispose(): void {
		this.synth.dispose();
		for (const e of this.effects) e.dispose();
	}
}

/** The metronome: a short blip, higher on a bar's first beat. */
export class Click {
	private readonly synth: import('tone').Synth;

	constructor(tone: ToneModule, destination: Node) {
		const { kind: _kind, ...options } = CLICK.source;
		this.synth = new tone.Synth(options).connect(destination);
		this.synth.volume.value = CLICK.volume;
	}

	/** Clicks at `time`. */
	play(accent: boolean, time: number): void {
		this.synth.triggerAttackRelease(accent ? CLICK.accent : CLICK.beat, CLICK.length, time);
	}

	/** Frees the audio nodes. */
	dispose(): void {
		this.synth.dispose();
	}
}
