/**
 * One description of events: the TypeScript types (src/protocol/events.ts, content.ts, …)
 * and the zod schemas stored events are read with (src/protocol/event-schema.ts) must
 * describe the same fields. This file is checked by `npx tsc --noEmit` (it is not a vitest
 * file): a field in one and not the other, or a field whose type or optionality differs,
 * is a compile error on the line of the event type or nested type that drifted.
 *
 * The schemas describe an event as it reads back from JSON, so they are compared with the
 * JSON form of the type ({@link Json}), which differs from the type in three documented
 * ways only:
 * - a key whose value may be `undefined` (or is `unknown`) may be missing: JSON drops it;
 * - a serialized error's `code` is any string: `deserializeError` maps an unknown one
 *   (written by a newer Arky) to `unknown`;
 * - objects are loose (extra keys are accepted and kept), which {@link Plain} strips.
 */
import type { z } from "zod";
import type {
  AssistantMessage,
  ImageBlock,
  RedactedThinkingBlock,
  TextBlock,
  ThinkingBlock,
  ToolResultBlock,
  ToolUseBlock,
  UserMessage,
} from "../../src/protocol/content.js";
import type { ErrorCode } from "../../src/protocol/error-codes.js";
import type { SerializedError } from "../../src/protocol/errors.js";
import type { storedEventSchemas } from "../../src/protocol/event-schema.js";
import type { AgentEventOf, AgentEventType, MessageDelta } from "../../src/protocol/events.js";
import type { StopReason } from "../../src/protocol/stop-reason.js";
import type { Usage } from "../../src/protocol/usage.js";

/** True when A and B are the same type (not merely assignable to each other). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when `T` is `true`. */
type Assert<T extends true> = T;

/** One object type out of an intersection, keys and modifiers kept. */
type Flatten<T> = { [K in keyof T]: T[K] };

/** The declared keys of `T`, without its index signatures. */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: 0 };

/**
 * A type without the index signature a zod loose object adds, deeply. A record (an
 * object with an index signature and no declared key) is kept as it is.
 */
type Plain<T> = T extends readonly (infer E)[]
  ? Plain<E>[]
  : T extends object
    ? [KnownKeys<T>] extends [never]
      ? { [K in keyof T]: Plain<T[K]> }
      : { [K in keyof T as string extends K ? never : number extends K ? never : K]: Plain<T[K]> }
    : T;

/** The keys of `T` whose value may be `undefined`. */
type UndefinedKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/** What a value of type `T` reads back as from JSON, as stored events are (see the file's JSDoc). */
type Json<T> = [T] extends [ErrorCode]
  ? [ErrorCode] extends [T]
    ? string
    : T
  : T extends readonly (infer E)[]
    ? Json<E>[]
    : T extends object
      ? Flatten<
          { [K in Exclude<keyof T, UndefinedKeys<T>>]: Json<T[K]> } & {
            [K in UndefinedKeys<T>]?: Json<Exclude<T[K], undefined>>;
          }
        >
      : T;

/** The type and the schema describe the same JSON. */
type Same<Type, Schema extends z.ZodType> = Equal<Json<Type>, Plain<z.input<Schema>>>;

type Schemas = typeof storedEventSchemas;
type Shape<K extends AgentEventType> = Schemas[K]["shape"];
/** The content blocks a message (or tool result) schema accepts, one union. */
type Blocks<S extends z.ZodType> = Plain<z.input<S>> extends { content: (infer B)[] } ? B : never;
/** The schema of the `I`th content block kind a message schema accepts. */
type Block<S, I extends number> = S extends {
  shape: { content: { element: { options: infer O extends readonly z.ZodType[] } } };
}
  ? O[I]
  : never;

/** Compiles only when `T` is `never`; the error names what `T` is. */
type NoneOf<T extends never> = T;

/** Every event type, by its `type` discriminant: a drift is an error naming the event type. */
export type EventsMatch = NoneOf<
  { [K in AgentEventType]: Same<AgentEventOf<K>, Schemas[K]> extends true ? never : K }[AgentEventType]
>;

/** The nested types, so a drift names its type and not only the events that carry it. */
export type NestedTypesMatch = [
  Assert<Same<Usage, Shape<"turn-end">["usage"]>>,
  Assert<Same<StopReason, Shape<"turn-end">["stopReason"]>>,
  Assert<Same<SerializedError, Shape<"error">["error"]>>,
  Assert<Same<MessageDelta, Shape<"message-delta">["delta"]>>,
  Assert<Same<UserMessage, Shape<"turn-start">["input"]>>,
  Assert<Same<AssistantMessage, Shape<"message-end">["message"]>>,
  Assert<Same<ToolResultBlock, Shape<"tool-execution-end">["result"]>>,
  Assert<Equal<Json<UserMessage["content"][number]>, Blocks<Shape<"turn-start">["input"]>>>,
  Assert<Equal<Json<AssistantMessage["content"][number]>, Blocks<Shape<"message-end">["message"]>>>,
  Assert<Equal<Json<ToolResultBlock["content"][number]>, Blocks<Shape<"tool-execution-end">["result"]>>>,
  Assert<Same<TextBlock, Block<Shape<"turn-start">["input"], 0>>>,
  Assert<Same<ImageBlock, Block<Shape<"turn-start">["input"], 1>>>,
  Assert<Same<ThinkingBlock, Block<Shape<"message-end">["message"], 1>>>,
  Assert<Same<RedactedThinkingBlock, Block<Shape<"message-end">["message"], 2>>>,
  Assert<Same<ToolUseBlock, Block<Shape<"message-end">["message"], 3>>>,
];
