// What the runtime knows of each tensor type beyond its code (schema.ts):
// its size in the arena and its name in error messages.

import { say, sayInt } from "./status";
import {
  TYPE_FLOAT32,
  TYPE_FLOAT16,
  TYPE_INT32,
  TYPE_UINT8,
  TYPE_INT64,
  TYPE_STRING,
  TYPE_BOOL,
  TYPE_INT16,
  TYPE_COMPLEX64,
  TYPE_INT8,
  TYPE_FLOAT64,
} from "./schema";

/** Bytes per element, or 0 for types the runtime cannot hold in the arena. */
export function typeSize(t: i32): i32 {
  switch (t) {
    case TYPE_FLOAT32:
      return 4;
    case TYPE_INT32:
      return 4;
    case TYPE_UINT8:
      return 1;
    case TYPE_INT64:
      return 8;
    case TYPE_BOOL:
      return 1;
    case TYPE_INT16:
      return 2;
    case TYPE_INT8:
      return 1;
  }
  return 0;
}

export function sayType(t: i32): void {
  switch (t) {
    case TYPE_FLOAT32:
      say("FLOAT32");
      return;
    case TYPE_FLOAT16:
      say("FLOAT16");
      return;
    case TYPE_INT32:
      say("INT32");
      return;
    case TYPE_UINT8:
      say("UINT8");
      return;
    case TYPE_INT64:
      say("INT64");
      return;
    case TYPE_STRING:
      say("STRING");
      return;
    case TYPE_BOOL:
      say("BOOL");
      return;
    case TYPE_INT16:
      say("INT16");
      return;
    case TYPE_COMPLEX64:
      say("COMPLEX64");
      return;
    case TYPE_INT8:
      say("INT8");
      return;
    case TYPE_FLOAT64:
      say("FLOAT64");
      return;
  }
  say("type#");
  sayInt(t);
}
