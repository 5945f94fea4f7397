// Text for the spam-lstm preset: the email reader (Subject and body; no
// transport headers, quoted-printable decoded, no markup), the word
// tokenizer (deterministic vocabulary, ids padded in front, stored in and
// read back from metadata), the SpamAssassin split (sizes, stratified, one
// seed one split); then the preset run by the README's command, its target,
// and `wasmlite run` on a text file.
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emailText } from "@wasmlite/format";
import { fitWordTokenizer, encode, words, tokenizerFromMetadata } from "@wasmlite/format";
import { spamAssassin } from "../../cli/data/spam-assassin.ts";
import { trainAndExport } from "../../cli/train-and-export/job.ts";
import { readModel } from "@wasmlite/format";
import { wasmliteMetadata } from "@wasmlite/format";
import { runCli } from "../helpers/cli.ts";

describe("email text", () => {
  it("keeps the Subject and body, drops transport headers, decodes quoted-printable, strips markup", () => {
    const raw = [
      "From someone@example.com  Thu Aug 22 13:17:22 2002",
      "Received: from relay.example.net (relay [10.0.0.1])",
      "\tby mail.example.org with ESMTP",
      "Subject: Cheap",
      " pills",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "<html><body><p>Buy =",
      "now &amp; save 50=25</p><!-- hidden --></body></html>",
    ].join("\n");
    const text = emailText(raw);
    expect(text).toContain("Cheap pills");
    expect(text).not.toMatch(/relay|ESMTP|Received/);
    expect(words(text)).toEqual(["cheap", "pills", "buy", "now", "save", "50", "%"]);
    // No header block: the text is the body.
    expect(emailText("Are we meeting <b>tomorrow</b>?")).toBe("Are we meeting  tomorrow ?");
  });
});

describe("word tokenizer", () => {
  const texts = ["the cat sat", "the cat ran!", "a dog ran", "the end $5"];
  it("the most frequent words first, ties alphabetical; ids padded in front; the first `steps` words kept", () => {
    const t = fitWordTokenizer(texts, { size: 4, steps: 5 });
    expect(t.vocabulary).toEqual(["the", "cat", "ran", "!"]);
    expect(fitWordTokenizer([...texts].reverse(), { size: 4, steps: 5 })).toEqual(t);
    expect(fitWordTokenizer(texts, { size: 10, steps: 5, minCount: 2 }).vocabulary).toEqual(["the", "cat", "ran"]);
    // the=2, cat=3, ran=4, !=5; 0 padding, 1 unknown.
    expect(Array.from(encode(t, "The cat ran away!"))).toEqual([2, 3, 4, 1, 5]);
    expect(Array.from(encode(t, "cat"))).toEqual([0, 0, 0, 0, 3]);
    expect(Array.from(encode(t, "the the cat cat ran ran"))).toEqual([2, 2, 3, 3, 4]);
    expect(Array.from(encode(t, ""))).toEqual([0, 0, 0, 0, 0]);
  });

  it("read back from metadata; a malformed one is refused clearly", () => {
    const t = fitWordTokenizer(texts, { size: 3, steps: 4 });
    expect(tokenizerFromMetadata(JSON.parse(JSON.stringify({ tokenizer: t })))).toEqual(t);
    expect(tokenizerFromMetadata({ labels: ["a"] })).toBeUndefined();
    expect(tokenizerFromMetadata(undefined)).toBeUndefined();
    for (const bad of [
      { ...t, kind: "bytes" },
      { ...t, steps: 0 },
      { ...t, vocabulary: [1, 2] },
    ])
      expect(() => tokenizerFromMetadata({ tokenizer: bad })).toThrow(/tokenizer this version cannot read/);
  });
});

describe("the SpamAssassin split", () => {
  it("80/20 of 6,046 messages, stratified, the same for the same seed, another for another seed", () => {
    const a = spamAssassin({ steps: 50, vocabulary: 500, seed: 7 });
    expect([a.train.n, a.test.n]).toEqual([4837, 1209]);
    const spam = (d: typeof a.train) => d.y.filter((v, i) => i % 2 === 1 && v === 1).length;
    // 1,896 spam: 1,517 to training, 379 to test.
    expect([spam(a.train), spam(a.test)]).toEqual([1517, 379]);
    expect(a.train.inputShape).toEqual([50]);
    expect(a.tokenizer.vocabulary.length).toBe(500);
    expect(a.testTexts.length).toBe(1209);
    expect(new Set(a.testTexts).size).toBeGreaterThan(1150); // distinct messages (a few duplicates are in the corpus)
    const again = spamAssassin({ steps: 50, vocabulary: 500, seed: 7 });
    expect(again.testTexts).toEqual(a.testTexts);
    expect(spamAssassin({ steps: 50, vocabulary: 500, seed: 8 }).testTexts).not.toEqual(a.testTexts);
  }, 60_000);
});

describe("the spam-lstm preset", () => {
  it("reaches 97% on the test split (float32 and int8), stores its tokenizer, reports the worst-scored messages; run reads a text file", async () => {
    const out = mkdtempSync(join(tmpdir(), "wasmlite-spam-"));
    const r = await trainAndExport({ preset: "spam-lstm", out, quiet: true, log: () => {} });
    console.log(
      `spam-lstm: float32 ${(r.float32.accuracy! * 100).toFixed(2)}%, int8 ${(r.int8.accuracy! * 100).toFixed(2)}%; ${r.epochs} epochs in ${r.trainSeconds.toFixed(1)} s`,
    );
    expect(r.float32.accuracy!).toBeGreaterThanOrEqual(0.97);
    expect(r.int8.accuracy!).toBeGreaterThanOrEqual(0.97);
    expect(r.int8.failure).toBeUndefined();
    const summary = readModel(readFileSync(r.files.int8));
    expect(summary.operators.map((o) => o.op)).toEqual([
      "GATHER",
      "UNIDIRECTIONAL_SEQUENCE_LSTM",
      "STRIDED_SLICE",
      "FULLY_CONNECTED",
      "SOFTMAX",
    ]);
    const tokenizer = tokenizerFromMetadata(wasmliteMetadata(summary.metadata));
    expect(tokenizer?.steps).toBe(200);
    expect(tokenizer?.vocabulary.length).toBe(5000);
    expect(readFileSync(r.files.report, "utf8")).toContain("Worst-scored test texts");

    const message = join(out, "message.txt");
    writeFileSync(
      message,
      "Subject: You WON a FREE prize!!!\n\nClick here now to claim your $1000 cash prize. Limited offer, act now! To be removed from this list reply remove.\n",
    );
    const spam = await runCli(["run", r.files.int8, "--input", message]);
    expect(spam.code, spam.err).toBe(0);
    expect(spam.out).toMatch(/words read \(the first 200 count\)/);
    expect(spam.out).toMatch(/output 0 \[1, 2\]:\n\s+spam\s/);
    writeFileSync(message, "\u0000\u0001binary");
    const binary = await runCli(["run", r.files.int8, "--input", message]);
    expect(binary.code).not.toBe(0);
    expect(binary.err).toMatch(/holds NUL bytes, not text/);
  }, 180_000);
});
