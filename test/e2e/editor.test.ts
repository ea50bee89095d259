/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * The editor of the real n8n in headless Chromium (Debian's `chromium`, driven by `playwright-core`
 * with `executablePath`): a workflow with the Dify node opens, its parameters render, the app's
 * inputs load into the mapper from the sandbox, the conversation list lists the user's
 * conversations; screenshots land in $TMPDIR/n8n-nodes-dify-flowgen-e2e/. The page may reach nothing but loopback,
 * and no console error or failed request may come from this package.
 *
 * Skipped (with the reason in its name) when real n8n, Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium) or playwright-core is missing.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DIFY_KEYS } from '../sandbox';
import {
	describeE2E,
	E2E_SKIP_REASON,
	E2E_TIMEOUT_MS,
	OUTPUT_DIR,
	PACKAGE_NAME,
	startE2E,
	type E2E,
	type WorkflowJson,
} from './n8n';

/**
 * The few playwright-core calls used here, typed locally so that the tests typecheck before
 * playwright-core is installed (it is loaded with require and the suite skips without it).
 */
interface Locator {
	locator(selector: string): Locator;
	getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
	first(): Locator;
	last(): Locator;
	waitFor(options?: { timeout?: number; state?: 'visible' | 'hidden' | 'attached' }): Promise<void>;
	click(): Promise<void>;
	dblclick(): Promise<void>;
	fill(value: string): Promise<void>;
	inputValue(): Promise<string>;
	count(): Promise<number>;
	isVisible(): Promise<boolean>;
	hover(): Promise<void>;
	innerText(): Promise<string>;
	allInnerTexts(): Promise<string[]>;
}
interface Page extends Pick<Locator, 'locator' | 'getByText'> {
	goto(
		url: string,
		options?: { waitUntil?: 'load' | 'domcontentloaded'; timeout?: number },
	): Promise<unknown>;
	keyboard: { press(key: string): Promise<void> };
	waitForTimeout(ms: number): Promise<void>;
	screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
	on(
		event: 'console',
		fn: (m: { type(): string; text(): string; location(): { url: string } }) => void,
	): void;
	on(event: 'pageerror', fn: (e: Error) => void): void;
	on(event: 'dialog', fn: (d: { accept(): Promise<void> }) => void): void;
	on(event: 'response', fn: (r: { status(): number; url(): string }) => void): void;
}
interface Route {
	request(): { url(): string };
	continue(): Promise<void>;
	abort(): Promise<void>;
}
interface BrowserContext {
	route(pattern: string, handler: (route: Route) => Promise<void>): Promise<void>;
	addCookies(
		cookies: Array<{ name: string; value: string; domain: string; path: string }>,
	): Promise<void>;
	pages(): Page[];
	newPage(): Promise<Page>;
	close(): Promise<void>;
}
interface Playwright {
	chromium: {
		launchPersistentContext(
			userDataDir: string,
			options: {
				executablePath: string;
				headless: boolean;
				args: string[];
				viewport: { width: number; height: number };
			},
		): Promise<BrowserContext>;
	};
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags that work on these machines (no sandbox: containers run as root; nothing online). */
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

function loadPlaywright(): Playwright | undefined {
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		return require('playwright-core') as Playwright;
	} catch {
		return undefined;
	}
}

const playwright = loadPlaywright();
const browserSkipReason = !fs.existsSync(CHROMIUM)
	? `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`
	: !playwright
		? 'playwright-core is not installed (devDependency)'
		: undefined;

// Real n8n missing: describeE2E skips with that reason. Browser missing: skip with this one.
const run = browserSkipReason && !E2E_SKIP_REASON ? skipWith(browserSkipReason) : describeE2E;

function skipWith(reason: string) {
	return (name: string, fn: () => void) => {
		describe.skip(`${name} [SKIPPED: ${reason}]`, fn);
		process.stderr.write(`e2e "${name}" skipped: ${reason}\n`);
	};
}

