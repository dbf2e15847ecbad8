// The baseline: what a careful developer writes by hand with fetch and a minimal SSE
// parser, doing the same work as Arky's native loop (stream, accumulate, run tools, loop).

const decoder = new TextDecoder();

async function* sseEvents(body) {
  let buffer = "";
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const dataLine = frame.split("\n").find((l) => l.startsWith("data:"));
      if (dataLine) yield JSON.parse(dataLine.slice(5));
      end = buffer.indexOf("\n\n");
    }
  }
}

/** Runs one conversation turn to completion; returns { deltas, text }. */
export async function rawTurn(baseUrl, prompt, tools) {
  const messages = [{ role: "user", content: prompt }];
  let deltas = 0;
  for (;;) {
    const response = await fetch(`${baseUrl}/v1/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-api-key": "bench",
        "anthropic-version": "2023-06-01",
      },
      body: JSON.stringify({
        model: "claude-sonnet-5-5",
        max_tokens: 4096,
        stream: true,
        messages,
        tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.schema })),
      }),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const blocks = [];
    let stop = "end_turn";
    for await (const event of sseEvents(response.body)) {
      if (event.type === "content_block_start") {
        blocks[event.index] = { ...event.content_block, json: "" };
      } else if (event.type === "content_block_delta") {
        const block = blocks[event.index];
        deltas++;
        if (event.delta.type === "text_delta") block.text += event.delta.text;
        else if (event.delta.type === "input_json_delta") block.json += event.delta.partial_json;
      } else if (event.type === "message_delta") {
        stop = event.delta.stop_reason ?? stop;
      }
    }
    const content = blocks.map((b) =>
      b.type === "tool_use"
        ? { type: "tool_use", id: b.id, name: b.name, input: JSON.parse(b.json || "{}") }
        : { type: "text", text: b.text },
    );
    messages.push({ role: "assistant", content });
    const calls = content.filter((b) => b.type === "tool_use");
    if (stop !== "tool_use" || calls.length === 0)
      return { deltas, text: content.map((b) => b.text ?? "").join("") };
    const results = [];
    for (const call of calls) {
      const tool = tools.find((t) => t.name === call.name);
      results.push({
        type: "tool_result",
        tool_use_id: call.id,
        content: String(await tool.run(call.input)),
      });
    }
    messages.push({ role: "user", content: results });
  }
}
