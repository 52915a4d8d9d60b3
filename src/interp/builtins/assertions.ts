// Assertion builtins: assert, assert_equal, assert_true/false, assert_contains. Each
// returns true or raises a catchable error whose text uses Rust debug forms
// (`Assertion failed: expected Int(10), got Int(5)`).

import { RArray, RDict, type Value } from "../value";
import { debugForm } from "../format";
import { dictKey, equals, truthy } from "../ops";
import { fail, native, type NativeSpec } from "./support";

function collectionContains(collection: Value, item: Value): boolean {
  if (collection instanceof RArray) return collection.items.some((v) => equals(v, item));
  if (typeof collection === "string") return typeof item === "string" && collection.includes(item);
  if (collection instanceof RDict) {
    if (typeof item === "string" || typeof item === "number" || typeof item === "bigint") return collection.has(dictKey(item));
    return false;
  }
  return fail("assert_contains requires an array, string, or dict as first argument");
}

function boolAssertion(name: string, expected: boolean): NativeSpec {
  return native(name, 1, 1, (a) => {
    if (typeof a[0] !== "boolean") fail(`${name} requires a boolean argument`);
    if (a[0] !== expected) fail(`Assertion failed: expected ${expected}, got ${a[0]}`);
    return true;
  });
}

export function assertionBuiltins(): NativeSpec[] {
  return [
    native("assert", 1, 2, (a) => {
      if (truthy(a[0])) return true;
      return fail(typeof a[1] === "string" ? a[1] : "Assertion failed");
    }),
    native("assert_equal", 2, 2, (a) => {
      const [actual, expected] = a;
      if (!equals(actual, expected)) {
        fail(`Assertion failed: expected ${debugForm(expected)}, got ${debugForm(actual)}`);
      }
      return true;
    }),
    boolAssertion("assert_true", true),
    boolAssertion("assert_false", false),
    native("assert_contains", 2, 2, (a) => {
      const [collection, item] = a;
      if (!collectionContains(collection, item)) {
        fail(`Assertion failed: ${debugForm(collection)} does not contain ${debugForm(item)}`);
      }
      return true;
    }),
  ];
}
