/**
 * Whether a Dify app takes the `files` of a request, read from its GET /parameters in the shapes
 * real servers answer: 1.14.2's (dify-real-1.14.2) and the older documented image-only one.
 */
import { fileUploadEnabled } from '../../nodes/Dify/helpers/files';

describe('fileUploadEnabled', () => {
	test("1.14.2: the block's own `enabled` (parameters_chat.json), whatever its image part says", () => {
		const off = { enabled: false, allowed_file_types: ['image'], image: { enabled: false, number_limits: 3 } };
		expect(fileUploadEnabled({ file_upload: off })).toBe(false);
		expect(fileUploadEnabled({ file_upload: { ...off, enabled: true } })).toBe(true);
		expect(fileUploadEnabled({ file_upload: { enabled: false, image: { enabled: true } } })).toBe(false);
	});

	test('1.14.2: `{}` for an app that never set file upload up (parameters_chatreq.json)', () => {
		expect(fileUploadEnabled({ file_upload: {} })).toBe(false);
	});

	test("the older documented shape: only the image part's `enabled`", () => {
		const image = { number_limits: 3, detail: 'high', transfer_methods: ['remote_url', 'local_file'] };
		expect(fileUploadEnabled({ file_upload: { image: { ...image, enabled: true } } })).toBe(true);
		expect(fileUploadEnabled({ file_upload: { image: { ...image, enabled: false } } })).toBe(false);
	});

	test('unknown when the answer does not say', () => {
		expect(fileUploadEnabled({})).toBeUndefined();
		expect(fileUploadEnabled(null)).toBeUndefined();
		expect(fileUploadEnabled({ file_upload: { something: 1 } })).toBeUndefined();
		expect(fileUploadEnabled({ file_upload: [] })).toBeUndefined();
	});
});
