/**
 * The page's side of the service worker: registration (production builds only), the "Reload to update"
 * offer, and whether the browser is online. Updates never switch under a running training.
 */
import { dev } from '$app/environment';
import { resolve } from '$app/paths';
import { app } from '$ui/app-state.svelte';

/** What the PWA components show. */
export const pwa = $state({
	/** A new version is installed and waiting for the page's permission to take over. */
	updateReady: false,
	/** Another tab already switched to a new version; this page still runs the old one. */
	updatedElsewhere: false,
	/** The user asked to update and the page is reloading. */
	reloading: false,
	/** Another open tab of the app is training, so the update waits for it. */
	otherTabTraining: false,
	/** `navigator.onLine`. */
	online: true,
	/** Why offline use is unavailable (a sentence), or null when the service worker runs or is still starting. */
	offlineProblem: null as string | null,
	/** True once a service worker controls this page (offline reloads will work). */
	controlled: false
});

let waiting: ServiceWorker | null = null;
let asked = false;
let started = false;
/** The user has started doing something on this page (a reload now could lose it). */
let touched = false;
/** Set for the tab once the isolating reload was tried, so a browser that cannot isolate never loops. */
const ISOLATION_RELOAD = 'folk-studio-isolation-reload';

/**
 * The one reload a first visit needs to become cross-origin isolated (the service worker adds the
 * headers, but only to pages it serves): done at once while the page is untouched, never under the
 * user's work; otherwise the next visit is isolated and the Train stage says how many threads run.
 */
function reloadToIsolate(): void {
	if (window.crossOriginIsolated || touched || app.training) return;
	try {
		if (sessionStorage.getItem(ISOLATION_RELOAD)) return;
		sessionStorage.setItem(ISOLATION_RELOAD, '1');
	} catch {
		return;
	}
	location.reload();
}

/** How often an open page asks the server for a new version while online. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** Starts everything once; safe to call from several components. */
export function startPwa(): void {
	if (started || typeof window === 'undefined') return;
	started = true;
	pwa.online = navigator.onLine;
	addEventListener('online', () => (pwa.online = true));
	addEventListener('offline', () => (pwa.online = false));
	for (const type of ['pointerdown', 'keydown', 'drop'])
		addEventListener(type, () => (touched = true), { capture: true, once: true });
	if (dev) return;
	void register();
}

async function register(): Promise<void> {
	if (!('serviceWorker' in navigator)) {
		pwa.offlineProblem = window.isSecureContext
			? 'This browser has no service workers, so the app cannot be installed or opened without a network.'
			: 'Offline use and installing need a secure address (https, or localhost); this page was opened over plain http, so it needs the network.';
		return;
	}
	const container = navigator.serviceWorker;
	let hadController = container.controller !== null;
	pwa.controlled = hadController;
	container.addEventListener('controllerchange', () => {
		pwa.controlled = container.controller !== null;
		if (asked) location.reload();
		else if (hadController)
			pwa.updatedElsewhere = true; // another tab took the update
		else reloadToIsolate(); // the first visit's service worker took over
		hadController = container.controller !== null;
	});
	let registration: ServiceWorkerRegistration;
	try {
		const scope = resolve('/');
		registration = await container.register(`${scope}service-worker.js`, { scope });
	} catch (e) {
		const why = e instanceof Error ? e.message : String(e);
		pwa.offlineProblem = `The offline helper (service worker) could not start (${why}), so the app needs the network; everything else works.`;
		return;
	}
	const offer = (worker: ServiceWorker | null) => {
		// With no controller this is the first install: nothing to update from.
		if (worker && container.controller) {
			waiting = worker;
			pwa.updateReady = true;
		}
	};
	const follow = (worker: ServiceWorker | null) =>
		worker?.addEventListener('statechange', () => {
			if (worker.state === 'installed') offer(registration.waiting);
		});
	offer(registration.waiting);
	follow(registration.installing);
	registration.addEventListener('updatefound', () => follow(registration.installing));
	setInterval(() => {
		if (navigator.onLine) registration.update().catch(() => {});
	}, UPDATE_CHECK_MS);
}

/** Tabs of the app ask each other whether one is training before any of them switches versions. */
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('folk-studio-pwa');
if (channel)
	channel.onmessage = (e: MessageEvent<{ type: string }>) => {
		if (e.data?.type === 'training?' && app.training) channel.postMessage({ type: 'training!' });
	};

/** Whether another open tab of the app answers that it is training (it answers within milliseconds). */
function anotherTabTraining(): Promise<boolean> {
	if (!channel) return Promise.resolve(false);
	return new Promise((resolve) => {
		const listener = (e: MessageEvent<{ type: string }>) => {
			if (e.data?.type !== 'training!') return;
			channel.removeEventListener('message', listener);
			resolve(true);
		};
		channel.addEventListener('message', listener);
		channel.postMessage({ type: 'training?' });
		setTimeout(() => {
			channel.removeEventListener('message', listener);
			resolve(false);
		}, 300);
	});
}

/** True when the page may switch versions now. */
export function canUpdate(): boolean {
	return !app.training && !pwa.reloading;
}

/** Switches to the waiting version and reloads; refused while a training runs here or in another tab. */
export async function applyUpdate(): Promise<void> {
	if (!canUpdate()) return;
	pwa.reloading = true;
	pwa.otherTabTraining = await anotherTabTraining();
	if (pwa.otherTabTraining || app.training) {
		pwa.reloading = false;
		return;
	}
	if (pwa.updateReady && waiting) {
		asked = true;
		waiting.postMessage({ type: 'skip-waiting' });
	} else {
		location.reload();
	}
}

/** Hides the offer until the next page load. */
export function dismissUpdate(): void {
	pwa.updateReady = false;
	pwa.updatedElsewhere = false;
}
