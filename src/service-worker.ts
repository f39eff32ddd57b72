/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
/**
 * The offline service worker. It precaches the whole build (shell, scripts, styles, `.wasm`, the default
 * model and the demo corpus) into a cache named after the build, serves those files from the cache, and
 * answers any navigation with the cached shell when the network is gone. A new version waits until the page
 * asks it to take over (the "Reload to update" banner), so it never switches under a running training.
 *
 * It also makes the app cross-origin isolated wherever it is served (the approach of coi-serviceworker):
 * every response it hands over carries `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`, so the page and its workers get SharedArrayBuffer and the
 * wasm backend can train on every core even on a static host that cannot send those headers.
 */
import { base, build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;

/** Every cache this app owns starts with this, so activation can drop old versions and nothing else. */
const PREFIX = 'folk-studio-';
const CACHE = `${PREFIX}${version}`;
/** The app shell: the one prerendered page. */
const SHELL = `${base}/`;
const PRECACHE = [...new Set([...build, ...files, ...prerendered, SHELL])];
const PRECACHED = new Set(PRECACHE);

/** Messages the page may send. */
export type ServiceWorkerMessage = { type: 'skip-waiting' } | { type: 'version' };

/** Hashed build output never changes under its name, so it is always served from the cache. */
const IMMUTABLE = `${base}/_app/immutable/`;

/**
 * Relative file references in a built script: imports between chunks and `new URL('x.wasm', import.meta.url)`.
 * SvelteKit's `build` list leaves out what only a worker imports (its chunks, TensorFlow.js's `.wasm`).
 */
const REFERENCE = /["'`]((?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w.-]+\.(?:js|mjs|wasm|css|json))["'`]/g;

/** Caches the build, then follows every built script's references to what the build list missed. */
async function precache(): Promise<void> {
	const cache = await caches.open(CACHE);
	// `reload` skips the HTTP cache, so a new version never stores an older file.
	await cache.addAll(PRECACHE.map((u) => new Request(u, { cache: 'reload' })));
	const seen = new Set(PRECACHE);
	let scripts = PRECACHE.filter((u) => u.startsWith(IMMUTABLE) && u.endsWith('.js'));
	while (scripts.length) {
		const found: string[] = [];
		for (const script of scripts) {
			const text = await (await cache.match(script))!.text();
			for (const [, ref] of text.matchAll(REFERENCE)) {
				// Bundlers write paths (`./chunks/a.js`, `assets/b.wasm`); a bare `model.json` is just a string.
				if (!ref.includes('/')) continue;
				const path = new URL(ref, new URL(script, sw.location.href)).pathname;
				if (path.startsWith(IMMUTABLE) && !seen.has(path)) {
					seen.add(path);
					found.push(path);
				}
			}
		}
		const fetched = await Promise.all(
			found.map(async (path) => {
				const response = await fetch(path, { cache: 'reload' });
				// Not every string that looks like a file name is one; only real files are kept.
				if (!response.ok) return null;
				await cache.put(path, response);
				return path;
			})
		);
		scripts = fetched.filter((p): p is string => p !== null && p.endsWith('.js'));
	}
}

sw.addEventListener('install', (event) => event.waitUntil(precache()));

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
			}
			// Take the first visit's page at once, so it works offline without a reload.
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('message', (event) => {
	const message = event.data as ServiceWorkerMessage | null;
	if (message?.type === 'skip-waiting') void sw.skipWaiting();
	else if (message?.type === 'version') event.source?.postMessage({ type: 'version', version });
});

/** The headers that make a document and its workers cross-origin isolated. */
const ISOLATION: Record<string, string> = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp',
	// Everything here is same-origin; saying so lets an isolated page embed it under any policy.
	'Cross-Origin-Resource-Policy': 'same-origin'
};

/** The response with the isolation headers (opaque and redirect responses pass unchanged). */
function isolated(response: Response): Response {
	if (response.status === 0 || response.type === 'opaqueredirect' || response.type === 'opaque')
		return response;
	const headers = new Headers(response.headers);
	for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
	const nullBody = response.status === 204 || response.status === 304;
	return new Response(nullBody ? null : response.body, {
		status: response.status,
		statusText: response.statusText,
		headers
	});
}

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if ((request.method !== 'GET' && request.method !== 'HEAD') || request.headers.has('range')) return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin || !url.pathname.startsWith(SHELL)) return;
	if (request.method === 'HEAD' && !PRECACHED.has(url.pathname) && !url.pathname.startsWith(IMMUTABLE))
		return;
	event.respondWith(respond(request, url).then(isolated));
});

async function respond(request: Request, url: URL): Promise<Response> {
	const cache = await caches.open(CACHE);
	if (PRECACHED.has(url.pathname) || url.pathname.startsWith(IMMUTABLE)) {
		const hit = await cache.match(url.pathname);
		// A HEAD request (does the default model exist?) gets the cached headers without the body.
		if (hit && request.method === 'HEAD')
			return new Response(null, { status: hit.status, headers: hit.headers });
		if (hit) return hit;
	}
	try {
		const response = await fetch(request);
		// Keep anything else the app fetched from its own origin, for the next offline visit.
		if (response.ok && response.type === 'basic' && request.mode !== 'navigate') {
			void cache.put(request, response.clone());
		}
		return response;
	} catch (e) {
		const hit = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
		if (hit) return hit;
		// Any other page in scope: send the browser to the shell, so its relative links resolve.
		if (request.mode === 'navigate' && (await cache.match(SHELL))) return Response.redirect(SHELL, 302);
		throw e;
	}
}
