/**
 * The sandbox's Dify apps: one per mode, plus a disabled one. Keys look like real Dify app keys
 * (`app-` followed by 24 letters/digits).
 */

export type AppMode = 'completion' | 'chat' | 'agent-chat' | 'advanced-chat' | 'workflow';

export const DIFY_KEYS = {
	// Random-looking like real keys (Dify's generate_api_key: 24 letters and digits), not words:
	// the secrets scan flags any 8 characters of a key, so a key like `app-sbxWorkflow000...`
	// would be "leaked" by every `Workflow` or `00000000` in an answer.
	completion: 'app-G7kDuWzMwmNRHQr6ebDKXogc',
	chat: 'app-gV7x8jssdZEEfe5CR2IWAmpf',
	agentChat: 'app-Fx0LhBUSHkhZ7IAieQD58o13',
	advancedChat: 'app-93th8Yh79k7UshlJROJ3NWag',
	workflow: 'app-O1Fl00wTNDnUStkwhW6USjAG',
	/** A valid key whose app has its API service disabled: every call gets 403 `forbidden`. */
	disabled: 'app-3UuDhfEclhJgjFi28w2Ewi4C',
	/** The recorded `chatreq` chatflow: a required input checked on every turn. */
	chatReq: 'app-Qe4Rp2vYt8LwZb6NcJx0HsKd',
} as const;

export type DifyAppName = keyof typeof DIFY_KEYS;

/** Fixed workflow ids (advanced-chat and workflow apps), for `workflow_id` pinning tests. */
export const DIFY_WORKFLOW_IDS = {
	advancedChat: {
		latest: '5b0c6f3e-8f5e-4d6a-9a51-0a1b2c3d4e01',
		previous: '5b0c6f3e-8f5e-4d6a-9a51-0a1b2c3d4e02',
		draft: '5b0c6f3e-8f5e-4d6a-9a51-0a1b2c3d4e03',
	},
	workflow: {
		latest: '7d2e8a41-1c3b-4f5d-8e6f-7a8b9c0d1e01',
		previous: '7d2e8a41-1c3b-4f5d-8e6f-7a8b9c0d1e02',
		draft: '7d2e8a41-1c3b-4f5d-8e6f-7a8b9c0d1e03',
	},
} as const;

export const TENANT_ID = '3f1e9c2a-6b7d-4e8f-9a0b-1c2d3e4f5a6b';

export type InputControl =
	| {
			type: 'text-input' | 'paragraph';
			variable: string;
			label: string;
			required: boolean;
			default: string;
			max_length?: number;
	  }
	| {
			type: 'select';
			variable: string;
			label: string;
			required: boolean;
			default: string;
			options: string[];
	  }
	| { type: 'number'; variable: string; label: string; required: boolean; default: string }
	| {
			type: 'file' | 'file-list';
			variable: string;
			label: string;
			required: boolean;
			allowed_file_types: string[];
			allowed_file_extensions: string[];
			allowed_file_upload_methods: string[];
			max_length?: number;
	  };

export interface AppDef {
	name: DifyAppName;
	key: string;
	id: string;
	mode: AppMode;
	title: string;
	description: string;
	tags: string[];
	openingStatement: string;
	suggestedQuestions: string[];
	/** Default for "suggested questions after answer" (a knob can change it). */
	suggestedAfterAnswer: boolean;
	retrieverResource: boolean;
	/** speech_to_text / text_to_speech features (POST /audio-to-text, /text-to-audio). */
	audio?: boolean;
	form: InputControl[];
	/** The conversation variables every new conversation starts with (default: memo, turns). */
	conversationVariables?: Array<{ name: string; value_type: 'string' | 'number'; value: unknown; description: string }>;
	disabled?: boolean;
}

const text = (variable: string, label: string, required: boolean, max_length: number) =>
	({ type: 'text-input', variable, label, required, default: '', max_length }) as const;

