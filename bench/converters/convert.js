// Convert .bib files to CSL-JSON with one of three npm libraries, for
// bench/compare_converters.py.
//
//   node convert.js CONVERTER FILE.bib [FILE.bib ...] [--runs N] [--max-seconds S]
//
// CONVERTER is `bbt` (@retorquere/bibtex-parser plus our thin field mapping),
// `fidus` (biblatex-csl-converter) or `citationjs` (@citation-js/plugin-bibtex).
// For each file, one line of JSON: {"file", "items": {citekey: CSL item},
// "errors": [text], "seconds": [one per run]}. The seconds time the conversion
// alone (text in, CSL items out), not node's start-up or the reading of the
// file; the items are those of the last run. Runs stop early once they have
// taken S seconds in all (so a slow converter is timed once, not N times).

import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { performance } from "node:perf_hooks"

import { parse as bbtParse } from "@retorquere/bibtex-parser"
import { BibLatexParser, CSLExporter } from "biblatex-csl-converter"

const require = createRequire(import.meta.url)
const { Cite } = require("@citation-js/core")
require("@citation-js/plugin-bibtex")

// The obvious BibLaTeX → CSL type table; only the `bbt` mapping uses it, since
// @retorquere/bibtex-parser leaves the entry type as written.
const BBT_TYPES = {
  article: "article-journal",
  book: "book",
  mvbook: "book",
  inbook: "chapter",
  bookinbook: "chapter",
  incollection: "chapter",
  collection: "book",
  mvcollection: "book",
  inproceedings: "paper-conference",
  conference: "paper-conference",
  proceedings: "book",
  reference: "book",
  inreference: "entry-encyclopedia",
  online: "webpage",
  www: "webpage",
  report: "report",
  techreport: "report",
  thesis: "thesis",
  phdthesis: "thesis",
  mastersthesis: "thesis",
  manual: "report",
  booklet: "pamphlet",
  unpublished: "manuscript",
  misc: "document",
  periodical: "periodical",
  patent: "patent",
  dataset: "dataset",
  software: "software",
}

const BBT_NAMES = {
  author: "author",
  editor: "editor",
  translator: "translator",
  bookauthor: "container-author",
}

// Fields copied unchanged (after the parser's own LaTeX decoding); the first
// field present wins for each CSL variable.
const BBT_TEXT = [
  ["volume", "volume"],
  ["edition", "edition"],
  ["series", "collection-title"],
  ["note", "note"],
  ["doi", "DOI"],
  ["url", "URL"],
  ["isbn", "ISBN"],
  ["issn", "ISSN"],
  ["abstract", "abstract"],
  ["type", "genre"],
  ["langid", "language"],
  ["language", "language"],
  ["publisher", "publisher"],
  ["institution", "publisher"],
  ["school", "publisher"],
  ["organization", "publisher"],
  ["location", "publisher-place"],
  ["address", "publisher-place"],
]

function bbtText(value) {
  return Array.isArray(value) ? value.join("; ") : value
}

function bbtTitle(fields, title, subtitle) {
  if (!fields[title]) return undefined
  return fields[subtitle] ? `${fields[title]}: ${fields[subtitle]}` : fields[title]
}

function bbtName(creator) {
  if (creator.name !== undefined) return { literal: creator.name }
  const name = { family: creator.lastName, given: creator.firstName }
  if (creator.prefix) name["non-dropping-particle"] = creator.prefix
  if (creator.suffix) name.suffix = creator.suffix
  for (const key of Object.keys(name)) if (!name[key]) delete name[key]
  return name
}

function bbtDate(text) {
  const parts = []
  for (const end of text.trim().split("/")) {
    if (end === "" || end === "..") continue
    const match = /^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(end.trim())
    if (!match) return { literal: text.trim() }
    parts.push(match.slice(1).filter((part) => part !== undefined).map(Number))
  }
  return parts.length ? { "date-parts": parts } : undefined
}

function bbtIssued(fields) {
  if (fields.date) return bbtDate(fields.date)
  if (!fields.year) return undefined
  if (!/^-?\d+$/.test(fields.year.trim())) return { literal: fields.year }
  const part = [Number(fields.year)]
  if (/^\d+$/.test(fields.month ?? "")) {
    part.push(Number(fields.month))
    if (/^\d+$/.test(fields.day ?? "")) part.push(Number(fields.day))
  }
  return { "date-parts": [part] }
}

