// The text contract of a text model's metadata: the email reader (Subject
// and body; no transport headers, quoted-printable decoded, no markup) and the
// word tokenizer (deterministic vocabulary, ids padded in front, stored in and
// read back from metadata).
import { describe, it, expect } from "vitest";
import { emailText } from "@wasmlite/format";
import { fitWordTokenizer, encode, words, tokenizerFromMetadata } from "@wasmlite/format";

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
