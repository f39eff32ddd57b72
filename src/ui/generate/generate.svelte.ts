/**
 * The Generate stage's state: the chosen model's vocabulary, the seed and settings, the melodies of the
 * last run, playback, export and the kept melodies. Components read it and call its methods; generation
 * runs in the shared worker.
 */
import { app } from '$ui/app-state.svelte';
import { HAS_DEFAULT_MODEL, library } from '$ui/models/library.svelte';
import { recall, remember } from '$ui/remember';
import { studio, requestId } from '$ui/worker-client';
import { getCorpus } from '$lib/storage/corpora';
import type { EncodedSong } from '$lib/encoding/song';
import { CancelledError } from '$lib/generate/generate';
import type { Melody } from '$lib/generate/settings';
import { randomSeed as freshSeed } from '$lib/generate/random';
import { GENERATE_DEFAULTS } from '$lib/generate/defaults';
import { DEFAULT_METER, parseMeter } from '$lib/music/meter';
import { EXPORT_KEYS, estimateMode, homeKey } from '$lib/formats/key';
import type { StoredMelody } from '$lib/storage/melodies';
import { MelodyPlayer, startAudio } from './player';
import { saveSound, sound } from './sound.svelte';
import { source } from './source';

/** The longest melody asked for, in bars. */
export const MAX_BARS = 64;

/** The settings and the melody on show, remembered between visits. */
const remembered = recall('generate', {
	temperature: GENERATE_DEFAULTS.temperature as number,
	topP: GENERATE_DEFAULTS.topP as number,
	length: GENERATE_DEFAULTS.bars as number,
	meterText: GENERATE_DEFAULTS.meter as string,
	variations: GENERATE_DEFAULTS.variations as number,
	lockSeed: false,
	randomSeed: freshSeed(),
	last: null as null | { melody: Melody; name: string; barPhase: number }
});

class Generation {
	/** The models to choose from: the stored ones, then the bundled default. */
	readonly models = $derived([
		...library.models.map((m) => ({ id: m.id, name: m.name })),
		...(HAS_DEFAULT_MODEL
			? [
					{
						id: 'default',
						name: library.bundled ? `Bundled: ${library.bundled.style} folk songs` : 'Bundled default model'
					}
				]
			: [])
	]);
	vocabulary = $state<string[]>([]);
	modelName = $state('');
	/** The model reads each step's place in the bar, so the chosen meter shapes it. */
	usesBar = $state(false);
	/** The model's styles (one per corpus it learned from), and the one to write in (null: any). */
	styles = $state<string[]>([]);
	style = $state<string | null>(null);
	modelError = $state<string | null>(null);
	/** Songs of the chosen corpus, for a seed from one of them. */
	songs = $state<EncodedSong[]>([]);

	seed = $state<string[]>([]);
	seedInvalid = $state<string | null>(null);
	songMeter = $state<string | null>(null);
	barPhase = $state(remembered.last?.barPhase ?? 0);

	temperature = $state(remembered.temperature);
	topP = $state(remembered.topP);
	/** In bars of the chosen meter. */
	length = $state(remembered.length);
	meterText = $state(remembered.meterText);
	stopAtEnd = $state(true);
	variations = $state(remembered.variations);
	/**
	 * The random seed of the next run. Each run draws a new one — a new tune on every click — unless the
	 * musician keeps it ("Keep this seed"), so that the same settings write the same tune again.
	 */
	randomSeed = $state(remembered.randomSeed);
	lockSeed = $state(remembered.lockSeed);

	/** Id of the request generating now, or null. */
	running = $state<string | null>(null);
	progress = $state(0);
	runError = $state<string | null>(null);
	melodies = $state<Melody[]>(remembered.last ? [remembered.last.melody] : []);
	chosen = $state(0);
	shownName = $state(remembered.last?.name ?? '');
	/** Counts results the user asked for, so the result can take the focus when a new one arrives. */
	delivered = $state(0);
	lastMs = $state<number | null>(null);
	status = $state('');