// Our mapping of the parser's fields to CSL variables, as thin as it can be:
// what is measured is the parser's LaTeX decoding, name splitting and fields.
function bbtItem(entry) {
  const fields = entry.fields
  const item = { id: entry.key, type: BBT_TYPES[entry.type] ?? "document" }
  for (const [field, variable] of Object.entries(BBT_NAMES)) {
    if (fields[field]?.length) item[variable] = fields[field].map(bbtName)
  }
  const title = bbtTitle(fields, "title", "subtitle")
  if (title) item.title = title
  const container =
    bbtTitle(fields, "journaltitle", "journalsubtitle") ??
    fields.journal ??
    bbtTitle(fields, "booktitle", "booksubtitle")
  if (container) item["container-title"] = container
  for (const [field, variable] of BBT_TEXT) {
    if (fields[field] !== undefined && item[variable] === undefined) {
      item[variable] = bbtText(fields[field])
    }
  }
  if (fields.pages) item.page = fields.pages.replace(/\u2013/g, "-")
  if (item.type.startsWith("article")) {
    if (fields.number ?? fields.issue) item.issue = fields.number ?? fields.issue
  } else {
    if (fields.number) item.number = fields.number
    if (fields.issue) item.issue = fields.issue
  }
  const issued = bbtIssued(fields)
  if (issued) item.issued = issued
  const accessed = fields.urldate ? bbtDate(fields.urldate) : undefined
  if (accessed) item.accessed = accessed
  return item
}

function convertBbt(text) {
  const library = bbtParse(text)
  const items = []
  const errors = library.errors.map((error) => error.error)
  for (const entry of library.entries) {
    try {
      items.push(bbtItem(entry))
    } catch (error) {
      errors.push(`${entry.key}: ${error.message}`)
    }
  }
  return { items, errors }
}

function convertFidus(text) {
  const parser = new BibLatexParser(text, { processUnexpected: true, processUnknown: true })
  const bib = parser.parse()
  const errors = [...bib.errors, ...bib.warnings].map((problem) => JSON.stringify(problem))
  const exporter = new CSLExporter(bib.entries)
  const items = []
  for (const [id, entry] of Object.entries(bib.entries)) {
    try {
      items.push({ ...exporter.getCSLEntry(id), id: entry.entry_key })
    } catch (error) {
      errors.push(`${entry.entry_key}: ${error.message}`)
    }
  }
  errors.push(...exporter.errors.map((problem) => JSON.stringify(problem)))
  return { items, errors }
}

function citationJsItems(text) {
  return new Cite(text).data.map(({ _graph, ...item }) => item)
}

// Citation.js rejects a whole file for one syntax error or one crossref cycle.
// Then each entry is tried alone, after the file's @string definitions, and the
// entries that parse alone are converted together (so that crossrefs between
// them still resolve) or, if that fails too, each as read alone: one bad entry
// costs one item, as with the other converters. Every error is kept.
function convertCitationJs(text) {
  try {
    return { items: citationJsItems(text), errors: [] }
  } catch (error) {
    const errors = [`whole file: ${error.message.split("\n")[0]}`]
    const chunks = text.split(/^(?=[ \t]*@)/m)
    const isMacro = (chunk) => /^\s*@\s*(string|preamble)\b/i.test(chunk)
    const strings = chunks.filter(isMacro).join("")
    const good = []
    const alone = []
    for (const chunk of chunks) {
      if (isMacro(chunk) || /^\s*@\s*comment\b/i.test(chunk)) continue
      if (!/^\s*@\s*\w+\s*[{(]/.test(chunk)) continue
      try {
        alone.push(...citationJsItems(strings + chunk))
        good.push(chunk)
      } catch (chunkError) {
        errors.push(chunkError.message.split("\n")[0])
      }
    }
    try {
      return { items: citationJsItems(strings + good.join("")), errors }
    } catch (goodError) {
      // The good entries fail together (a crossref cycle): keep each as read alone.
      errors.push(`good entries together: ${goodError.message.split("\n")[0]}`)
      return { items: alone, errors }
    }
  }
}

const CONVERTERS = { bbt: convertBbt, fidus: convertFidus, citationjs: convertCitationJs }

function main(argv) {
  let runs = 1
  let maxSeconds = Infinity
  const files = []
  for (let index = 1; index < argv.length; index++) {
    if (argv[index] === "--runs") runs = Number(argv[++index])
    else if (argv[index] === "--max-seconds") maxSeconds = Number(argv[++index])
    else files.push(argv[index])
  }
  const convert = CONVERTERS[argv[0]]
  if (!convert || files.length === 0 || !(runs >= 1)) {
    process.stderr.write(
      `usage: node convert.js {${Object.keys(CONVERTERS).join(",")}} FILE.bib...` +
        " [--runs N] [--max-seconds S]\n",
    )
    process.exit(2)
  }
  for (const file of files) {
    const text = readFileSync(file, "utf8")
    const seconds = []
    let result = { items: [], errors: [] }
    for (let run = 0; run < runs; run++) {
      const start = performance.now()
      try {
        result = convert(text)
      } catch (error) {
        result = { items: [], errors: [`whole file: ${error.message}`] }
      }
      seconds.push((performance.now() - start) / 1000)
      if (seconds.reduce((sum, each) => sum + each, 0) > maxSeconds) break
    }
    const items = {}
    for (const item of result.items) {
      if (item.id in items) result.errors.push(`duplicate citekey ${item.id}: first kept`)
      else items[item.id] = item
    }
    process.stdout.write(`${JSON.stringify({ file, items, errors: result.errors, seconds })}\n`)
  }
}

main(process.argv.slice(2))
