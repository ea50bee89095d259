/**
 * The canvas subtitles, evaluated by n8n-workflow's expression engine as the editor does
 * (NodeHelpers.getNodeSubtitle evaluates the node type's `subtitle` with the node's parameters).
 */
import { Workflow, type INode, type INodeTypeDescription } from 'n8n-workflow';

import { loadPackage } from '../harness';

async function subtitleOf(type: string, parameters: INode['parameters']): Promise<unknown> {
	const pkg = await loadPackage();
	const name = pkg.typeName(type);
	const description = pkg.nodeTypes.getByNameAndVersion(name, 1).description as INodeTypeDescription;
	const node: INode = {
		id: 'n1',
		name: 'Node',
		type: name,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: pkg.nodeTypes,
	});
	return workflow.expression.getSimpleParameterValue(node, description.subtitle!, 'internal', {});
}

test.each([
	['dify', { resource: 'chatMessage', operation: 'send' }, 'Chat Message: Send'],
	['dify', { resource: 'completion', operation: 'create' }, 'Completion: Create'],
	['dify', { resource: 'message', operation: 'getMany' }, 'Message: Get Many'],
	['flowGen', { resource: 'humanInput', operation: 'send' }, 'Human Input: Send'],
	['flowGen', { resource: 'chat', operation: 'getAll' }, 'Chat: Get Many'],
	['flowGenTrigger', { events: ['waitingForInput'] }, 'Chat Waiting for Human Input'],
	['flowGenTrigger', { events: ['completed', 'failedOrAborted'] }, 'Chat Completed, Chat Failed or Aborted'],
])('%s %j: the subtitle shows display names: "%s"', async (type, parameters, expected) => {
	await expect(subtitleOf(type, parameters)).resolves.toBe(expected);
});