	playing = $state(false);
	/** Where the sound is, in 16th steps, or null. */
	playhead = $state<number | null>(null);
	exportKey = $state('');
	/** The piano roll first; the score is engraved (and Verovio loaded) only when asked for. */
	view = $state<'roll' | 'score'>('roll');

	readonly meter = $derived(parseMeter(this.meterText) ?? DEFAULT_METER);
	readonly steps = $derived(Math.max(1, Math.round(this.length * this.meter.stepsPerBar)));
	/** A whole tune: so many bars, ended by the model on the last barline (generate/generate.ts). */
	readonly wholeTune = $derived(this.stopAtEnd);
	readonly bars = $derived(Math.max(1, Math.round(this.length)));
	readonly current = $derived(this.melodies[this.chosen] ?? null);
	/** Where the melody's first step falls in its bar. */
	readonly phase = $derived(this.barPhase % this.meter.stepsPerBar);
	/** The key chosen for export and the score; undefined: as generated (C major or A minor). */
	readonly key = $derived(EXPORT_KEYS.find((k) => k.name === this.exportKey));

	/** Voice, tempo, metronome and loop controls change it while it plays. */
	readonly player = new MelodyPlayer();
	private frame = 0;

	/** Remembers the settings and the melody on show for the next visit. */
	save() {
		const melody = this.current ? $state.snapshot(this.current) : null;
		remember('generate', {
			temperature: this.temperature,
			topP: this.topP,
			length: this.length,
			meterText: this.meterText,
			variations: this.variations,
			lockSeed: this.lockSeed,
			randomSeed: this.randomSeed,
			last: melody ? { melody, name: this.shownName, barPhase: this.barPhase } : null
		});
	}

	/** A name a musician can tell apart: "German tune in A minor, 3/4, 8 bars". */
	nameFor(m: Melody): string {
		const key = homeKey(estimateMode(m.symbols)).name;
		const bars = Math.max(1, Math.round(m.symbols.length / this.meter.stepsPerBar));
		return `${library.style(app.modelId)} tune in ${key}, ${this.meterText}, ${bars} ${bars === 1 ? 'bar' : 'bars'}`;
	}

	/** Lists the models again and keeps the choice valid (the first model when none or a gone one is chosen). */
	async refreshModels() {
		await library.refresh();
		if (!app.modelId || !this.models.some((m) => m.id === app.modelId))
			app.modelId = this.models[0]?.id ?? null; // the page's pick, not remembered
	}

	private vocabularyRequest = 0;

	/** Describes the chosen model. Answers can come out of order (a slow model, then a fast one): only the latest request's answer is shown. */
	async loadVocabulary(id: string | null) {
		const request = ++this.vocabularyRequest;
		const latest = () => request === this.vocabularyRequest;
		this.vocabulary = [];
		this.modelName = '';
		this.modelError = null;
		if (!id) return;
		try {
			await studio().send({ type: 'generate/model', id: requestId('gm'), model: source(id) }, (r) => {
				if (r.type === 'generate/model' && latest()) {
					this.vocabulary = r.vocabulary;
					this.modelName = r.name;
					this.usesBar = r.usesBar;
					this.styles = r.styles;
					if (this.style !== null && !r.styles.includes(this.style)) this.style = null;
				}
			});
		} catch (e) {
			if (latest()) this.modelError = (e as Error).message;
		}
	}

	async loadSongs(id: string | null) {
		this.songs = [];
		if (!id) return;
		try {
			this.songs = (await getCorpus(id))?.songs ?? [];
		} catch {
			this.songs = [];
		}
	}

	/** Bars the melody `m` spans in the chosen meter (a pickup and the bar it starts count as one). */
	barsOf(m: Melody): number {
		return Math.max(1, Math.ceil((m.symbols.length + this.phase) / this.meter.stepsPerBar));
	}

	/** Keeps bars 1–`n` of the melody on show and lets the model write the rest anew, as long as before. */
	keepBars(n: number) {
		const m = this.current;
		if (!m) return;
		const bars = this.barsOf(m);
		const kept = Math.min(Math.max(1, Math.round(n)), bars - 1);
		const steps = kept * this.meter.stepsPerBar - this.phase;
		return this.generate({ seed: m.symbols.slice(0, Math.max(1, steps)), bars });
	}

