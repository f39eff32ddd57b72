import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

/** Globals that only exist in a page; the core under src/lib must not touch them. */
const domGlobals = [
	'window',
	'document',
	'localStorage',
	'sessionStorage',
	'HTMLElement',
	'Element',
	'AudioContext'
];

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'no-undef': 'off'
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		// The core runs in the page, in workers, in Node tests and in the command line: no Svelte, no DOM.
		files: ['src/lib/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['svelte', 'svelte/*', '$app/*', '*.svelte'], message: 'src/lib is framework-free.' }
					]
				}
			],
			'no-restricted-globals': ['error', ...domGlobals]
		}
	},
	{
		// The page runs no TensorFlow.js: training and generation happen in the worker (src/lib/worker).
		files: ['src/ui/**', 'src/routes/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['@tensorflow/*'],
							message: 'The page runs no TensorFlow.js; send a request to the worker (src/lib/worker).'
						}
					]
				}
			]
		}
	},
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'static/',
			'test-results/',
			'playwright-report/',
			'bench/gpu/pack/'
		]
	}
);
