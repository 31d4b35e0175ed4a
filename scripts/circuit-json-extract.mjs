// Extracts from the circuit-json package (tscircuit's zod definitions of
// every Circuit JSON element) what circuitvc's validator needs, as JSON on
// stdout: element types, their variants (told apart by literal fields such
// as ftype or shape), each field's JSON kinds, whether it is required, its
// allowed values, and which fields are the element's id or refer to
// another element's id. Run by scripts/circuit-json-extract.sh, which pins
// the package version; CI reads only the checked-in output.
import { createRequire } from "node:module";
import * as cj from "circuit-json";

const require = createRequire(import.meta.url);

// The package's named unit schemas (length, resistance, …) by identity.
const unitNames = new Map();
for (const [name, v] of Object.entries(cj)) if (v?._def?.typeName === "ZodEffects") unitNames.set(v, name);
const pkg = require("circuit-json/package.json");

// describe turns a zod schema into {kinds, enum?, fields?, items?}.
// kinds are JSON kinds: string, number, boolean, null, array, object, any.
function describe(s, depth = 0) {
  const d = s._def;
  switch (d.typeName) {
    case "ZodString": return { kinds: ["string"] };
    case "ZodNumber": case "ZodBigInt": return { kinds: ["number"] };
    case "ZodBoolean": return { kinds: ["boolean"] };
    case "ZodNull": return { kinds: ["null"] };
    case "ZodUndefined": case "ZodVoid": return { kinds: [], optional: true };
    case "ZodAny": case "ZodUnknown": return { kinds: ["any"] };
    case "ZodLiteral": return { kinds: [kindOf(d.value)], enum: [d.value] };
    case "ZodEnum": return { kinds: ["string"], enum: [...d.values] };
    case "ZodNativeEnum": {
      const vals = Object.values(d.values);
      return { kinds: [...new Set(vals.map(kindOf))], enum: vals };
    }
    case "ZodOptional": return { ...describe(d.innerType, depth), optional: true };
    case "ZodDefault": return { ...describe(d.innerType, depth), optional: true };
    case "ZodCatch": return { ...describe(d.innerType, depth), optional: true };
    case "ZodNullable": return merge([describe(d.innerType, depth), { kinds: ["null"] }]);
    case "ZodEffects": {
      // string-or-number fields that zod converts (length, resistance…)
      // take a number or a string with a unit.
      const inner = describe(d.schema, depth);
      if (!inner.fields && inner.kinds.length === 2 && inner.kinds.includes("string") && inner.kinds.includes("number")) {
        return { ...inner, unit: unitNames.get(s) ?? "quantity" };
      }
      return inner;
    }
    case "ZodBranded": return describe(d.type, depth);
    case "ZodReadonly": return describe(d.innerType, depth);
    case "ZodLazy": return depth > 6 ? { kinds: ["any"] } : describe(d.getter(), depth + 1);
    case "ZodPipeline": return describe(d.in, depth);
    case "ZodArray": return { kinds: ["array"], items: depth > 6 ? { kinds: ["any"] } : describe(d.type, depth + 1) };
    case "ZodTuple": return { kinds: ["array"], items: merge(d.items.map((x) => describe(x, depth + 1))) };
    case "ZodRecord": case "ZodMap": return { kinds: ["object"] };
    case "ZodObject": {
      if (depth > 6) return { kinds: ["object"] };
      const shape = d.shape();
      const fields = {};
      for (const [k, v] of Object.entries(shape)) fields[k] = describe(v, depth + 1);
      return d.unknownKeys === "strict" ? { kinds: ["object"], fields, strict: true } : { kinds: ["object"], fields };
    }
    case "ZodUnion": case "ZodDiscriminatedUnion": {
      const opts = d.options instanceof Map ? [...d.options.values()] : d.options;
      return merge(opts.map((x) => describe(x, depth)));
    }
    case "ZodIntersection": {
      const a = describe(d.left, depth), b = describe(d.right, depth);
      return { kinds: ["object"], fields: { ...(a.fields || {}), ...(b.fields || {}) } };
    }
  }
  return { kinds: ["any"] };
}

function kindOf(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "bigint" ? "number" : typeof v;
}

