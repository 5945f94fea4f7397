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

describe("email text, each rule", () => {
  it("a header block opens with an mbox 'From ' line or 'Name: value' (space or tab); anything else is a body", () => {
    expect(emailText("Subject: Hi\n\nbody")).toBe("Hi\nbody");
    expect(emailText("X-Mailer:\tthing\nSubject:\tHi there\n\nbody")).toBe("Hi there\nbody");
    expect(emailText("From a@b.c Mon\nSubject: S\n\nB")).toBe("S\nB");
    // Not headers: no space after the colon, a name starting with a digit, "From" without its space.
    expect(emailText("Note:this\n\nstays")).toBe("Note:this\n\nstays");
    expect(emailText("1st: line\n\nstays")).toBe("1st: line\n\nstays");
    expect(emailText("From: a\n\nb")).toBe("\nb"); // "From:" is a header without a Subject
    expect(emailText("Fromage is cheese")).toBe("Fromage is cheese");
  });

  it("headers are found by name in any case; no Subject is an empty one; headers alone have no body", () => {
    expect(emailText("SUBJECT: Loud\n\nbody")).toBe("Loud\nbody");
    expect(emailText("To: x@y.z\n\nonly body")).toBe("\nonly body");
    expect(emailText("Subject: no body\nTo: x")).toBe("no body\n");
    expect(emailText("To: x\nSubject: last line")).toBe("last line\n"); // headers alone, to their last character
    // A header-like line in the body is body text, not a header.
    expect(emailText("To: a\n\nSubject: inside")).toBe("\nSubject: inside");
    // Windows line ends: headers split and unfolded, the body after the blank line, leading space dropped.
    expect(emailText("Subject: a\r\n  b\r\nTo: c\r\n\r\n  text")).toBe("a b\ntext");
  });

  it("quoted-printable when the header says so or the body shows it (=3D or a soft line break)", () => {
    const encoded = "caf=C3=a9 =3D=\nok";
    const decoded = "caf\u00c3\u00a9 =ok";
    expect(emailText(`Subject: s\nContent-Transfer-Encoding: Quoted-Printable\n\n${encoded}`)).toBe(`s\n${decoded}`);
    expect(emailText(`Subject: s\n\n${encoded}`)).toBe(`s\n${decoded}`);
    expect(emailText("Subject: s\n\nx =3d y")).toBe("s\nx = y");
    expect(emailText("Subject: s\n\nsoft=\r\nbreak")).toBe("s\nsoftbreak");
    // The header alone decides for a body that shows neither sign; a soft break alone (Unix line end) too.
    expect(emailText("Subject: s\nContent-Transfer-Encoding: quoted-printable\n\nx=41")).toBe("s\nxA");
    expect(emailText("Subject: s\n\nx=41 soft=\nbreak")).toBe("s\nxA softbreak");
    // Neither: an '=' stays as written.
    expect(emailText("Subject: s\n\na=C3 b")).toBe("s\na=C3 b");
  });

  it("markup: tags and comments become spaces, the common entities their characters", () => {
    expect(emailText("<p>a</p><!-- x\n y -->b")).toBe(" a  b");
    // A comment is removed whole, a '>' inside it included (as a tag it would end there).
    expect(emailText("x<!-- if a > b -->y")).toBe("x y");
    expect(emailText("&nbsp;&AMP;&lt;&gt;&quot;&#65;&#65601;")).toBe(' &<>"AA');
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

  it("words: lowercase runs of letters and digits, and $ ! % on their own", () => {
    expect(words("Win $100 NOW!!! 50%off, e-mail")).toEqual([
      "win",
      "$",
      "100",
      "now",
      "!",
      "!",
      "!",
      "50",
      "%",
      "off",
      "e",
      "mail",
    ]);
    expect(words("...")).toEqual([]);
  });

  it("the vocabulary: at most `size` words, each seen minCount times (default once); a given index encodes", () => {
    expect(fitWordTokenizer(["b a", "a"], { size: 1, steps: 2 }).vocabulary).toEqual(["a"]);
    expect(fitWordTokenizer(["b a c"], { size: 5, steps: 2 }).vocabulary).toEqual(["a", "b", "c"]);
    expect(fitWordTokenizer(["b a c"], { size: 5, steps: 2 })).toEqual({
      kind: "words",
      steps: 2,
      vocabulary: ["a", "b", "c"],
    });
    const t = fitWordTokenizer(["x y"], { size: 5, steps: 3 });
    expect(Array.from(encode(t, "y z", new Map([["z", 9]])))).toEqual([0, 1, 9]);
  });

  it("read back from metadata; a malformed one is refused clearly", () => {
    const t = fitWordTokenizer(texts, { size: 3, steps: 4 });
    expect(tokenizerFromMetadata(JSON.parse(JSON.stringify({ tokenizer: t })))).toEqual(t);
    expect(tokenizerFromMetadata({ labels: ["a"] })).toBeUndefined();
    expect(tokenizerFromMetadata(undefined)).toBeUndefined();
    const one = { ...t, steps: 1 };
    expect(tokenizerFromMetadata({ tokenizer: one })).toEqual(one);
    for (const bad of [
      { ...t, kind: "bytes" },
      { ...t, steps: 0 },
      { ...t, vocabulary: [1, 2] },
      { ...t, vocabulary: ["a", 2] },
      { ...t, vocabulary: "the cat" },
      { ...t, steps: 2.5 },
      { ...t, steps: -1 },
      { ...t, steps: undefined },
      { kind: "words" },
    ])
      expect(() => tokenizerFromMetadata({ tokenizer: bad })).toThrow(/tokenizer this version cannot read/);
  });
});
