/** One parsed SSE frame: the `event:` name and the raw `data:` text. */
export interface Frame {
  event: string | undefined;
  data: string;
}

/** Splits an SSE body into frames (test helper; the provider uses the SDK's parser). */
export function parseSse(body: string): Frame[] {
  return body
    .split("\n\n")
    .filter((chunk) => chunk.trim() !== "")
    .map((chunk) => {
      let event: string | undefined;
      const data: string[] = [];
      for (const line of chunk.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      return { event, data: data.join("\n") };
    });
}

/** Parses every frame's data as JSON. */
export function sseJson(body: string): Array<{ event: string | undefined; data: Record<string, unknown> }> {
  return parseSse(body).map((f) => ({ event: f.event, data: JSON.parse(f.data) as Record<string, unknown> }));
}

/** POSTs a Messages API body to the server. */
export function postMessages(
  baseUrl: string,
  body: Record<string, unknown>,
  init: { path?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${baseUrl}${init.path ?? "/v1/messages"}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": "test-key",
      "anthropic-version": "2023-06-01",
    },
    body: JSON.stringify(body),
    signal: init.signal,
  });
}
