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
	/** The recorded workflow: Start (required `query`) -> End; with `#pause` the recorded Human Input app. */
	echoWorkflow: 'app-Owp2CETgr3uU1LwvaWPvGVjl',
	/** The recorded chat app: a chatflow Start -> Answer `prefix{{sys.query}}suffix`, no inputs, file upload off. */
	echoChatflow: 'app-TXfAP5MuKmH7Rdv510Jru8Aj',
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

/** `default` is left out when the app sets none, as Dify 1.14.2 does (parameters_wf.json). */
export type InputControl =
	| {
			type: 'text-input' | 'paragraph';
			variable: string;
			label: string;
			required: boolean;
			default?: string;
			max_length?: number;
	  }
	| {
			type: 'select';
			variable: string;
			label: string;
			required: boolean;
			default?: string;
			options: string[];
	  }
	| { type: 'number'; variable: string; label: string; required: boolean; default?: string }
	| { type: 'checkbox'; variable: string; label: string; required: boolean; default?: boolean }
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

/** The app's file upload feature: the `files` of a message or run. */
export interface FileUploadFeature {
	/** Off: Dify drops the `files` of a request without a word (chat_with_exe_file.txt). */
	enabled: boolean;
	allowed_file_types: string[];
	allowed_file_extensions: string[];
	allowed_file_upload_methods: string[];
	number_limits: number;
}

/** What Dify 1.14.2 stores for an app whose file upload was never turned on (parameters_wf.json, parameters_chat.json). */
const UPLOAD_OFF: FileUploadFeature = {
	enabled: false,
	allowed_file_types: ['image'],
	allowed_file_extensions: ['.JPG', '.JPEG', '.PNG', '.GIF', '.WEBP', '.SVG'],
	allowed_file_upload_methods: ['local_file', 'remote_url'],
	number_limits: 3,
};

/** File upload on, every file type: the sandbox apps the node's file tests send files to. */
const UPLOAD_ON: FileUploadFeature = {
	enabled: true,
	allowed_file_types: ['image', 'document', 'audio', 'video', 'custom'],
	allowed_file_extensions: [],
	allowed_file_upload_methods: ['local_file', 'remote_url'],
	number_limits: 10,
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
	/** The conversation variables every new conversation of a chatflow starts with (default: none). */
	conversationVariables?: Array<{ name: string; value_type: 'string' | 'number'; value: unknown; description: string }>;
	/** Undefined: the feature was never set up, `/parameters` shows `file_upload: {}` (parameters_chatreq.json). */
	fileUpload?: FileUploadFeature;
	/**
	 * A chatflow's Answer node template (`{{sys.query}}`, `{{<input>}}`, `{{<conversation variable>}}`):
	 * its graph is then Start -> Answer. Without it: Start -> LLM -> Answer.
	 */
	answer?: string;
	/** A workflow's graph: Start -> Template -> End (default) or Start -> End returning the inputs. */
	workflowGraph?: 'template' | 'start-end';
	disabled?: boolean;
}

