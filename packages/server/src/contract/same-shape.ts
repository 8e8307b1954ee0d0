/**
 * `true` when a zod schema's output and the type it mirrors are assignable both ways; a const typed
 * with it fails to compile as soon as the two drift apart (a field or an action added on one side).
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
