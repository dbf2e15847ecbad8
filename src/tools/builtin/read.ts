import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ArkyError, type ImageMediaType } from "../../protocol/index.js";
import { tool } from "../tool.js";
import type { Tool } from "../types.js";
import type { FileToolContext } from "./context.js";
import { fileError } from "./file-errors.js";
import { capHead } from "./limits.js";
import { openInside } from "./safe-open.js";

const IMAGE_TYPES: Record<string, ImageMediaType> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
};

const inputSchema = z.object({
  path: z.string().describe("File path, relative to the working directory or absolute inside it."),
  offset: z.number().int().min(1).optional().describe("1-based line to start from."),
  limit: z.number().int().min(1).optional().describe("Number of lines to read."),
});

/** `read`: a text file with line numbers, or an image as an image block. Read-only. */
export function readTool({ roots, limits }: FileToolContext): Tool {
  return tool({
    name: "read",
    description:
      "Read a file. Text comes back with line numbers (`cat -n` style); use offset/limit for long files. " +
      "PNG, JPEG, GIF and WebP images come back as images. Binary files are refused.",
    input: inputSchema,
    readOnly: true,
    execute: async ({ path: input, offset = 1, limit }, { signal }) => {
      const { handle, path: file } = await openInside(roots, input, { mode: "read" }).catch(
        (cause: unknown) => {
          throw cause instanceof ArkyError ? cause : fileError(input, cause);
        },
      );
      try {
        const info = await handle.stat();
        if (info.isDirectory()) throw notAFile(input, "is a directory; use glob to list it");
        if (!info.isFile()) throw notAFile(input, "is not a regular file");
        const imageType = IMAGE_TYPES[path.extname(file).toLowerCase()];
        if (imageType) {
          if (info.size > limits.imageMaxBytes)
            throw notAFile(
              input,
              `is an image of ${info.size} bytes, over the ${limits.imageMaxBytes} limit`,
            );
          const data = await readBytes(handle, info.size, signal);
          return [
            {
              type: "image",
              source: { type: "base64", mediaType: imageType, data: data.toString("base64") },
            },
          ];
        }
        if (info.size > limits.readMaxBytes)
          throw notAFile(input, `is ${info.size} bytes, over the ${limits.readMaxBytes} byte read limit`);
        const bytes = await readBytes(handle, info.size, signal);
        if (looksBinary(bytes)) throw notAFile(input, "looks binary; only text files and images can be read");
        return numbered(bytes.toString("utf8"), offset, limit ?? limits.readMaxLines, limits);
      } finally {
        await handle.close();
      }
    },
  });
}

function numbered(
  text: string,
  offset: number,
  limit: number,
  limits: { readMaxLineChars: number; maxOutputChars: number },
): string {
  if (text.length === 0) return "(empty file)";
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (offset > lines.length) return `(the file has ${lines.length} lines; offset ${offset} is past the end)`;
  const slice = lines.slice(offset - 1, offset - 1 + limit);
  const width = String(offset - 1 + slice.length).length;
  const body = slice
    .map((line, i) => {
      const shown =
        line.length > limits.readMaxLineChars
          ? `${line.slice(0, limits.readMaxLineChars)}… [line cut]`
          : line;
      return `${String(offset + i).padStart(width, " ")}\t${shown.replace(/\r$/, "")}`;
    })
    .join("\n");
  const rest = lines.length - (offset - 1 + slice.length);
  const more = rest > 0 ? `\n[${rest} more lines; continue with offset ${offset + slice.length}]` : "";
  return capHead(body, limits.maxOutputChars) + more;
}

async function readBytes(handle: FileHandle, size: number, signal: AbortSignal): Promise<Buffer> {
  const buffer = Buffer.alloc(size);
  let read = 0;
  while (read < size) {
    signal.throwIfAborted();
    const { bytesRead } = await handle.read(buffer, read, Math.min(size - read, 1 << 20), read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return buffer.subarray(0, read);
}

/** NUL bytes or invalid UTF-8 in the first 8 KiB mark a file as binary. */
export function looksBinary(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return true;
  try {
    // `stream` tolerates a multi-byte character cut at the 8 KiB boundary.
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: bytes.length > head.length });
    return false;
  } catch {
    return true; // not valid UTF-8: treated as binary
  }
}

function notAFile(input: string, reason: string): ArkyError {
  return new ArkyError({ code: "tool-execution", message: `${JSON.stringify(input)} ${reason}.` });
}
