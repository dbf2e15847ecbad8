import { z } from "zod";
import { tool } from "../tool.js";
import type { Tool } from "../types.js";

const todoSchema = z.object({
  content: z.string().min(1).describe("What to do, in the imperative."),
  status: z.enum(["pending", "in_progress", "completed"]),
});

/** One item of an agent's task list. */
export type TodoItem = z.output<typeof todoSchema>;

/** The task list the todo tools share; one per agent (per {@link codingTools} call). */
export class TodoList {
  #items: TodoItem[] = [];

  get items(): readonly TodoItem[] {
    return this.#items;
  }

  replace(items: TodoItem[]): void {
    this.#items = items.map((item) => ({ ...item }));
  }

  /** The list as the model reads it. */
  render(): string {
    if (this.#items.length === 0) return "The todo list is empty.";
    const marks = { pending: "[ ]", in_progress: "[~]", completed: "[x]" } as const;
    return this.#items.map((item, i) => `${i + 1}. ${marks[item.status]} ${item.content}`).join("\n");
  }
}

/**
 * `todo_write`: replaces the agent's task list. It changes only the agent's own
 * in-memory list, nothing in the workspace, so it counts as read-only for permissions
 * (it stays usable in `plan` mode) but is not concurrency-safe.
 */
export function todoWriteTool(list: TodoList): Tool {
  return tool({
    name: "todo_write",
    description:
      "Replace your task list with the given items (the whole list each time). Keep exactly one item " +
      "in_progress while working; mark items completed as soon as they are done.",
    input: z.object({ todos: z.array(todoSchema).max(200) }),
    readOnly: true,
    concurrencySafe: false,
    execute: ({ todos }) => {
      list.replace(todos);
      return `Todo list updated:\n${list.render()}`;
    },
  });
}

/** `todo_read`: shows the agent's task list. Read-only. */
export function todoReadTool(list: TodoList): Tool {
  return tool({
    name: "todo_read",
    description: "Show your current task list.",
    input: z.object({}),
    readOnly: true,
    execute: () => list.render(),
  });
}
