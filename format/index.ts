// format/: the .tflite model file. Writer, reader and TFLite's quantisation arithmetic.
export * from "./model-builder.ts";
export * from "./model-reader.ts";
export * from "./quantization.ts";
export * from "./wasmlite-metadata.ts";
export * from "./tokenizer.ts";
export * from "./email.ts";
export * as tflite from "./generated/tflite_generated.ts";
