import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";

/**
 * An MCP SDK `Transport` for a server whose client's messages arrive one by one over
 * another protocol, each waiting for its answer (Claude Code's `mcp_message` control
 * requests): {@link deliver} hands a message to the server and resolves with the
 * response `send` produces for it. Messages the server starts itself (notifications,
 * requests to the client) have no way back and are dropped.
 */
export class ReplyTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #pending = new Map<RequestId, (message: JSONRPCMessage) => void>();

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.#pending.clear();
    this.onclose?.();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!("id" in message) || "method" in message || message.id === undefined) return;
    const answer = this.#pending.get(message.id);
    this.#pending.delete(message.id);
    answer?.(message);
  }

  /**
   * Delivers one client message. Resolves with the server's response to a request,
   * undefined for a notification. `signal` cancels a request: the server gets
   * `notifications/cancelled` and the answer is a `-32800` error.
   */
  deliver(raw: unknown, signal?: AbortSignal): Promise<JSONRPCMessage | undefined> {
    const parsed = JSONRPCMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      return Promise.resolve({
        jsonrpc: "2.0",
        id: typeof id === "string" || typeof id === "number" ? id : 0,
        error: { code: -32600, message: "Invalid JSON-RPC message." },
      });
    }
    const message = parsed.data;
    if (!("id" in message && "method" in message)) {
      this.onmessage?.(message);
      return Promise.resolve(undefined);
    }
    const { id } = message;
    return new Promise((resolve) => {
      // MCP answers no cancelled request; the waiting caller gets a cancellation error instead.
      const onAbort = () => {
        this.#pending.delete(id);
        this.onmessage?.({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: id } });
        resolve({ jsonrpc: "2.0", id, error: { code: -32800, message: "Request cancelled." } });
      };
      this.#pending.set(id, (answer) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(answer);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      this.onmessage?.(message);
    });
  }
}
