// The spam-lstm preset: the SpamAssassin split (sizes, stratified, one seed
// one split), then the preset run by the README's command, its target, and
// `wasmlite run` on a text file.
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tokenizerFromMetadata } from "@wasmlite/format";
import { spamAssassin } from "../../../cli/data/spam-assassin.ts";
import { trainAndExport } from "../../../cli/train-and-export/job.ts";
import { expectAccuracyAtLeast } from "../../helpers/accuracy.ts";
import { readModel } from "@wasmlite/format";
import { wasmliteMetadata } from "@wasmlite/format";
import { runCli } from "../../helpers/cli.ts";

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
    expectAccuracyAtLeast(r.float32, 97);
    expectAccuracyAtLeast(r.int8, 97);
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
