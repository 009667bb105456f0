// The small layer between Python (refs/citations.py) and citeproc-js, run inside V8 by
// mini-racer after refs/vendor/citeproc/citeproc_commonjs.js. Engines are kept per style
// and output format, because building one costs seconds and reusing one costs nothing.
// Every function returns JSON-serialisable values: mini-racer only carries those back.
var florilegium = (function () {
  var items = {};
  var locales = {};
  var engines = {};

  // Markdown: citeproc-js's plain text with emphasis as `*…*` and `**…**`, and the
  // characters that would start emphasis or code escaped (not `_`: inside words, as in
  // URLs, it starts nothing).
  var markdown = Object.assign({}, CSL.Output.Formats.text);
  markdown.text_escape = function (text) {
    return (text || "").replace(/([\\*`])/g, "\\$1");
  };
  markdown["@font-style/italic"] = "*%%STRING%%*";
  markdown["@font-style/oblique"] = "*%%STRING%%*";
  markdown["@font-weight/bold"] = "**%%STRING%%**";
  CSL.Output.Formats.markdown = markdown;

  // makeBibliography returns the entries it printed and the ids of every item it went
  // through, the items a style prints nothing for included (Chicago's unpublished
  // documents), so the two lists stop lining up after such an item. The entry decorator
  // runs once per printed entry, while `tmp.bibliography_pos` counts the items gone
  // through: recording it pairs each printed entry with its item.
  var printedPositions = [];
  ["text", "html", "markdown"].forEach(function (format) {
    var decorate = CSL.Output.Formats[format]["@bibliography/entry"];
    CSL.Output.Formats[format]["@bibliography/entry"] = function (state) {
      printedPositions.push(state.tmp.bibliography_pos - 1);
      return decorate.apply(this, arguments);
    };
  });

  // BibTeX's "and others" reaches us as a last name {"literal": "others"} (pandoc's
  // convention), which citeproc-js would print as a name: "Smith, John and others".
  // citeproc-js prints the style's et-al whenever the names it displays are fewer than
  // the list's original count (`_setEtAlParameter`). So, just before it applies the
  // style's et-al-min/et-al-use-first (`_imposeNameConstraints`), the marker leaves the
  // displayed list while the count, taken earlier, still includes it: the list comes out
  // with the style's own et-al ("Smith, John, et al.", "John Smith et al."), and a list
  // the style truncates anyway is truncated as usual. Lists without the marker go
  // straight to citeproc-js. Wrapping the prototype keeps the vendored file untouched.
  // Two adjustments, only for lists with the marker:
  // - Styles with et-al-use-last (APA's "A, B, … Z") need the last author, unknown
  //   here, so such a list takes the plain et-al.
  // - A style's delimiter-precedes-et-al="contextual" (the default) puts no comma
  //   before the et-al of a single name, because a style only ever truncates to one name
  //   in citations ("Smith et al."). "and others" can leave one inverted name in a
  //   bibliography, where "Smith, John et al." would misread; the comma follows an
  //   inverted name there (CSL's "after-inverted-name"): "Smith, John, et al.".
  function endsWithOthers(names) {
    if (!names || names.length < 2) {
      return false;
    }
    var last = names[names.length - 1];
    return !!last && last.literal === "others" && !last.family && !last.given;
  }

  function withoutUseLast(output, names, call) {
    if (!endsWithOthers(names)) {
      return call();
    }
    var useLast = output.etal_use_last;
    output.etal_use_last = false;
    try {
      return call();
    } finally {
      output.etal_use_last = useLast;
    }
  }

  var NameOutput = CSL.NameOutput.prototype;

  var imposeNameConstraints = NameOutput._imposeNameConstraints;
  NameOutput._imposeNameConstraints = function (lst, count, key, pos) {
    var self = this;
    var names = lst[key];
    this.florilegiumOthers = this.florilegiumOthers || {};
    this.florilegiumOthers[pos] = endsWithOthers(names);
    return withoutUseLast(this, names, function () {
      if (endsWithOthers(names)) {
        lst[key] = names.slice(0, -1);
      }
      return imposeNameConstraints.call(self, lst, count, key, pos);
    });
  };

  var setEtAlParameter = NameOutput._setEtAlParameter;
  NameOutput._setEtAlParameter = function (type, v, j) {
    var self = this;
    return withoutUseLast(this, this.Item[v], function () {
      return setEtAlParameter.call(self, type, v, j);
    });
  };

  var joinPersons = NameOutput.joinPersons;
  NameOutput.joinPersons = function (blobs, pos, j, tokenname) {
    var contextual = this.etal_prefix_single === " " && this.etal_prefix_multiple !== " ";
    var first = blobs.filter(function (blob) {
      return blob && blob.blobs && blob.blobs.length;
    })[0];
    var inverted = !!first && !!first.blobs[0] && !!first.blobs[0].isInverted;
    if (!(this.florilegiumOthers && this.florilegiumOthers[pos]) || !contextual || !inverted) {
      return joinPersons.call(this, blobs, pos, j, tokenname);
    }
    var etAl = this["et-al"];
    this.state.output.append(this.etal_term, this.etal_style, true);
    var single = this.state.output.pop();
    single.strings.suffix = this.etal_suffix;
    single.strings.prefix = this.state.inheritOpt(this.name, "delimiter", "name-delimiter", ", ");
    this["et-al"] = { single: single, multiple: etAl.multiple };
    try {
      return joinPersons.call(this, blobs, pos, j, tokenname);
    } finally {
      this["et-al"] = etAl;
    }
  };

  var sys = {
    retrieveLocale: function (lang) {
      return locales[lang] || locales["en-US"];
    },
    retrieveItem: function (id) {
      return items[id];
    },
  };

  function setItems(list) {
    items = {};
    list.forEach(function (item) {
      items[item.id] = item;
    });
    return list.map(function (item) {
      return item.id;
    });
  }

  function engine(key) {
    var found = engines[key];
    if (!found) {
      throw new Error("no engine " + key);
    }
    return found;
  }

  // One citation cluster, with its "citationItems" in order (id, locator, label, prefix).
  function cluster(citationItems, noteIndex) {
    return { citationItems: citationItems, properties: { noteIndex: noteIndex } };
  }

  return {
    addLocale: function (lang, xml) {
      locales[lang] = xml;
      return true;
    },
    hasEngine: function (key) {
      return Object.prototype.hasOwnProperty.call(engines, key);
    },
    // Forget an engine, so that V8 can collect it (the Python side keeps the cache small).
    dropEngine: function (key) {
      delete engines[key];
      return true;
    },
    buildEngine: function (key, styleXml, format, lang) {
      var built = new CSL.Engine(sys, styleXml, lang || "en-US", true);
      built.setOutputFormat(format);
      engines[key] = built;
      return { isNote: built.opt.xclass === "note", hasBibliography: !!built.bibliography };
    },
    // The bibliography of `list`, sorted as the style says: [[id, entry], ...]; with
    // `only` (ids), the entries of those items alone, formatted in the document of them
    // all (year suffixes as in the whole list, no "———" for an author not printed).
    bibliography: function (key, list, only) {
      var eng = engine(key);
      eng.restoreProcessorState([]);
      eng.updateItems(setItems(list));
      var section = only
        ? {
            include: only.map(function (id) {
              return { field: "id", value: id };
            }),
          }
        : undefined;
      printedPositions = [];
      var result = eng.makeBibliography(section);
      if (!result) {
        return [];
      }
      var ids = result[0].entry_ids;
      if (printedPositions.length !== result[1].length) {
        throw new Error("bibliography entries and their items do not line up");
      }
      return result[1].map(function (entry, index) {
        return [String(ids[printedPositions[index]][0]), entry];
      });
    },
    // Citation clusters cited in this order in one fresh document, each a list of
    // citation items; for a note style the Nth cluster is footnote N. Every item of
    // `list` is in the document (uncited ones too), so citations are told apart from all
    // of them ("1957a"). Returns each cluster's final text, in order: a later citation
    // may change an earlier one ("1957" becoming "1957a").
    citations: function (key, list, clusters, isNote) {
      var eng = engine(key);
      eng.restoreProcessorState([]);
      eng.updateItems([]);
      eng.updateUncitedItems(setItems(list));
      var pre = [];
      var out = [];
      clusters.forEach(function (citationItems, index) {
        var noteIndex = isNote ? index + 1 : 0;
        var citation = cluster(citationItems, noteIndex);
        var result = eng.processCitationCluster(citation, pre, []);
        out.push("");
        result[1].forEach(function (update) {
          out[update[0]] = update[1];
        });
        pre.push([citation.citationID, noteIndex]);
      });
      return out;
    },
  };
})();
