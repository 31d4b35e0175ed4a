// Fills in the upstream verdicts of circuitvc's conformance table:
// reads internal/circuit/testdata/conformance/spec.json (hand-written:
// real files and single mutations of them, with circuitvc's expected
// verdict), applies each mutation to the corpus file, judges the result
// by the format's own definition, and writes table.json beside it.
//
//   tscircuit: circuit-json's zod schemas (any_circuit_element), element
//              by element, as tscircuit's own tools parse Circuit JSON.
//   Wokwi:     the rules of docs.wokwi.com/diagram-format, transcribed
//              below (there is no published validator).
//
// Run by scripts/conformance.sh, which installs the pinned circuit-json.
import * as cj from "circuit-json";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pkg = require("circuit-json/package.json");
const [specPath, corpus, outPath] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(specPath, "utf8"));

// resolve turns a mutation's "at" path into [parent, key] in doc.
function resolve(doc, at) {
  let cur = doc;
  for (let i = 0; i < at.length - 1; i++) cur = step(cur, at[i]);
  return [cur, last(cur, at[at.length - 1])];
}
function step(cur, k) {
  if (k !== null && typeof k === "object") {
    const hits = cur.map((e, i) => [e, i]).filter(([e]) => e && e.type === k.type);
    if (hits.length <= k.nth) throw new Error(`no ${k.type} #${k.nth}`);
    return hits[k.nth][0];
  }
  if (!(k in cur)) throw new Error(`no ${k}`);
  return cur[k];
}
function last(cur, k) {
  if (k !== null && typeof k === "object") {
    const hits = cur.map((e, i) => [e, i]).filter(([e]) => e && e.type === k.type);
    if (hits.length <= k.nth) throw new Error(`no ${k.type} #${k.nth}`);
    return hits[k.nth][1];
  }
  return k;
}

// mutate applies one mutation (the Go test applies the same ones).
export function mutate(doc, m) {
  switch (m.op) {
    case "root": return structuredClone(m.value);
    case "append": doc.push(structuredClone(m.value)); return doc;
    case "set": { const [p, k] = resolve(doc, m.at); p[k] = structuredClone(m.value); return doc; }
    case "delete": {
      const [p, k] = resolve(doc, m.at);
      if (!(k in p)) throw new Error(`nothing to delete at ${JSON.stringify(m.at)}`);
      if (Array.isArray(p)) p.splice(k, 1); else delete p[k];
      return doc;
    }
    case "duplicate": {
      const [p, k] = resolve(doc, m.at);
      p.push(structuredClone(p[k]));
      return doc;
    }
  }
  throw new Error("unknown op " + m.op);
}

// The element union's options by element type, to name the issue of
// the definition an element means (its own type, ftype or shape).
function options(s) {
  const d = s._def;
  if (d.typeName === "ZodUnion" || d.typeName === "ZodDiscriminatedUnion") {
    return (d.options instanceof Map ? [...d.options.values()] : d.options).flatMap(options);
  }
  return [s];
}
function typeOf(s) {
  let d = s._def;
  while (d.typeName === "ZodEffects") { s = d.schema; d = s._def; }
  if (d.typeName === "ZodObject") return d.shape().type._def.value;
  return typeOf(options(s)[0]);
}
const byType = {};
for (const o of options(cj.any_circuit_element)) (byType[typeOf(o)] ??= []).push(o);

// elementIssue is why circuit-json refuses one element, or "";
// memoised by the element's JSON, as mutations repeat their files.
const issues = new Map();
function elementIssue(el) {
  const key = JSON.stringify(el);
  if (!issues.has(key)) issues.set(key, elementIssue1(el));
  return issues.get(key);
}
function elementIssue1(el) {
  if (cj.any_circuit_element.safeParse(el).success) return "";
  let best = null;
  for (const o of byType[el?.type] ?? []) {
    const r = o.safeParse(el);
    if (r.success) return "";
    if (!best || r.error.issues.length < best.length) best = r.error.issues;
  }
  if (!best) return el && typeof el === "object" ? `unknown type ${JSON.stringify(el.type)}` : `not an element: ${JSON.stringify(el)}`;
  const x = best[0];
  return `${x.path.join(".") || "$"}: ${x.message}`;
}

