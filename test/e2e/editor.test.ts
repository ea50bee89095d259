/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
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
	getByText(text: string): Locator;
	first(): Locator;
	waitFor(options?: { timeout?: number }): Promise<void>;
	click(): Promise<void>;
	dblclick(): Promise<void>;
	fill(value: string): Promise<void>;
	inputValue(): Promise<string>;
	count(): Promise<number>;
}
interface Page extends Pick<Locator, 'locator' | 'getByText'> {
	goto(url: string): Promise<unknown>;
	screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
	on(
		event: 'console',
		fn: (m: { type(): string; text(): string; location(): { url: string } }) => void,
	): void;
	on(event: 'pageerror', fn: (e: Error) => void): void;
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

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

function difyWorkflow(name: string, parameters: Record<string, unknown>, e2e: E2E): WorkflowJson {
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
				credentials: { difyApi: e2e.credentials.difyChat },
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
		page.on('pageerror', (error) =>
			consoleErrors.push(`pageerror: ${error.message}\n${error.stack}`),
		);
		page.on('response', (response) => {
			if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
		});
	}, E2E_TIMEOUT_MS);

	afterAll(async () => {
		await context?.close();
		await e2e?.stop();
	}, 60_000);

	async function openNode(workflowId: string, nodeName: string): Promise<void> {
		await page.goto(`${e2e.server.url}/workflow/${workflowId}`);
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

	it('stayed on loopback, with no console error or failed request from this package', () => {
		expect(offline).toEqual([]);
		const ours = (line: string) => /dify|flowgen/i.test(line) || line.includes(PACKAGE_NAME);
		expect(failedRequests.filter(ours)).toEqual([]);
		expect(consoleErrors.filter(ours)).toEqual([]);
	});
});
