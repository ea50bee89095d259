import type { INodeProperties } from 'n8n-workflow';

import * as getAppFeedbacks from './getAppFeedbacks.operation';
import * as getMany from './getMany.operation';
import * as sendFeedback from './sendFeedback.operation';

export { getAppFeedbacks, getMany, sendFeedback };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Get App Feedbacks',
				value: 'getAppFeedbacks',
				action: 'Get app feedbacks',
				description: "List the likes and dislikes given to the app's answers, newest first",
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many messages',
				description: "Read a conversation's history, oldest message first",
			},
			{
				name: 'Send Feedback',
				value: 'sendFeedback',
				action: 'Send feedback on a message',
				description: 'Like or dislike an answer, or take the feedback back',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...sendFeedback.description,
	...getAppFeedbacks.description,
];
