import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

/**
 * The request options with the credential's headers, sent only where the Base URL points: never
 * follow a redirect with the key (n8n would resend it to any host; the nodes follow same-origin
 * ones themselves, the credential test follows none), and drop userinfo from a Base URL (it would
 * replace the key with Basic auth).
 */
export function keyOnlyToItsOrigin(
	requestOptions: IHttpRequestOptions,
	headers: IDataObject,
): IHttpRequestOptions {
	return {
		...requestOptions,
		headers,
		disableFollowRedirect: true,
		url: withoutUserinfo(requestOptions.url),
		...(requestOptions.baseURL ? { baseURL: withoutUserinfo(requestOptions.baseURL) } : {}),
	};
}

function withoutUserinfo(url: string): string {
	return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
}
