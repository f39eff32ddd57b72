/**
 * The Generate stage's state: the chosen model's vocabulary, the seed and settings, the melodies of the
 * last run, playback, export and the kept melodies. Components read it and call its methods; generation
 * runs in the shared worker.
 */
import { app } from '$ui/app-state.svelte';
import { library } from '$ui/models/library.svelte';
import { studio, requestId } from '$ui/worker-client';
import { download, fileName } from '$ui/download';
import { getCorpus } from '$lib/storage/corpora';
import type { ModelSource } from '$lib/worker/messages/generate';
import type { EncodedSong } from '$lib/encoding/song';
import { CancelledError, type Melody } from '$lib/generate/generate';
import { randomSeed as freshSeed } from '$lib/generate/random';
import { GENERATE_DEFAULTS } from '$lib/generate/defaults';
import { DEFAULT_METER, parseMeter } from '$lib/music/meter';
import { toMidi } from '$lib/formats/midi';
import { toKern } from '$lib/formats/kern';
import { EXPORT_KEYS, estimateMode, homeKey } from '$lib/formats/key';
import {
	deleteMelody,
	listMelodies,
	renameMelody,
	saveMelody,
	type StoredMelody
} from '$lib/storage/melodies';
import { MelodyPlayer, startAudio } from './player';
import { saveSound, sound } from './sound.svelte';

// Known at build time: probing the server would log a 404 where no default model is bundled.
const HAS_DEFAULT_MODEL = Object.keys(import.meta.glob('/static/models/default/model.json')).length > 0;

/** Where the worker finds a model: the bundled one by URL, the others in IndexedDB. */
function source(id: string): ModelSource {
	return id === 'default'
		? { kind: 'default', url: new URL('models/default/', document.baseURI).href }
		: { kind: 'stored', id };
}

class Generation {
	/** The models to choose from: the stored ones, then the bundled default. */
	readonly models = $derived([
		...library.models.map((m) => ({ id: m.id, name: m.name })),
		...(HAS_DEFAULT_MODEL ? [{ id: 'default', name: 'Bundled default model' }] : [])
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
	barPhase = $state(0);

	temperature = $state<number>(GENERATE_DEFAULTS.temperature);
	topP = $state<number>(GENERATE_DEFAULTS.topP);
	length = $state<number>(GENERATE_DEFAULTS.bars);
	unit = $state<'bars' | 'steps'>('bars');
	meterText = $state('4/4');
	stopAtEnd = $state(true);
	variations = $state(1);
	randomSeed = $state(freshSeed());

	/** Id of the request generating now, or null. */
	running = $state<string | null>(null);
	progress = $state(0);
	runError = $state<string | null>(null);
	melodies = $state<Melody[]>([]);
	chosen = $state(0);
	shownName = $state('');
	lastMs = $state<number | null>(null);
	status = $state('');

	playing = $state(false);
	/** Where the sound is, in 16th steps, or null. */
	playhead = $state<number | null>(null);
	exportKey = $state('');
	/** The piano roll first; the score is engraved (and Verovio loaded) only when asked for. */
	view = $state<'roll' | 'score'>('roll');
	kept = $state<StoredMelody[]>([]);

	readonly meter = $derived(parseMeter(this.meterText) ?? DEFAULT_METER);
	readonly steps = $derived(
		Math.max(1, Math.round(this.unit === 'bars' ? this.length * this.meter.stepsPerBar : this.length))
	);
	/** A whole tune: so many bars, ended by the model on the last barline (generate/generate.ts). */
	readonly wholeTune = $derived(this.unit === 'bars' && this.stopAtEnd);
	readonly bars = $derived(Math.max(1, Math.round(this.length)));
	readonly current = $derived(this.melodies[this.chosen] ?? null);
	/** Where the melody's first step falls in its bar. */
	readonly phase = $derived(this.barPhase % this.meter.stepsPerBar);
	/** The key chosen for export and the score; undefined: as generated (C major or A minor). */
	readonly key = $derived(EXPORT_KEYS.find((k) => k.name === this.exportKey));

	/** Voice, tempo, metronome and loop controls change it while it plays. */
	readonly player = new MelodyPlayer();
	private frame = 0;

	/** Lists the models again and keeps the choice valid (the first model when none or a gone one is chosen). */
	async refreshModels() {
		await library.refresh();
		if (!app.modelId || !this.models.some((m) => m.id === app.modelId))
			app.modelId = this.models[0]?.id ?? null;
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

	async refreshKept() {
		try {
			this.kept = await listMelodies();
		} catch {
			this.kept = [];
		}
	}

	async generate() {
		if (!app.modelId || this.running) return;
		this.stop();
		// Inside the click: the browser allows sound only from a user's gesture.
		if (sound.autoplay) void startAudio();
		this.runError = null;
		this.progress = 0;
		const id = requestId('gen');
		this.running = id;
		this.status = 'Generating…';
		const { steps, bars, temperature, topP, stopAtEnd, variations, randomSeed, meterText, barPhase, style } =
			this;
		const length = this.wholeTune ? { bars } : { steps, stopAtEnd };
		try {
			await studio().send(
				{
					type: 'generate/run',
					id,
					model: source(app.modelId),
					seed: $state.snapshot(this.seed),
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
						this.shownName = `Melody ${randomSeed}`;
					}
				}
			);
			const n = this.melodies.length;
			this.status = `Generated ${n} ${n === 1 ? 'melody' : 'melodies'} in ${Math.round(this.lastMs ?? 0)} ms.`;
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

	private exportKeyOf(symbols: readonly string[]) {
		return EXPORT_KEYS.find((k) => k.name === this.exportKey) ?? homeKey(estimateMode(symbols));
	}

	exportMidi() {
		if (!this.current) return;
		const key = this.exportKeyOf(this.current.symbols);
		const name = this.shownName || 'Melody';
		download(
			toMidi(this.current.symbols, { bpm: sound.bpm, meter: this.meter, name, transpose: key.shift }),
			fileName(this.shownName, 'mid'),
			'audio/midi'
		);
	}

	exportKern() {
		if (!this.current) return;
		const key = this.exportKeyOf(this.current.symbols);
		download(
			toKern(this.current.symbols, { meter: this.meter, key, title: this.shownName || 'Melody' }),
			fileName(this.shownName, 'krn'),
			'text/plain'
		);
	}

	async keep() {
		const current = this.current;
		if (!current || !app.modelId) return;
		try {
			await saveMelody({
				name: this.shownName || `Melody ${current.randomSeed}`,
				modelId: app.modelId,
				modelName: this.modelName,
				seed: current.symbols.slice(0, current.seedLength),
				temperature: this.temperature,
				topP: this.topP,
				...(this.wholeTune ? { bars: this.bars } : {}),
				steps: this.steps,
				stopAtEnd: this.stopAtEnd,
				randomSeed: current.randomSeed,
				symbols: $state.snapshot(current.symbols),
				meter: this.meterText,
				bpm: sound.bpm
			});
			this.status = `Kept “${this.shownName}”.`;
			await this.refreshKept();
		} catch (e) {
			this.runError = (e as Error).message;
		}
	}

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
		this.randomSeed = m.randomSeed;
		this.stopAtEnd = m.stopAtEnd;
	}

	async renameKept(m: StoredMelody, name: string) {
		try {
			await renameMelody(m.id, name);
			await this.refreshKept();
		} catch (e) {
			this.runError = (e as Error).message;
		}
	}

	async deleteKept(m: StoredMelody) {
		await deleteMelody(m.id);
		await this.refreshKept();
	}
}

/** The one Generate stage's state. */
export const generation = new Generation();
