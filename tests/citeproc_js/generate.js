// Generate the expected citation outputs with citeproc-js (npm `citeproc`, pinned in
// package.json), the engine inside Zotero. Usage (from the repository root):
//   node tests/citeproc_js/generate.js BIB_FILE OUT_JSON
// The .bib is converted to CSL-JSON by OUR converter (refs/csl.py, via
// tests/citeproc_js/bib_to_csl.py), so the fixtures also pin that conversion down.
// Each reference is cited alone in a fresh document, as a user citing it in Zotero would.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const CSL = require("citeproc");

const root = path.resolve(__dirname, "..", "..");
const vendor = path.join(root, "refs", "vendor");
const python = process.env.PYTHON || path.join(root, ".venv", "bin", "python");

// The styles of the public contract, by short name.
const STYLES = {
  mla: "modern-language-association",
  chicago: "chicago-notes-bibliography",
  "chicago-author-date": "chicago-author-date",
  apa: "apa",
};
const FORMATS = ["text", "html"];
// Locator cases: a page, a page range, a roman-numeral page, a chapter, a paragraph.
const LOCATORS = [
  { label: "page", locator: "422" },
  { label: "page", locator: "422-423" },
  { label: "page", locator: "xiv" },
  { label: "chapter", locator: "3" },
  { label: "paragraph", locator: "12" },
];

function cleanEntry(entry, format) {
  const match = format === "html" && /^\s*<div class="csl-entry">([\s\S]*)<\/div>\s*$/.exec(entry);
  return (match ? match[1] : entry).trim();
}

function makeEngine(styleId, format, items) {
  const xml = fs.readFileSync(path.join(vendor, "csl-styles", styleId + ".csl"), "utf8");
  const sys = {
    retrieveLocale: (lang) => {
      const file = path.join(vendor, "csl-locales", "locales-" + lang + ".xml");
      return fs.readFileSync(fs.existsSync(file) ? file : path.join(vendor, "csl-locales", "locales-en-US.xml"), "utf8");
    },
    retrieveItem: (id) => items[id],
  };
  const engine = new CSL.Engine(sys, xml, "en-US", true);
  engine.setOutputFormat(format);
  return engine;
}

// Cite `clusters` (lists of citation items) in order in a fresh document with one item.
function cite(engine, id, clusters) {
  const isNote = engine.opt.xclass === "note";
  engine.restoreProcessorState([]);
  engine.updateItems([id]);
  const pre = [];
  return clusters.map((citationItems, index) => {
    const noteIndex = isNote ? index + 1 : 0;
    const citation = { citationItems, properties: { noteIndex } };
    const [, updates] = engine.processCitationCluster(citation, pre, []);
    const mine = updates.find((update) => update[0] === pre.length);
    pre.push([citation.citationID, noteIndex]);
    return mine ? mine[1] : "";
  });
}

function main() {
  const [bibFile, outFile] = process.argv.slice(2);
  if (!bibFile || !outFile) {
    console.error("usage: node tests/citeproc_js/generate.js BIB_FILE OUT_JSON");
    process.exit(2);
  }
  const json = execFileSync(python, ["-m", "tests.citeproc_js.bib_to_csl", bibFile], {
    cwd: root,
    encoding: "utf8",
  });
  const list = JSON.parse(json);
  const items = Object.fromEntries(list.map((item) => [item.id, item]));
  const expected = {};
  for (const [shortName, styleId] of Object.entries(STYLES)) {
    expected[shortName] = {};
    for (const format of FORMATS) {
      const engine = makeEngine(styleId, format, items);
      for (const item of list) {
        const cases = (expected[shortName][item.id] = expected[shortName][item.id] || {});
        engine.restoreProcessorState([]);
        engine.updateItems([item.id]);
        const bib = engine.makeBibliography();
        cases.bibliography = cases.bibliography || {};
        // A style may leave a work out of its bibliography (Chicago 18 omits private
        // documents): that is an empty entry, not an error.
        cases.bibliography[format] = bib && bib[1].length ? cleanEntry(bib[1][0], format) : "";
        cases.citations = cases.citations || {};
        for (const { label, locator } of LOCATORS) {
          const key = label + " " + locator;
          cases.citations[key] = cases.citations[key] || {};
          cases.citations[key][format] = cite(engine, item.id, [[{ id: item.id, label, locator }]])[0];
        }
        // The same work cited twice in a row: a note style's first full note, then its
        // subsequent note; an in-text style's citation without a locator, then with one.
        const [first, subsequent] = cite(engine, item.id, [
          [{ id: item.id, label: "page", locator: "422" }],
          [{ id: item.id, label: "page", locator: "423" }],
        ]);
        cases.first_note = cases.first_note || {};
        cases.first_note[format] = first;
        cases.subsequent_note = cases.subsequent_note || {};
        cases.subsequent_note[format] = subsequent;
      }
    }
  }
  const document = {
    generator: "citeproc " + require("citeproc/package.json").version,
    bib: path.relative(root, path.resolve(bibFile)),
    styles: STYLES,
    items: list,
    expected,
  };
  fs.writeFileSync(outFile, JSON.stringify(document, null, 1) + "\n");
}

main();