const text = (variable: string, label: string, required: boolean, max_length: number) =>
	({ type: 'text-input', variable, label, required, max_length }) as const;

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
		fileUpload: UPLOAD_ON,
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
				max_length: 1000,
			},
			{ type: 'number', variable: 'words', label: 'Word budget', required: false },
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
		fileUpload: UPLOAD_ON,
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
		fileUpload: UPLOAD_ON,
		form: [
			text('location', 'Location', false, 64),
			// A checkbox's default is a boolean: what Dify's form editor stores for "Start checked".
			{ type: 'checkbox', variable: 'show_steps', label: 'Show steps', required: false, default: true },
		],
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
		fileUpload: UPLOAD_ON,
		// The conversation variables the node's conversation tests read and update.
		conversationVariables: [
			{ name: 'memo', value_type: 'string', value: '', description: 'Free-form memo' },
			{ name: 'turns', value_type: 'number', value: 0, description: 'Turns so far' },
		],
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
		fileUpload: UPLOAD_ON,
		form: [
			text('text', 'Text', true, 200),
			{ type: 'number', variable: 'repeat', label: 'Repeat', required: false },
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
			{ type: 'text-input', variable: 'name', label: 'name', required: true, max_length: 48 },
			{ type: 'select', variable: 'tone', label: 'tone', required: false, options: ['neutral', 'friendly'] },
		],
		conversationVariables: [
			{ name: 'topic', value_type: 'string', value: 'initial', description: 'a conv var' },
		],
		answer: 'Hi {{name}}: {{sys.query}} ({{topic}})',
	},
	{
		// The workflow of dify-real-1.14.2 (wf_streaming.sse, parameters_wf.json): Start (required
		// `query`, no max length) -> End returning it. With `#pause` in the query it is the recorded
		// Human Input app: Start -> Human Input -> End (hitl_pause.sse, hitl_events_live.sse).
		name: 'echoWorkflow',
		key: DIFY_KEYS.echoWorkflow,
		id: 'a1000000-0000-4000-8000-000000000008',
		mode: 'workflow',
		title: 'Sandbox Echo Workflow',
		description: 'Workflow: start -> end.',
		tags: ['sandbox', 'workflow'],
		openingStatement: '',
		suggestedQuestions: [],
		suggestedAfterAnswer: false,
		retrieverResource: true,
		form: [{ type: 'text-input', variable: 'query', label: 'query', required: true }],
		fileUpload: UPLOAD_OFF,
		workflowGraph: 'start-end',
	},
	{
		// The chat app of dify-real-1.14.2 (chat_streaming.sse, parameters_chat.json,
		// chat_with_exe_file.txt, conv_variables_none.json): a chatflow Start -> Answer
		// `prefix{{sys.query}}suffix`, no inputs, no conversation variables, file upload off.
		name: 'echoChatflow',
		key: DIFY_KEYS.echoChatflow,
		id: 'a1000000-0000-4000-8000-000000000009',
		mode: 'advanced-chat',
		title: 'Sandbox Echo Chatflow',
		description: 'Chatflow: start -> answer.',
		tags: ['sandbox', 'chatflow'],
		openingStatement: '',
		suggestedQuestions: [],
		suggestedAfterAnswer: false,
		retrieverResource: true,
		form: [],
		fileUpload: UPLOAD_OFF,
		answer: 'prefix{{sys.query}}suffix',
	},
];

export function appByKey(key: string | undefined): AppDef | undefined {
	return APPS.find((a) => a.key === key);
}

/**
 * `user_input_form` as `/parameters` returns it: a list of single-key objects, each control
 * holding its `type` too; a text input also `options: []` and `max_length` (null when unset);
 * `default` only when the app sets one (parameters_wf.json, parameters_chatreq.json).
 */
export function userInputForm(app: AppDef): Array<Record<string, unknown>> {
	return app.form.map((c) => ({ [c.type]: formControl(c) }));
}

function formControl(c: InputControl): Record<string, unknown> {
	if (c.type !== 'text-input' && c.type !== 'paragraph') return { ...c };
	return { ...c, max_length: c.max_length ?? null, options: [] };
}

/** The 1.14.2 `file_upload` block (parameters_wf.json), or `{}` when never set up (parameters_chatreq.json). */
function fileUploadBlock(f: FileUploadFeature | undefined): Record<string, unknown> {
	if (!f) return {};
	return {
		allowed_file_extensions: f.allowed_file_extensions,
		allowed_file_types: f.allowed_file_types,
		allowed_file_upload_methods: f.allowed_file_upload_methods,
		enabled: f.enabled,
		fileUploadConfig: {
			audio_file_size_limit: 50,
			batch_count_limit: 5,
			file_size_limit: 15,
			image_file_size_limit: 10,
			video_file_size_limit: 100,
			workflow_file_upload_limit: 10,
		},
		image: {
			enabled: f.enabled && f.allowed_file_types.includes('image'),
			number_limits: f.number_limits,
			transfer_methods: f.allowed_file_upload_methods,
		},
		number_limits: f.number_limits,
	};
}

/** GET /parameters in Dify 1.14.2's shape (parameters_wf.json, parameters_chat.json, parameters_chatreq.json). */
export function parametersOf(app: AppDef, suggestedAfterAnswer: boolean): Record<string, unknown> {
	return {
		opening_statement: app.openingStatement,
		suggested_questions: app.suggestedQuestions,
		suggested_questions_after_answer: { enabled: suggestedAfterAnswer },
		speech_to_text: { enabled: !!app.audio },
		// Off as recorded (parameters_chat.json); on as Dify's docs show it, with `autoPlay`.
		text_to_speech: app.audio
			? { enabled: true, voice: 'alloy', language: 'en-US', autoPlay: 'disabled' }
			: { enabled: false, language: '', voice: '' },
		retriever_resource: { enabled: app.retrieverResource },
		annotation_reply: { enabled: false },
		more_like_this: { enabled: app.mode === 'completion' },
		user_input_form: userInputForm(app),
		sensitive_word_avoidance: { enabled: false },
		file_upload: fileUploadBlock(app.fileUpload),
		system_parameters: {
			image_file_size_limit: 10,
			video_file_size_limit: 100,
			audio_file_size_limit: 50,
			file_size_limit: 15,
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