const USER = 'editor-user';
/** The editor's first load on a busy 2-core machine can take longer than Playwright's 30 s. */
const NAVIGATION = { waitUntil: 'domcontentloaded', timeout: 120_000 } as const;
/** n8n 2.x names a node added from an action after the action. */
const ADDED_DIFY = 'Send a chat message';
/** How the Dify node's mapper looked on its very first open (reported at the end). */
let firstOpen: 'fields' | 'notice' | undefined;

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

function difyWorkflow(
	name: string,
	parameters: Record<string, unknown>,
	e2e: E2E,
	credential: { id: string; name: string } = e2e.credentials.difyChat,
): WorkflowJson {
	return {
		name,
		nodes: [
			{
				id: '7a000000-0000-4000-8000-000000000001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '7a000000-0000-4000-8000-000000000002',
				name: 'Dify',
				type: `${PACKAGE_NAME}.dify`,
				typeVersion: 1,
				position: [240, 0],
				parameters: { resource: 'chatMessage', operation: 'send', user: USER, ...parameters },
				credentials: { difyApi: credential },
			},
		],
		connections: { Start: { main: [[{ node: 'Dify', type: 'main', index: 0 }]] } },
	};
}

run('real n8n: the Dify node in the editor (headless Chromium)', () => {
	let e2e: E2E;
	let context: BrowserContext;
	let page: Page;
	const consoleErrors: string[] = [];
	const failedRequests: string[] = [];
	const offline: string[] = [];
	const shots = path.join(OUTPUT_DIR, 'screenshots');

	beforeAll(async () => {
		e2e = await startE2E('editor');
		// Two conversations of the user in the sandbox's chat app, for the conversation list.
		for (const query of ['First question about tides', 'Second question about waves']) {
			const res = await fetch(`${e2e.sandbox.difyBaseUrl}/chat-messages`, {
				method: 'POST',
				headers: { authorization: `Bearer ${DIFY_KEYS.chat}`, 'content-type': 'application/json' },
				body: JSON.stringify({ query, user: USER, inputs: {}, response_mode: 'blocking' }),
			});
			expect(res.status).toBe(200);
		}
		fs.mkdirSync(shots, { recursive: true });
		const userDataDir = fs.mkdtempSync(path.join(e2e.userFolder, 'chromium-'));
		context = await playwright!.chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport: { width: 1400, height: 900 },
		});
		// Loopback only: anything else is recorded and refused.
		await context.route('**/*', async (route) => {
			const url = new URL(route.request().url());
			if (
				['127.0.0.1', 'localhost'].includes(url.hostname) ||
				['data:', 'blob:'].includes(url.protocol)
			) {
				await route.continue();
			} else {
				offline.push(route.request().url());
				await route.abort();
			}
		});
		await context.addCookies([
			{ name: 'n8n-auth', value: e2e.session.authCookie, domain: '127.0.0.1', path: '/' },
		]);
		page = context.pages()[0] ?? (await context.newPage());
		page.on('console', (message) => {
			if (message.type() === 'error')
				consoleErrors.push(`${message.text()} @ ${message.location().url}`);
		});
		// Leaving a workflow with unsaved changes asks first: a person confirms.
		page.on('dialog', (dialog) => void dialog.accept());
		page.on('pageerror', (error) =>
			consoleErrors.push(`pageerror: ${error.message}\n${error.stack}`),
		);
		page.on('response', (response) => {
			if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
		});
	}, E2E_TIMEOUT_MS);

	afterAll(async () => {
		if (firstOpen)
			process.stderr.write(`editor e2e: on first open the Dify mapper showed ${firstOpen}\n`);
		await context?.close();
		await e2e?.stop();
	}, 60_000);

	async function openNode(workflowId: string, nodeName: string): Promise<void> {
		await page.goto(`${e2e.server.url}/workflow/${workflowId}`, NAVIGATION);
		const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
		await node.waitFor({ timeout: 90_000 });
		await node.dblclick();
		await page.locator('[data-test-id="ndv"]').waitFor();
	}

	it(
		'renders the parameters and loads the app inputs into the mapper from the sandbox',
		async () => {
			const id = await e2e.importWorkflow(
				difyWorkflow(
					'editor: mapped inputs',
					{ query: 'Hello', conversationMode: 'new', inputsMode: 'mapped' },
					e2e,
				),
			);
			await openNode(id, 'Dify');
			const ndv = page.locator('[data-test-id="ndv"]');
			for (const parameter of ['resource', 'operation', 'query', 'conversationMode', 'user']) {
				await ndv.locator(`[data-test-id="parameter-input-${parameter}"]`).waitFor();
			}
			await expect(
				ndv
					.locator(
						'[data-test-id="parameter-input-query"] textarea, [data-test-id="parameter-input-query"] input',
					)
					.first()
					.inputValue(),
			).resolves.toBe('Hello');
			// The sandbox chat app's form: `name` ("Your name") and `language` ("Language").
			const mapper = ndv.locator('[data-test-id="resource-mapper-container"]');
			await mapper.waitFor({ timeout: 30_000 });
			await mapper.getByText('Your name').first().waitFor({ timeout: 30_000 });
			await mapper.getByText('Language').first().waitFor({ timeout: 30_000 });
			await page.screenshot({ path: path.join(shots, 'dify-inputs-mapper.png'), fullPage: true });
			const calls = e2e.sandbox.server.requests.filter((r) => r.service === 'dify');
			expect(calls.map((r) => `${r.method} ${r.route}`)).toContain('GET /parameters');
		},
		E2E_TIMEOUT_MS,
	);

	it(
		"lists the user's conversations in the conversation list, and search filters them",
		async () => {
			const id = await e2e.importWorkflow(
				difyWorkflow(
					'editor: conversation list',
					{
						query: 'Continue',
						conversationMode: 'id',
						conversationId: { __rl: true, mode: 'list', value: '' },
					},
					e2e,
				),
			);
			await openNode(id, 'Dify');
			const locator = page.locator('[data-test-id="resource-locator-conversationId"]');
			await locator.locator('[data-test-id="rlc-input"]').click();
			const items = page.locator('[data-test-id="rlc-item"]');
			await items.getByText('First question about tides').first().waitFor({ timeout: 30_000 });
			await items.getByText('Second question about waves').first().waitFor();
			await page.screenshot({
				path: path.join(shots, 'dify-conversation-list.png'),
				fullPage: true,
			});
			await page
				.locator('input[data-test-id="rlc-search"], [data-test-id="rlc-search"] input')
				.first()
				.fill('waves');
			await until(async () => (await items.getByText('First question about tides').count()) === 0);
			await items.getByText('Second question about waves').first().waitFor();
			await page.screenshot({
				path: path.join(shots, 'dify-conversation-search.png'),
				fullPage: true,
			});
			// The search went to the node's list method, which asked the sandbox.
			const listCalls = e2e.sandbox.server.requests.filter(
				(r) => r.service === 'dify' && r.method === 'GET' && r.route === '/conversations',
			);
			expect(listCalls.length).toBeGreaterThan(0);
			expect(listCalls.every((r) => r.query.user === USER)).toBe(true);
		},
		E2E_TIMEOUT_MS,
	);

	/** Screenshots of the new-user walk-through, numbered in the order they are taken. */
	let step = 0;
	async function shot(name: string): Promise<void> {
		step += 1;
		await page.screenshot({
			path: path.join(shots, `user-${String(step).padStart(2, '0')}-${name}.png`),
			fullPage: true,
		});
	}

	async function createCredential(
		name: string,
		data: Record<string, string>,
	): Promise<{ id: string; name: string }> {
		const created = await e2e.api.request<{ id: string; name: string }>('POST', '/credentials', {
			name,
			type: 'difyApi',
			data,
		});
		return { id: created.id, name: created.name };
	}

	const searchBar = () =>
		page
			.locator(
				'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
			)
			.first();
	const resultNamed = (name: string) =>
		page
			.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]')
			.getByText(name, { exact: true })
			.first();

	/** Types each term into the nodes panel's search and expects the node among the results. */
	async function searchFinds(displayName: string, terms: string[], label: string): Promise<void> {
		for (const term of terms) {
			await searchBar().fill(term);
			try {
				await resultNamed(displayName).waitFor({ timeout: 15_000 });
			} catch (error) {
				await shot(`${label}-NOT-FOUND-${term.replace(/\W+/g, '-').toLowerCase()}`);
				throw error;
			}
			await shot(`${label}-search-${term.replace(/\W+/g, '-').toLowerCase()}`);
		}
	}

	/** Clicks the node in the results, then the action when n8n lists the node's actions. */
	async function addFromResult(displayName: string, action: RegExp): Promise<void> {
		const ndv = page.locator('[data-test-id="ndv"]');
		const actionItem = page
			.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]')
			.getByText(action)
			.first();
		const opened = async () => (await ndv.isVisible()) || (await actionItem.isVisible());
		try {
			// A click on the result while the panel still re-renders its search can be lost (seen
			// once in a fresh clone: the result shown, no actions after 15 s): click again then.
			for (let attempt = 0; ; attempt++) {
				if (attempt > 0 && (await opened())) break;
				await resultNamed(displayName).click();
				const shown = await until(opened, 7_500).then(
					() => true,
					() => false,
				);
				if (shown) break;
				if (attempt === 2) throw new Error(`no actions nor node panel after 3 clicks on ${displayName}`);
			}
		} catch (error) {
			await shot(`NO-ACTION-${displayName.replace(/\W+/g, '-').toLowerCase()}`);
			throw error;
		}
		if (!(await ndv.isVisible())) {
			await shot(`${displayName.replace(/\W+/g, '-').toLowerCase()}-actions`);
			await actionItem.click();
		}
		await ndv.waitFor({ timeout: 15_000 });
	}

	/** Opens "What happens next?" from the free output handle (+) of the last node added. */
	async function openNextStepPanel(): Promise<void> {
		await page.locator('[data-test-id="canvas-handle-plus"]').last().click();
		await searchBar().waitFor();
	}

	async function closeNdv(): Promise<void> {
		await page.locator('[data-test-id="ndv-close-button"]').first().click();
		await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
	}

	const mapperTexts = async () =>
		(await page.locator('[data-test-id="resource-mapper-container"]').first().innerText()).replace(
			/\s+/g,
			' ',
		);

	it(
		'a new user finds each node by its name and two aliases in the nodes panel and adds it from the result; the Dify node loads the app inputs and follows the credential',
		async () => {
			const id = await e2e.importWorkflow({
				name: 'editor: a new user',
				nodes: [],
				connections: {},
			});
			await page.goto(`${e2e.server.url}/workflow/${id}`, NAVIGATION);
			await page.locator('[data-test-id="canvas-add-button"]').first().waitFor({ timeout: 90_000 });
			await shot('empty-canvas');

			// "What triggers this workflow?": the trigger, by name and two aliases. n8n lists a node and
			// its "<name> Trigger" as one entry named after the node, with the trigger's description.
			await page.locator('[data-test-id="canvas-add-button"]').first().click();
			await searchBar().waitFor();
			await searchFinds(
				'FlowGen',
				['FlowGen Trigger', 'multi-agent', 'human in the loop'],
				'trigger',
			);
			// The Dify Trigger, listed with the Dify node as one "Dify" entry in the same way.
			await searchFinds('Dify', ['Dify Trigger', 'MoLook', 'workflow failed'], 'dify-trigger');
			await searchBar().fill('FlowGen');
			await addFromResult('FlowGen', /waiting for human input/i);
			await shot('trigger-added');
			await closeNdv();

			// "What happens next?": FlowGen and Dify, by name and two aliases each.
			await openNextStepPanel();
			await searchFinds('FlowGen', ['FlowGen', 'AutoGen', 'multi-agent'], 'flowgen');
			await addFromResult('FlowGen', /^Send a message$/);
			await shot('flowgen-added');
			await closeNdv();

			await openNextStepPanel();
			await searchFinds('Dify Knowledge', ['Dify Knowledge', 'knowledge base', 'vector store'], 'knowledge');
			await searchFinds('Dify', ['Dify', 'MoLook', 'LLM app'], 'dify');
			await addFromResult('Dify', /^Send a chat message$/);

			// Chat Message -> Send on first open: the inputs of the app of the credential n8n picked,
			// or (when the editor asked before picking it) the notice that says to click Retry.
			const chatApp = ['Your name', 'Language'];
			const textApp = ['Topic', 'Tone'];
			const mapper = page.locator('[data-test-id="resource-mapper-container"]').first();
			await mapper.waitFor({ timeout: 30_000 });
			const showsFields = async (labels: string[]) =>
				(await mapper.getByText(labels[0], { exact: true }).count()) > 0;
			const notice = page.locator('[data-test-id="empty-fields-notice"]');
			await until(
				async () =>
					(await showsFields(chatApp)) ||
					(await showsFields(textApp)) ||
					(await notice.count()) > 0,
				30_000,
			);
			await shot('dify-first-open');
			if (!(await showsFields(chatApp)) && !(await showsFields(textApp))) {
				firstOpen = 'notice';
				expect(await notice.innerText()).toContain(
					'Choose the credential of the app above, then click Retry',
				);
				await mapper.getByText('Retry', { exact: true }).first().click();
				await until(
					async () => (await showsFields(chatApp)) || (await showsFields(textApp)),
					30_000,
				);
				await shot('dify-after-retry');
			} else firstOpen = 'fields';
			const first = (await showsFields(chatApp)) ? chatApp : textApp;
			const other = first === chatApp ? textApp : chatApp;
			const otherCredential =
				first === chatApp ? e2e.credentials.difyText.name : e2e.credentials.difyChat.name;
			for (const label of first) await mapper.getByText(label, { exact: true }).first().waitFor();

			// Switch the credential, reopen the node: the other app's inputs.
			await page.locator('[data-test-id="node-credentials-select"]').first().click();
			await page.getByText(otherCredential, { exact: true }).last().click();
			await shot('dify-credential-switched');
			await closeNdv();
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${ADDED_DIFY}"]`).dblclick();
			await page.locator('[data-test-id="ndv"]').waitFor();
			await until(async () => await showsFields(other), 30_000);
			for (const label of other) await mapper.getByText(label, { exact: true }).first().waitFor();
			await shot('dify-other-app-inputs');
			expect(await showsFields(first)).toBe(false);
			// The canvas shows display names.
			await closeNdv();
			const dify = page.locator(`[data-test-id="canvas-node"][data-node-name="${ADDED_DIFY}"]`);
			await dify
				.getByText('Chat Message: Send', { exact: true })
				.first()
				.waitFor({ timeout: 10_000 });
			await shot('canvas-subtitles');
		},
		E2E_TIMEOUT_MS,
	);

	it(
		'a credential without /v1: the mapper says why; a wrong key: the credential test says what is wrong',
		async () => {
			const noV1 = await createCredential('Dify (no /v1)', {
				apiKey: DIFY_KEYS.chat,
				baseUrl: e2e.sandbox.difyBaseUrl.replace(/\/v1$/, ''),
			});
			const id = await e2e.importWorkflow(
				difyWorkflow(
					'editor: no /v1',
					{ query: 'Hello', conversationMode: 'new', inputsMode: 'mapped' },
					e2e,
					noV1,
				),
			);
			await openNode(id, 'Dify');
			const notice = page.locator('[data-test-id="empty-fields-notice"]').first();
			await notice.waitFor({ timeout: 30_000 });
			expect((await notice.innerText()).replace(/\s+/g, ' ')).toContain(
				"Check the Base URL in the credential: it is the Service API address from the app's API Access page and ends with /v1",
			);
			await shot('dify-no-v1-notice');
			expect(await mapperTexts()).toContain('No app inputs to show.');

			const wrongKey = await createCredential('Dify (wrong key)', {
				apiKey: `${DIFY_KEYS.chat}-revoked`,
				baseUrl: e2e.sandbox.difyBaseUrl,
			});
			const other = await e2e.importWorkflow(
				difyWorkflow(
					'editor: wrong key',
					{ query: 'Hello', conversationMode: 'new', inputsMode: 'json' },
					e2e,
					wrongKey,
				),
			);
			await openNode(other, 'Dify');
			await page.locator('[data-test-id="node-credentials-select"]').first().hover();
			await page.locator('[data-test-id="credential-edit-button"]').first().click();
			const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
			await dialog.waitFor();
			const message = 'Dify did not accept this API Key (401).';
			// n8n tests a saved credential when its dialog opens; the reason is under "More details".
			await dialog.getByText('More details', { exact: true }).first().click();
			try {
				await dialog.getByText(message).first().waitFor({ timeout: 60_000 });
			} catch (error) {
				await shot('credential-test-NOT-SHOWN');
				throw error;
			}
			await shot('credential-test-wrong-key');
			await page.keyboard.press('Escape');
		},
		E2E_TIMEOUT_MS,
	);

	it(
		'Fetch Test Event with no waiting chat: n8n says no data was found, no error',
		async () => {
			const id = await e2e.importWorkflow({
				name: 'editor: fetch test event',
				nodes: [
					{
						id: '7a000000-0000-4000-8000-000000000011',
						name: 'FlowGen Trigger',
						type: `${PACKAGE_NAME}.flowGenTrigger`,
						typeVersion: 1,
						position: [0, 0],
						parameters: { events: ['waitingForInput'] },
						credentials: { flowGenApi: e2e.credentials.flowGen },
					},
				],
				connections: {},
			});
			await openNode(id, 'FlowGen Trigger');
			await shot('trigger-panel');
			// A click made while the panel still settles can be lost (seen once in a fresh clone):
			// click again when no poll reached the sandbox.
			const polls = () => e2e.sandbox.server.requests.filter((r) => r.route === '/chats').length;
			const before = polls();
			const toast = page.getByText('No FlowGen data found', { exact: false }).first();
			for (let attempt = 0; attempt < 3 && polls() === before; attempt++) {
				await page.locator('[data-test-id="trigger-execute-button"]').first().click();
				await until(async () => polls() > before, 10_000).catch(() => undefined);
			}
			await toast.waitFor({ timeout: 30_000 });
			await shot('fetch-test-event-nothing');
			expect(await page.getByText('Problem in node', { exact: false }).count()).toBe(0);
		},
		E2E_TIMEOUT_MS,
	);

	it('stayed on loopback, with no console error or failed request from this package', () => {
		// Two requests n8n's own editor makes about a community package, not made by the package:
		// - its details on the npm registry when its node is added from the nodes panel (the route
		//   above aborts it, so the browser logs it as failed);
		// - optional output schemas (`/schemas/<node type>/<version>...json`, its schema preview)
		//   that a package may ship; this one ships none, so they answer 404.
		const editorLookup = `https://registry.npmjs.org/${PACKAGE_NAME}`;
		const byTheEditor = (line: string) =>
			line.endsWith(`@ ${editorLookup}`) ||
			/^(404 |Failed to load resource: the server responded with a status of 404 \(Not Found\) @ )\S+\/schemas\/n8n-nodes-dify-flowgen\.\S+\.json$/.test(
				line,
			);
		expect(offline.filter((url) => url !== editorLookup)).toEqual([]);
		const ours = (line: string) =>
			(/dify|flowgen/i.test(line) || line.includes(PACKAGE_NAME)) && !byTheEditor(line);
		expect(failedRequests.filter(ours)).toEqual([]);
		expect(consoleErrors.filter(ours)).toEqual([]);
	});
});
