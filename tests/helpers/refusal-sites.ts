// The refusal sites of the checked builds (runtime-wasm/builder/refusal-sites.mjs
// lists them as it compiles), named by stable keys: a site's file and the
// text of its call, a clause's file and text (with #2, #3, ... when the same
// text occurs again in a file). Ids change with every edit; keys change only
// when the check itself does.
import { readFileSync } from "node:fs";
import { checkedBuild } from "./abi-host.ts";

interface SiteTable {
  sites: { id: number; file: string; line: number; callee: string; text: string }[];
  clauses: { id: number; file: string; line: number; text: string }[];
}

export interface RefusalSites {
  /** Key of each site and clause, by id. */
  siteKeys: string[];
  clauseKeys: string[];
  /** Every key, with where it is (file:line) for messages. */
  where: Map<string, string>;
}

function keyed(entries: { file: string; line: number; text: string }[], kind: string, where: Map<string, string>) {
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const base = `${e.file} ${kind}${e.text}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const key = n === 1 ? base : `${base} #${n}`;
    where.set(key, `${e.file}:${e.line}`);
    return key;
  });
}

/** The keys of the sites and clauses a checked host reached (AbiHost.takeRefusals). */
export function keysOf(table: RefusalSites, reached: { sites: number[]; clauses: number[] }): string[] {
  return [...reached.sites.map((id) => table.siteKeys[id]!), ...reached.clauses.map((id) => table.clauseKeys[id]!)];
}

export function refusalSites(simd: boolean): RefusalSites {
  const table = JSON.parse(readFileSync(checkedBuild(simd).refusals, "utf8")) as SiteTable;
  const where = new Map<string, string>();
  return { siteKeys: keyed(table.sites, "", where), clauseKeys: keyed(table.clauses, "clause: ", where), where };
}
