/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * The codex files n8n reads for the nodes panel: categories, the aliases users search for, and
 * documentation links that land on a real heading of the README.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

interface Codex {
	node: string;
	categories: string[];
	subcategories: Record<string, string[]>;
	alias: string[];
	resources: Record<string, Array<{ url: string }>>;
}

const codex = (file: string) =>
	JSON.parse(fs.readFileSync(path.join(root, 'nodes', file), 'utf8')) as Codex;

/** GitHub's anchor for each README heading. */
const readmeAnchors = new Set(
	fs
		.readFileSync(path.join(root, 'README.md'), 'utf8')
		.split('\n')
		.filter((line) => /^#{1,4} /.test(line))
		.map((line) =>
			line
				.replace(/^#+ /, '')
				.toLowerCase()
				.replace(/[^a-z0-9 -]/g, '')
				.replace(/ /g, '-'),
		),
);

const CODEX_CASES: Array<[string, string, string[]]> = [
	['Dify/Dify.node.json', 'n8n-nodes-dify-flowgen.dify', ['MoLook', 'LLM app', 'chatbot']],
	['Dify/DifyTrigger.node.json', 'n8n-nodes-dify-flowgen.difyTrigger', ['MoLook', 'feedback', 'workflow failed']],
	['DifyKnowledge/DifyKnowledge.node.json', 'n8n-nodes-dify-flowgen.difyKnowledge', ['knowledge base', 'RAG', 'retrieval']],
	[
		'FlowGen/FlowGen.node.json',
		'n8n-nodes-dify-flowgen.flowGen',
		['AutoGen', 'multi-agent', 'human in the loop'],
	],
	[
		'FlowGen/FlowGenTrigger.node.json',
		'n8n-nodes-dify-flowgen.flowGenTrigger',
		['AutoGen', 'multi-agent', 'human in the loop'],
	],
];

test('every node of package.json has a codex case here', () => {
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	const files = pkg.n8n.nodes.map((n) => n.replace(/^dist\/nodes\//, '').replace(/\.js$/, '.json'));
	expect(CODEX_CASES.map(([file]) => file).sort()).toEqual(files.sort());
});

test.each(CODEX_CASES)(
	'%s: AI category found by the nodes panel search, searchable aliases, documentation links to README headings',
	(file, node, aliases) => {
		const data = codex(file);
		expect(data.node).toBe(node);
		expect(data.categories).toContain('AI');
		// n8n 2.41.1's nodes panel search ("What happens next?", "What triggers this workflow?")
		// leaves out AI nodes whose AI subcategories lack "Root Nodes" (editor-ui node creator
		// filter); n8n's own OpenAI, Anthropic and Gemini nodes carry it.
		expect(data.subcategories.AI).toContain('Root Nodes');
		expect(data.alias).toEqual(expect.arrayContaining(aliases));
		const urls = Object.values(data.resources)
			.flat()
			.map((r) => r.url);
		expect(urls.length).toBeGreaterThanOrEqual(2);
		for (const url of urls) {
			const anchor = new URL(url).hash.slice(1);
			expect(readmeAnchors).toContain(anchor);
		}
	},
);

test('light and dark icons exist and differ', () => {
	for (const name of ['dify', 'flowgen']) {
		const light = fs.readFileSync(path.join(root, 'icons', `${name}.svg`), 'utf8');
		const dark = fs.readFileSync(path.join(root, 'icons', `${name}.dark.svg`), 'utf8');
		expect(light).toMatch(/^<svg /);
		expect(dark).toMatch(/^<svg /);
		expect(dark).not.toBe(light);
	}
});
