// A word tokenizer for text models, small enough to travel inside the
// exported file's metadata: lowercase words (letters and digits) and the
// symbols $ ! % as words of their own, a vocabulary of the most frequent
// training words, and fixed-length id sequences:
//   id 0   padding, put in front of a text shorter than `steps`
//   id 1   a word outside the vocabulary
//   id k+2 vocabulary[k]
// A longer text keeps its first `steps` words. Padding in front means a
// recurrent layer's last steps are always the text's own words.

export interface WordTokenizer {
  kind: "words";
  /** Words per sequence (the model's input length). */
  steps: number;
  /** The known words, most frequent first: word k has id k + 2. */
  vocabulary: string[];
}

export const PAD_ID = 0;
export const UNKNOWN_ID = 1;

/** The words of a text, in order. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+|[$!%]/g) ?? [];
}

/**
 * The `size` most frequent words of the texts (ties in alphabetical order, so
 * one corpus gives one vocabulary), each seen at least `minCount` times.
 */
export function fitWordTokenizer(
  texts: readonly string[],
  options: { size: number; steps: number; minCount?: number },
): WordTokenizer {
  const counts = new Map<string, number>();
  for (const text of texts) for (const w of words(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const vocabulary = [...counts]
    .filter(([, c]) => c >= (options.minCount ?? 1))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.size)
    .map(([w]) => w);
  return { kind: "words", steps: options.steps, vocabulary };
}

/** Ids the model reads: `steps` of them, padded in front. */
export function encode(tokenizer: WordTokenizer, text: string, index = indexOf(tokenizer)): Int32Array {
  const ids = words(text)
    .slice(0, tokenizer.steps)
    .map((w) => index.get(w) ?? UNKNOWN_ID);
  const out = new Int32Array(tokenizer.steps).fill(PAD_ID);
  out.set(ids, tokenizer.steps - ids.length);
  return out;
}

/** Word -> id, for encoding many texts. */
export function indexOf(tokenizer: WordTokenizer): Map<string, number> {
  return new Map(tokenizer.vocabulary.map((w, k) => [w, k + 2]));
}

/** The tokenizer stored in a model's "wasmlite" metadata, checked; undefined when there is none. */
export function tokenizerFromMetadata(meta: unknown): WordTokenizer | undefined {
  const t = (meta as { tokenizer?: unknown } | undefined)?.tokenizer as Partial<WordTokenizer> | undefined;
  if (t === undefined) return undefined;
  if (
    t.kind !== "words" ||
    !Number.isInteger(t.steps) ||
    t.steps! < 1 ||
    !Array.isArray(t.vocabulary) ||
    t.vocabulary.some((w) => typeof w !== "string")
  )
    throw new Error(
      "the model's metadata holds a tokenizer this version cannot read (expected kind 'words', steps, vocabulary)",
    );
  return t as WordTokenizer;
}
