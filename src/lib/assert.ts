/** The end of an exhaustive switch: a new member of the union makes this a compile error. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${String(x)}`);
}
