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
import { formBars, parseForm } from '$lib/generate/form';
import type { SongTemplate } from '$lib/generate/templates';
import { DEFAULT_METER, parseMeter } from '$lib/music/meter';
import { estimateMode, keyOf, transposeSymbols, type Key, type Mode } from '$lib/formats/key';
import { DEFAULT_RANGE, VOICE_RANGES, placeInRange } from '$lib/music/register';
import { SHARE_PARAM, decodeShare, encodeShare } from '$lib/formats/share';
import type { StoredMelody } from '$lib/storage/melodies';
import { MelodyPlayer, startAudio } from './player';
import { saveSound, sound } from './sound.svelte';
import { source } from './source';
import { styleLabel } from './styles';
import { cleanName, styleWord, tuneName } from '$lib/formats/name';
import { applyEdit, EditHistory, keyScale, type EditAction } from '$lib/generate/edit';
import { knownPitches } from '$lib/generate/seed';
import { beatLength } from '$lib/formats/abc';

/** The settings and the melody on show, remembered between visits. */
const remembered = recall('generate', {
	temperature: GENERATE_DEFAULTS.temperature as number,
	topP: GENERATE_DEFAULTS.topP as number,
	length: GENERATE_DEFAULTS.bars as number,
	meterText: GENERATE_DEFAULTS.meter as string,
	variations: GENERATE_DEFAULTS.variations as number,
	lockSeed: false,
	randomSeed: freshSeed(),
	tonic: 0,
	mode: null as Mode | null,
	form: GENERATE_DEFAULTS.form as string,
	phraseBars: GENERATE_DEFAULTS.phraseBars as number,
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
	/** A seedless tune starts where the model's training songs start (the upbeat select's "as the songs start"). */
	drawUpbeat = $state(true);

	temperature = $state(remembered.temperature);
	topP = $state(remembered.topP);
	/** In bars of the chosen meter. */
	length = $state(remembered.length);
	meterText = $state(remembered.meterText);
	stopAtEnd = $state(true);
	variations = $state(remembered.variations);
	/** The tune's form (`AABA`; `through`: no planned repeats) and its phrases' length in bars. */
	form = $state(remembered.form);
	phraseBars = $state(remembered.phraseBars);
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
	/** The key's tonic (pitch class, 0 = C) every tune is moved to, and the mode asked for (null: major or minor, as the model goes). */
	tonic = $state(remembered.tonic);
	mode = $state<Mode | null>(remembered.mode);
	/** The piano roll first; the score is engraved (and Verovio loaded) only when asked for. */
	view = $state<'roll' | 'score'>('roll');

	readonly meter = $derived(parseMeter(this.meterText) ?? DEFAULT_METER);
	readonly steps = $derived(Math.max(1, Math.round(this.length * this.meter.stepsPerBar)));
	/** A whole tune: so many bars, ended by the model on the last barline (generate/generate.ts). */
	readonly wholeTune = $derived(this.stopAtEnd);
	readonly bars = $derived(Math.max(1, Math.round(this.length)));
	readonly current = $derived(this.melodies[this.chosen] ?? null);
	/** Where the melody's first step falls in its bar: its own where its upbeat was drawn, else the seed's. */
	readonly phase = $derived((this.current?.barPhase ?? this.barPhase) % this.meter.stepsPerBar);
	/** The key of the melody on show, as the roll, the score, the player and every export use it. */
	readonly key = $derived(this.current ? this.keyFor(this.current) : undefined);

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
			tonic: this.tonic,
			mode: this.mode,
			form: this.form,
			phraseBars: this.phraseBars,
			lockSeed: this.lockSeed,
			randomSeed: this.randomSeed,
			last: melody ? { melody, name: this.shownName, barPhase: this.barPhase } : null
		});
	}

	/**
	 * The key a melody sounds in: the chosen tonic in the mode it was written in (or heard in), moved by
	 * whole octaves into the voice's range (music/register.ts). Its `shift` takes the model's symbols there.
	 */
	keyFor(m: Melody): Key {
		const key = keyOf(this.tonic, m.mode ?? estimateMode(m.symbols));
		return placeInRange(key, m.symbols, VOICE_RANGES[sound.voice] ?? DEFAULT_RANGE);
	}

	/** The melody's notes as they sound: in its key and the voice's register. */
	sounding(m: Melody): string[] {
		return transposeSymbols(m.symbols, this.keyFor(m).shift);
	}

	/** A name a musician can tell apart: "German tune in D Dorian, 3/4, 8 bars". */
	nameFor(m: Melody): string {
		const bars = Math.max(1, Math.round(m.symbols.length / this.meter.stepsPerBar));
		// The style asked for, else the model's corpus without words such as "songs" or ".zip" (formats/name.ts).
		const style = this.style ? styleLabel(this.style) : styleWord(library.style(app.modelId));
		return tuneName(style, this.keyFor(m), this.meterText, bars);
	}

	/** Names the melody on show again after its key changed. */
	retitle() {
		if (this.current) this.shownName = this.nameFor(this.current);
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

	/** A form (or phrase length) chosen: the tune becomes as long as the form. */
	chooseForm() {
		const letters = parseForm(this.form);
		if (letters?.length) this.length = formBars(letters.length, this.phraseBars);
		this.save();
	}

	/** Writes the phrases of `letter` again (and their repeats), keeping the other phrases and the seed. */
	rewritePhrase(letter: string) {
		const m = this.current;
		if (!m?.form) return;
		return this.generate({
			seed: m.symbols.slice(0, m.seedLength),
			bars: Math.round(m.symbols.length / this.meter.stepsPerBar),
			form: { name: m.form.name, phraseBars: m.form.phraseBars, template: m.form.template },
			rewrite: { symbols: [...m.symbols], letter }
		});
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
	async generate(shape?: {
		seed: string[];
		bars: number;
		form?: { name: string; phraseBars: number; template?: SongTemplate };
		rewrite?: { symbols: string[]; letter: string };
	}) {
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
		const { steps, bars, temperature, topP, stopAtEnd, variations, randomSeed, meterText, style, mode } =
			this;
		// Keeping bars, going on or writing a phrase again starts where the melody on show starts.
		const barPhase = shape ? this.phase : this.barPhase;
		const upbeat = !shape && this.drawUpbeat ? { upbeat: 'songs' as const } : {};
		const length = shape ? { bars: shape.bars } : this.wholeTune ? { bars } : { steps, stopAtEnd };
		// A form shapes a whole tune only.
		const form =
			shape?.form ?? (shape || this.wholeTune ? { name: this.form, phraseBars: this.phraseBars } : null);
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
						style,
						mode,
						...upbeat,
						...(form ? { form: form.name, phraseBars: form.phraseBars } : {}),
						...(shape?.form?.template ? { template: $state.snapshot(shape.form.template) } : {}),
						...(shape?.rewrite ? { rewrite: shape.rewrite } : {})
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

	/** Plays the melody on show as it sounds in its key. */
	async play() {
		const m = this.current;
		if (!m) return;
		const symbols = this.sounding(m);
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

	/** Each melody's edits, to undo (generate/edit.ts); `edits` counts them so that the page sees one. */
	private histories = new WeakMap<Melody, EditHistory>();
	edits = $state(0);

	/**
	 * Edits the note starting at step `index` of the melody on show (its symbols, in the model's key: the
	 * key's scale is moved there), so that playback, the score, exports, the link and "Continue it" take
	 * the edited tune. Returns the step of the note to keep selected; throws an EditError saying why not.
	 */
	editNote(index: number, action: EditAction): number | null {
		const m = this.current;
		if (!m) return null;
		// The key on show stays: a tune written in no asked mode keeps the one it was heard in before.
		m.mode ??= estimateMode(m.symbols);
		const key = this.keyFor(m);
		const edited = applyEdit(m.symbols, index, action, {
			scale: keyScale(key.fifths, key.shift),
			beat: beatLength(this.meter),
			stepsPerBar: this.meter.stepsPerBar,
			barPhase: this.phase,
			// Notes the model knows only, so that it can go on from the edited tune.
			pitches: knownPitches(this.vocabulary)
		});
		let history = this.histories.get(m);
		if (!history) this.histories.set(m, (history = new EditHistory()));
		history.push(m.symbols, index);
		m.symbols = edited.symbols;
		this.edits++;
		this.save();
		return edited.index;
	}

	/** Undoes the last edit of the melody on show; returns the step of the note it was made to, or null. */
	undoEdit(): number | null {
		const m = this.current;
		const last = m && this.histories.get(m)?.undo();
		if (!m || !last) return null;
		m.symbols = last.symbols;
		this.edits++;
		this.save();
		return last.index;
	}

	/** True when the melody on show has an edit to undo. */
	get canUndo(): boolean {
		void this.edits;
		const m = this.current;
		return !!m && (this.histories.get(m)?.size ?? 0) > 0;
	}

	/** A link that opens the melody on show in any browser with the studio, offline too (formats/share.ts). */
	shareLink(): string | null {
		const m = this.current;
		if (!m) return null;
		const text = encodeShare({
			symbols: m.symbols,
			meter: this.meterText,
			barPhase: this.phase,
			tonic: this.tonic,
			mode: m.mode ?? null,
			bpm: sound.bpm,
			name: this.shownName
		});
		return `${location.origin}${location.pathname}#${SHARE_PARAM}=${text}`;
	}

	/**
	 * Opens the tune a link carries (`#tune=…`), if the page was opened with one, as the melody on show; a
	 * link that holds no tune says why. The fragment is then cleared, so a reload shows what is on show.
	 */
	openShared(hash: string) {
		const prefix = `#${SHARE_PARAM}=`;
		if (!hash.startsWith(prefix)) return;
		history.replaceState(null, '', location.pathname + location.search);
		try {
			const t = decodeShare(hash.slice(prefix.length));
			this.stop();
			this.meterText = t.meter;
			this.barPhase = t.barPhase;
			this.tonic = t.tonic;
			sound.bpm = t.bpm;
			saveSound();
			this.melodies = [
				{
					symbols: t.symbols,
					seedLength: 0,
					ended: true,
					variation: 0,
					randomSeed: 0,
					barPhase: t.barPhase,
					...(t.mode ? { mode: t.mode } : {})
				}
			];
			this.chosen = 0;
			this.shownName = t.name || this.nameFor(this.melodies[0]);
			this.delivered++;
			this.status = `Opened “${this.shownName}” from a link.`;
			this.save();
		} catch (e) {
			this.runError = (e as Error).message;
		}
	}

	/** Shows a kept melody as the result, with the settings it was made with. */
	show(m: StoredMelody) {
		this.stop();
		this.melodies = [
			{
				symbols: m.symbols,
				seedLength: m.seed.length,
				ended: false,
				variation: 0,
				randomSeed: m.randomSeed,
				...(m.mode ? { mode: m.mode } : {}),
				...(m.form ? { form: m.form } : {})
			}
		];
		if (m.form) {
			this.form = m.form.name;
			this.phraseBars = m.form.phraseBars;
		}
		if (m.tonic !== undefined) this.tonic = m.tonic;
		this.chosen = 0;
		this.shownName = cleanName(m.name);
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
