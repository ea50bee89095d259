/**
 * The package loads in the real n8n as a community package: every node the built package declares
 * is a node type `n8n-nodes-dify-flowgen.<name>`, every credential type exists, and a Dify node runs
 * through `n8n execute` against the sandbox. On every n8n of the version matrix: the pinned 2.41.1,
 * the oldest 2.x and the last 1.x the README claims (scripts/n8n/matrix.json), each on its Node.
 */
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
import fs from 'node:fs';
import path from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';

import {
	describeE2E,
	E2E_TIMEOUT_MS,
	N8N_TARGETS,
	PACKAGE_NAME,
	startE2E,
	targetLabel,
	type E2E,
	type N8nTarget,
} from './n8n';

for (const target of N8N_TARGETS) describePackageLoads(target);

function describePackageLoads(target: N8nTarget): void {
	describeE2E(
		`real n8n (${targetLabel(target)}): the package loads as a community package`,
		() => {
			let e2e: E2E;
			let declaredNodes: string[];
			let declaredCredentials: string[];

			beforeAll(async () => {
				e2e = await startE2E(`package-loads-${target.version}`, target);
				// The nodes the installed tarball declares: its n8n entries are this build's, whose node
				// names n8n's own loader reads. (The installed copy sits outside this repo, where jest
				// cannot resolve its n8n-workflow peer.)
				const installed = JSON.parse(
					fs.readFileSync(path.join(e2e.packageDir, 'package.json'), 'utf8'),
				) as { n8n: { nodes: string[] } };
				const root = path.resolve(__dirname, '../..');
				const built = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
					n8n: { nodes: string[] };
				};
				expect(installed.n8n.nodes).toEqual(built.n8n.nodes);
				const loader = new PackageDirectoryLoader(root);
				await loader.loadAll();
				declaredNodes = Object.keys(loader.nodeTypes);
				declaredCredentials = Object.keys(loader.credentialTypes);
			}, E2E_TIMEOUT_MS);

			afterAll(async () => {
				await e2e?.stop();
			}, 60_000);

			it('lists every node of the package as n8n-nodes-dify-flowgen.<node>', async () => {
				const names = await e2e.session.nodeTypeNames();
				expect(declaredNodes).toEqual(
					expect.arrayContaining(['dify', 'flowGen', 'flowGenTrigger']),
				);
				for (const node of declaredNodes) expect(names).toContain(`${PACKAGE_NAME}.${node}`);
				// usableAsTool nodes get a Tool variant for AI agents; triggers do not.
				expect(names).toEqual(
					expect.arrayContaining([`${PACKAGE_NAME}.difyTool`, `${PACKAGE_NAME}.flowGenTool`]),
				);
				expect(names).not.toContain(`${PACKAGE_NAME}.flowGenTriggerTool`);
			});

			it('knows every credential type of the package', async () => {
				const names = await e2e.session.credentialTypeNames();
				expect(declaredCredentials.sort()).toEqual(['difyApi', 'difyKnowledgeApi', 'flowGenApi']);
				expect(names).toEqual(expect.arrayContaining(declaredCredentials));
			});

			it(
				'runs a Dify chat message through `n8n execute` against the sandbox',
				async () => {
					const id = await e2e.importWorkflow({
						name: 'e2e: Dify chat message',
						nodes: [
							{
								id: '00000000-0000-4000-8000-000000000001',
								name: 'Start',
								type: 'n8n-nodes-base.manualTrigger',
								typeVersion: 1,
								position: [0, 0],
								parameters: {},
							},
							{
								id: '00000000-0000-4000-8000-000000000002',
								name: 'Dify',
								type: `${PACKAGE_NAME}.dify`,
								typeVersion: 1,
								position: [220, 0],
								parameters: {
									resource: 'chatMessage',
									operation: 'send',
									query: 'Hello from real n8n',
									user: 'e2e-user',
								},
								credentials: { difyApi: e2e.credentials.difyChat },
							},
						],
						connections: { Start: { main: [[{ node: 'Dify', type: 'main', index: 0 }]] } },
					});
					const result = await e2e.execute(id);
					expect(result.run.data.resultData.error).toBeUndefined();
					const [item] = result.output('Dify');
					expect(item.answer).toBe('Echo: Hello from real n8n');
					expect(typeof item.conversation_id).toBe('string');
					const calls = e2e.sandbox.server.requests.filter(
						(r) => r.service === 'dify' && r.method === 'POST',
					);
					expect(calls.map((r) => r.route)).toContain('/chat-messages');
				},
				E2E_TIMEOUT_MS,
			);
		},
		target,
	);
}