	/** The melody on show becomes the seed: the model writes as many bars again after it. */
	continueMelody() {
		const m = this.current;
		if (!m) return;
		return this.generate({ seed: [...m.symbols], bars: this.barsOf(m) + this.bars });
	}

	/**
	 * Writes melodies from the seed and settings; `shape` replaces the seed and the length in bars for one
	 * run (keep the first bars, continue), leaving the user's own seed as it is.
	 */
	async generate(shape?: { seed: string[]; bars: number }) {
		if (!app.modelId || this.running) return;
		this.stop();
		// Inside the click: the browser allows sound only from a user's gesture.
		if (sound.autoplay) void startAudio();
		this.runError = null;
		this.progress = 0;
		const id = requestId('gen');
		this.running = id;
		this.status = 'Generating…';
		if (!this.lockSeed) this.randomSeed = freshSeed();
		const { steps, bars, temperature, topP, stopAtEnd, variations, randomSeed, meterText, barPhase, style } =
			this;
		const length = shape ? { bars: shape.bars } : this.wholeTune ? { bars } : { steps, stopAtEnd };
		try {
			await studio().send(
				{
					type: 'generate/run',
					id,
					model: source(app.modelId),
					seed: shape ? shape.seed : $state.snapshot(this.seed),
					settings: {
						...length,
						temperature,
						topP,
						variations,
						randomSeed,
						meter: meterText,
						barPhase,
						style
					}
				},
				(r) => {
					if (r.type === 'generate/progress') this.progress = r.done / r.total;
					if (r.type === 'generate/result') {
						this.melodies = r.melodies;
						this.chosen = 0;
						this.lastMs = r.ms;
						this.shownName = this.nameFor(r.melodies[0]);
						this.delivered++;
					}
				}
			);
			const n = this.melodies.length;
			this.status = `Generated ${n} ${n === 1 ? 'melody' : 'melodies'} in ${Math.round(this.lastMs ?? 0)} ms with random seed ${randomSeed}${this.lockSeed ? ' (kept)' : ''}.`;
			this.save();
			if (sound.autoplay && n > 0) void this.play();
		} catch (e) {
			const message = (e as Error).message;
			if (message === new CancelledError().message)
				this.status = 'Generation cancelled; nothing was changed.';
			else {
				this.runError = message;
				this.status = '';
			}
		} finally {
			this.running = null;
		}
	}

	cancel() {
		if (this.running) studio().cancel(this.running);
	}

	async play(symbols = this.current?.symbols) {
		if (!symbols?.length) return;
		await this.player.play(symbols, {
			bpm: sound.bpm,
			loop: sound.loop,
			meter: this.meter,
			barPhase: this.phase,
			countIn: sound.countIn,
			metronome: sound.metronome,
			onEnd: () => {
				this.playing = false;
				this.playhead = null;
			}
		});
		this.playing = true;
		cancelAnimationFrame(this.frame);
		this.frame = requestAnimationFrame(this.tick);
	}

	stop() {
		this.player.stop();
		this.playing = false;
		this.playhead = null;
		cancelAnimationFrame(this.frame);
	}

	private tick = () => {
		this.playhead = this.player.position();
		this.playing = this.player.playing;
		if (this.player.playing) this.frame = requestAnimationFrame(this.tick);
	};

	/** Shows a kept melody as the result, with the settings it was made with. */
	show(m: StoredMelody) {
		this.stop();
		this.melodies = [
			{ symbols: m.symbols, seedLength: m.seed.length, ended: false, variation: 0, randomSeed: m.randomSeed }
		];
		this.chosen = 0;
		this.shownName = m.name;
		this.meterText = m.meter;
		sound.bpm = m.bpm;
		saveSound();
		this.temperature = m.temperature;
		this.topP = m.topP ?? 1;
		if (m.bars) this.length = m.bars;
		this.randomSeed = m.randomSeed;
		this.stopAtEnd = m.stopAtEnd;
	}
}

/** The one Generate stage's state. */
export const generation = new Generation();