// merge is the union of several descriptions: any kind any of them
// allows; a field is required only when every object variant requires it.
function merge(list) {
  const out = { kinds: [] };
  let enums = [], allEnum = true, optional = false;
  const objs = [];
  const items = [];
  for (const x of list) {
    for (const k of x.kinds) if (!out.kinds.includes(k)) out.kinds.push(k);
    if (x.enum) enums.push(...x.enum); else if (x.kinds.length) allEnum = false;
    if (x.optional) optional = true;
    if (x.unit) out.unit = x.unit;
    if (x.fields) objs.push(x.fields);
    if (x.strict) out.strict = true;
    if (x.items) items.push(x.items);
  }
  if (out.kinds.includes("any")) out.kinds = ["any"];
  if (allEnum && enums.length) out.enum = [...new Set(enums)];
  if (optional) out.optional = true;
  if (objs.length) {
    const fields = {};
    const names = new Set(objs.flatMap((o) => Object.keys(o)));
    for (const n of names) {
      const vs = objs.map((o) => o[n]).filter(Boolean);
      const m = merge(vs);
      if (vs.length < objs.length) m.optional = true;
      fields[n] = m;
    }
    out.fields = fields;
  }
  if (items.length) out.items = merge(items);
  return out;
}

// variants flattens the element union into object schemas.
function variants(s) {
  const d = s._def;
  switch (d.typeName) {
    case "ZodObject": return [s];
    case "ZodUnion": case "ZodDiscriminatedUnion": {
      const opts = d.options instanceof Map ? [...d.options.values()] : d.options;
      return opts.flatMap(variants);
    }
    case "ZodEffects": return variants(d.schema);
    case "ZodBranded": return variants(d.type);
    case "ZodPipeline": return variants(d.in);
    case "ZodLazy": return variants(d.getter());
  }
  throw new Error("unexpected element schema " + d.typeName);
}

// compact keeps what the validator reads.
function compact(desc) {
  const out = { kinds: desc.kinds };
  if (!desc.optional) out.required = true;
  if (desc.enum && desc.enum.length <= 64) out.enum = desc.enum;
  if (desc.unit) out.unit = desc.unit;
  if (desc.strict) out.strict = true;
  if (desc.items) out.items = compact(desc.items);
  if (desc.fields) {
    out.fields = {};
    for (const k of Object.keys(desc.fields).sort()) out.fields[k] = compact(desc.fields[k]);
  }
  return out;
}

const elements = {};
for (const v of variants(cj.any_circuit_element)) {
  const desc = describe(v);
  const type = desc.fields.type.enum[0];
  const when = {};
  for (const [k, f] of Object.entries(desc.fields)) {
    if (k !== "type" && !f.optional && f.enum && f.enum.length === 1 && f.kinds[0] === "string") when[k] = f.enum[0];
  }
  const e = (elements[type] ??= { variants: [] });
  const fields = {};
  for (const k of Object.keys(desc.fields).sort()) if (k !== "type") fields[k] = compact(desc.fields[k]);
  e.variants.push(desc.strict ? { when, fields, strict: true } : { when, fields });
}

// Ids: an element's own id is the field named after its type; a field
// that carries another element type's id name refers to that element.
const idOwner = {};
for (const [type, e] of Object.entries(elements)) {
  const id = type + "_id";
  if (e.variants.every((v) => v.fields[id] && v.fields[id].kinds.includes("string"))) {
    e.id = id;
    idOwner[id] = type;
  }
}
for (const e of Object.values(elements)) {
  const refs = {};
  for (const v of e.variants) {
    for (const [k, f] of Object.entries(v.fields)) {
      if (k === e.id) continue;
      let target = idOwner[k];
      if (!target && k.endsWith("_ids")) target = idOwner[k.slice(0, -1)] ?? idOwner[k.replace(/^connected_/, "").slice(0, -1)];
      if (target) refs[k] = target;
    }
  }
  if (Object.keys(refs).length) e.refs = Object.fromEntries(Object.entries(refs).sort());
}

const sorted = Object.fromEntries(Object.keys(elements).sort().map((k) => [k, elements[k]]));
// One element type per line keeps the checked-in file reviewable.
const lines = Object.entries(sorted).map(([k, v]) => JSON.stringify(k) + ": " + JSON.stringify(v));
process.stdout.write(`{"package": ${JSON.stringify(pkg.name)}, "version": ${JSON.stringify(pkg.version)}, "elements": {\n` + lines.join(",\n") + "\n}}\n");