// knownIssues is the set of (the JSON of) elements a file already has
// that circuit-json refuses, computed once per file.
const knownByFile = new Map();
function knownIssues(base) {
  const key = base.__file;
  if (!knownByFile.has(key)) {
    knownByFile.set(key, new Set(base.filter((el) => elementIssue(el) !== "").map((el) => JSON.stringify(el))));
  }
  return knownByFile.get(key);
}

// tscircuitVerdict judges a document by circuit-json. With base (the
// unmutated file), only elements that base does not already have count,
// so that a mutation is judged by what it changed, not by what older
// tscircuit releases wrote into the file.
function tscircuitVerdict(doc, base) {
  if (!Array.isArray(doc)) return ["reject", "$: not an array"];
  const known = base ? knownIssues(base) : new Set();
  for (let i = 0; i < doc.length; i++) {
    const issue = elementIssue(doc[i]);
    if (issue && !known.has(JSON.stringify(doc[i]))) {
      return ["reject", `$[${i}] (${doc[i]?.type ?? JSON.stringify(doc[i])}) ${issue}`];
    }
  }
  return ["accept", ""];
}

// The diagram format, as docs.wokwi.com/diagram-format states it.
function wokwiVerdict(doc) {
  const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObj(doc)) return ["reject", "$: the diagram is not an object"];
  if (!Array.isArray(doc.parts)) return ["reject", "$.parts: not an array"];
  if (doc.connections !== undefined && !Array.isArray(doc.connections)) return ["reject", "$.connections: not an array"];
  const ids = new Set();
  for (const [i, p] of doc.parts.entries()) {
    const at = `$.parts[${i}]`;
    if (!isObj(p)) return ["reject", `${at}: not an object`];
    if (typeof p.id !== "string") return ["reject", `${at}.id: required string`];
    if (typeof p.type !== "string") return ["reject", `${at}.type: required string`];
    for (const k of ["left", "top", "rotate"]) if (k in p && typeof p[k] !== "number") return ["reject", `${at}.${k}: not a number`];
    if ("hide" in p && typeof p.hide !== "boolean") return ["reject", `${at}.hide: not a boolean`];
    if ("attrs" in p) {
      if (!isObj(p.attrs)) return ["reject", `${at}.attrs: not an object`];
      for (const [k, v] of Object.entries(p.attrs)) if (typeof v !== "string") return ["reject", `${at}.attrs.${k}: not a string`];
    }
    if (ids.has(p.id)) return ["reject", `${at}.id: "each part must have a unique id"`];
    ids.add(p.id);
  }
  for (const [i, c] of (doc.connections ?? []).entries()) {
    const at = `$.connections[${i}]`;
    if (!Array.isArray(c) || c.length < 2) return ["reject", `${at}: not [from, to, color, hints]`];
    for (const j of [0, 1]) {
      const e = c[j];
      if (typeof e !== "string" || !/^[^:]+:.+$/.test(e)) return ["reject", `${at}[${j}]: not "partId:pinName"`];
      const part = e.slice(0, e.indexOf(":"));
      if (!part.startsWith("$") && !ids.has(part)) return ["reject", `${at}[${j}]: no part "${part}"`];
    }
    if (c.length > 2 && typeof c[2] !== "string") return ["reject", `${at}[2]: the color is not a string`];
    if (c.length > 3 && (!Array.isArray(c[3]) || c[3].some((h) => typeof h !== "string"))) return ["reject", `${at}[3]: the hints are not strings`];
  }
  return ["accept", ""];
}

const doc0Copy = (file) => Object.assign(JSON.parse(fs.readFileSync(path.join(corpus, file), "utf8")), { __file: file });
const rows = [];
const files = spec.rows.filter((r) => r.mutation === null);
for (const r of spec.rows) {
  const doc0 = JSON.parse(fs.readFileSync(path.join(corpus, r.file), "utf8"));
  const doc = r.mutation ? mutate(doc0, r.mutation) : doc0;
  const wokwi = r.file.startsWith("wokwi/");
  const [upstream, why] = wokwi ? wokwiVerdict(doc) : tscircuitVerdict(doc, r.mutation ? doc0Copy(r.file) : null);
  rows.push({ ...r, upstream, upstream_issue: why,
    upstream_source: wokwi ? "docs.wokwi.com/diagram-format" : `${pkg.name}@${pkg.version}` });
}
fs.writeFileSync(outPath, JSON.stringify({ about: spec.about, generated_by: "scripts/conformance.sh", rows }, null, 1) + "\n");
console.log(`${rows.length} rows (${files.length} real files) written to ${outPath}`);