export const APPS: AppDef[] = [
	{
		name: 'completion',
		key: DIFY_KEYS.completion,
		id: 'a1000000-0000-4000-8000-000000000001',
		mode: 'completion',
		title: 'Sandbox Writer',
		description: 'Text generator: drafts a sentence about a topic.',
		tags: ['sandbox', 'writing'],
		openingStatement: '',
		suggestedQuestions: [],
		suggestedAfterAnswer: false,
		retrieverResource: false,
		form: [
			text('topic', 'Topic', true, 48),
			{
				type: 'select',
				variable: 'tone',
				label: 'Tone',
				required: false,
				default: 'neutral',
				options: ['neutral', 'friendly', 'formal'],
			},
			{
				type: 'paragraph',
				variable: 'details',
				label: 'Details',
				required: false,
				default: '',
				max_length: 1000,
			},
			{ type: 'number', variable: 'words', label: 'Word budget', required: false, default: '' },
		],
	},
	{
		name: 'chat',
		key: DIFY_KEYS.chat,
		id: 'a1000000-0000-4000-8000-000000000002',
		mode: 'chat',
		title: 'Sandbox Chat',
		description: 'Chatbot that echoes the query.',
		tags: ['sandbox'],
		openingStatement: 'Hello! I echo whatever you say.',
		suggestedQuestions: ['What can you do?', 'Say something nice.'],
		suggestedAfterAnswer: true,
		retrieverResource: true,
		audio: true,
		form: [
			text('name', 'Your name', false, 32),
			{
				type: 'select',
				variable: 'language',
				label: 'Language',
				required: false,
				default: 'English',
				options: ['English', 'Deutsch', '日本語'],
			},
		],
	},
	{
		name: 'agentChat',
		key: DIFY_KEYS.agentChat,
		id: 'a1000000-0000-4000-8000-000000000003',
		mode: 'agent-chat',
		title: 'Sandbox Agent',
		description: 'Agent that calls a search tool, then answers.',
		tags: ['sandbox', 'agent'],
		openingStatement: 'I am an agent with a search tool.',
		suggestedQuestions: [],
		suggestedAfterAnswer: false,
		retrieverResource: false,
		form: [text('location', 'Location', false, 64)],
	},
	{
		name: 'advancedChat',
		key: DIFY_KEYS.advancedChat,
		id: 'a1000000-0000-4000-8000-000000000004',
		mode: 'advanced-chat',
		title: 'Sandbox Chatflow',
		description: 'Chatflow: start -> LLM -> answer.',
		tags: ['sandbox', 'chatflow'],
		openingStatement: 'Chatflow ready.',
		suggestedQuestions: ['Who are you?'],
		suggestedAfterAnswer: true,
		retrieverResource: false,
		form: [
			{
				type: 'select',
				variable: 'persona',
				label: 'Persona',
				required: true,
				default: 'plain',
				options: ['plain', 'pirate'],
			},
			{
				type: 'paragraph',
				variable: 'context',
				label: 'Context',
				required: false,
				default: '',
				max_length: 2000,
			},
		],
	},
	{
		name: 'workflow',
		key: DIFY_KEYS.workflow,
		id: 'a1000000-0000-4000-8000-000000000005',
		mode: 'workflow',
		title: 'Sandbox Workflow',
		description: 'Workflow: start -> template -> end.',
		tags: ['sandbox', 'workflow'],
		openingStatement: '',
		suggestedQuestions: [],
		suggestedAfterAnswer: false,
		retrieverResource: false,
		form: [
			text('text', 'Text', true, 200),
			{ type: 'number', variable: 'repeat', label: 'Repeat', required: false, default: '' },
			{
				type: 'file',
				variable: 'document',
				label: 'Document',
				required: false,
				allowed_file_types: ['document'],
				allowed_file_extensions: [],
				allowed_file_upload_methods: ['local_file', 'remote_url'],
			},
		],
	},
	{
		name: 'disabled',
		key: DIFY_KEYS.disabled,
		id: 'a1000000-0000-4000-8000-000000000006',
		mode: 'chat',
		title: 'Sandbox Disabled',
		description: 'An app whose API service is disabled.',
		tags: [],
		openingStatement: '',
		suggestedQuestions: [],
		suggestedAfterAnswer: false,
		retrieverResource: false,
		form: [],
		disabled: true,
	},
	{
		// The `chatreq` app of dify-real-1.14.2 (parameters_chatreq.json, conv_variables.json):
		// Start (required text-input `name`, max 48; optional select `tone`) -> Answer
		// `Hi {{name}}: {{sys.query}} ({{topic}})`, conversation variable `topic` = "initial".
		name: 'chatReq',
		key: DIFY_KEYS.chatReq,
		id: 'a1000000-0000-4000-8000-000000000007',
		mode: 'advanced-chat',
		title: 'Sandbox Chatflow With Required Input',
		description: 'Chatflow: start (required name) -> answer.',
		tags: ['sandbox', 'chatflow'],
		openingStatement: '',
		suggestedQuestions: [],
		suggestedAfterAnswer: false,
		retrieverResource: false,
		form: [
			{ type: 'text-input', variable: 'name', label: 'name', required: true, default: '', max_length: 48 },
			{
				type: 'select',
				variable: 'tone',
				label: 'tone',
				required: false,
				default: '',
				options: ['neutral', 'friendly'],
			},
		],
		conversationVariables: [
			{ name: 'topic', value_type: 'string', value: 'initial', description: 'a conv var' },
		],
	},
];

export function appByKey(key: string | undefined): AppDef | undefined {
	return APPS.find((a) => a.key === key);
}

/** `user_input_form` as `/parameters` returns it: a list of single-key objects. */
export function userInputForm(app: AppDef): Array<Record<string, unknown>> {
	return app.form.map(({ type, ...rest }) => ({ [type]: rest }));
}

export function parametersOf(app: AppDef, suggestedAfterAnswer: boolean): Record<string, unknown> {
	const chatLike = app.mode !== 'completion' && app.mode !== 'workflow';
	return {
		opening_statement: app.openingStatement,
		suggested_questions: app.suggestedQuestions,
		suggested_questions_after_answer: { enabled: suggestedAfterAnswer },
		speech_to_text: { enabled: !!app.audio },
		text_to_speech: {
			enabled: !!app.audio,
			voice: 'alloy',
			language: 'en-US',
			autoPlay: 'disabled',
		},
		retriever_resource: { enabled: app.retrieverResource },
		annotation_reply: { enabled: false },
		more_like_this: { enabled: app.mode === 'completion' },
		sensitive_word_avoidance: { enabled: false, type: '', configs: [] },
		user_input_form: userInputForm(app),
		file_upload: {
			image: {
				enabled: chatLike || app.mode === 'completion',
				number_limits: 3,
				detail: 'high',
				transfer_methods: ['remote_url', 'local_file'],
			},
		},
		system_parameters: {
			file_size_limit: 15,
			image_file_size_limit: 10,
			audio_file_size_limit: 50,
			video_file_size_limit: 100,
			workflow_file_upload_limit: 10,
		},
	};
}

export function infoOf(app: AppDef): Record<string, unknown> {
	return {
		name: app.title,
		description: app.description,
		tags: app.tags,
		mode: app.mode,
		author_name: 'Sandbox Author',
	};
}
