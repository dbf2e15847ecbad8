import { constants } from "node:fs";
import { type FileHandle, mkdir, open, readlink, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { type AllowedRoots, isInside, refused } from "./paths.js";

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY } = constants;
/** Linux names every open descriptor's file in /proc; elsewhere the inode is compared instead. */
const PROC_FD = process.platform === "linux";

/** How {@link openInside} opens a file. */
export interface OpenInsideOptions {
  /** `read`, `update` (read and write an existing file) or `write` (create or replace). */
  mode: "read" | "update" | "write";
  /** Allow writing through a file with more than one hard link (default false). */
  allowHardLinks?: boolean;
}

/** A file opened by {@link openInside}: the checked handle and the real path it was opened at. */
export interface OpenedFile {
  handle: FileHandle;
  path: string;
}

/**
 * Opens a model-supplied path and proves that the file opened lies inside the roots: the
 * path is resolved, opened without following a final symlink, and the open descriptor is
 * checked (its /proc name on Linux, else its device and inode against the re-resolved path),
 * so another process swapping a path component for a symlink between the check and the open
 * cannot redirect it. Nothing is truncated here: a writer truncates through the checked
 * handle. New files are created with O_EXCL in a checked parent folder. Writes through a file
 * with other hard links are refused unless allowed (the other link may lie outside).
 */
export async function openInside(
  roots: AllowedRoots,
  input: string,
  options: OpenInsideOptions,
): Promise<OpenedFile> {
  const file = await roots.resolve(input);
  const flags = options.mode === "read" ? O_RDONLY : options.mode === "update" ? O_RDWR : O_WRONLY;
  let handle: FileHandle;
  try {
    // O_NONBLOCK: a FIFO swapped in must not hang the open (regular files ignore it).
    handle = await open(file, flags | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    if (errno(error) === "ELOOP") throw refused(input, "it changed into a symbolic link while being opened");
    if (errno(error) !== "ENOENT" || options.mode !== "write") throw error;
    return { handle: await createInside(roots, input, file), path: file };
  }
  return { handle: await checked(roots, input, handle, file, options), path: file };
}

async function createInside(roots: AllowedRoots, input: string, file: string): Promise<FileHandle> {
  const parent = path.dirname(file);
  await mkdir(parent, { recursive: true });
  const dir = await open(parent, O_RDONLY | O_DIRECTORY);
  try {
    await proveInside(roots, input, dir, parent);
    // Created relative to the checked folder's descriptor on Linux (an openat), so no
    // component above it can be swapped in between.
    const at = PROC_FD ? `/proc/self/fd/${dir.fd}/${path.basename(file)}` : file;
    const handle = await open(at, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o666).catch((error: unknown) => {
      if (errno(error) === "ELOOP" || errno(error) === "EEXIST")
        throw refused(input, "it appeared or changed while being created");
      throw error;
    });
    return checked(roots, input, handle, file, { mode: "write" });
  } finally {
    await dir.close();
  }
}

async function checked(
  roots: AllowedRoots,
  input: string,
  handle: FileHandle,
  file: string,
  options: OpenInsideOptions,
): Promise<FileHandle> {
  try {
    await proveInside(roots, input, handle, file);
    if (options.mode !== "read" && !options.allowHardLinks) {
      const info = await handle.stat();
      if (info.isFile() && info.nlink > 1)
        throw refused(
          input,
          `it has ${info.nlink} hard links; writing through one may change a file outside`,
        );
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Throws unless the descriptor's file lies inside the roots. */
async function proveInside(
  roots: AllowedRoots,
  input: string,
  handle: FileHandle,
  expected: string,
): Promise<void> {
  const real = await whereOpened(handle, expected);
  const inside = real !== undefined && (await roots.realRoots()).some((root) => isInside(real, root));
  if (!inside) throw refused(input, "it resolves outside the allowed directories");
}

async function whereOpened(handle: FileHandle, expected: string): Promise<string | undefined> {
  if (PROC_FD) return readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
  const [opened, now] = await Promise.all([
    handle.stat(),
    realpath(expected).then(async (real) => ({ real, info: await stat(real) })),
  ]).catch(() => [undefined, undefined] as const);
  if (!opened || !now) return undefined;
  return opened.dev === now.info.dev && opened.ino === now.info.ino ? now.real : undefined;
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** Writes all of `data` at offset 0 and cuts the file there (after the open was checked). */
export async function replaceContent(handle: FileHandle, data: string, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const bytes = Buffer.from(data);
  await handle.truncate(0);
  let written = 0;
  while (written < bytes.length) {
    signal.throwIfAborted();
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, written);
    written += bytesWritten;
  }
}
