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
    buildEngine: function (key, styleXml, format, lang) {
      var built = new CSL.Engine(sys, styleXml, lang || "en-US", true);
      built.setOutputFormat(format);
      engines[key] = built;
      return { isNote: built.opt.xclass === "note", hasBibliography: !!built.bibliography };
    },
    // The bibliography of `list`, sorted as the style says: [[id, entry], ...].
    bibliography: function (key, list) {
      var eng = engine(key);
      eng.restoreProcessorState([]);
      eng.updateItems(setItems(list));
      var result = eng.makeBibliography();
      if (!result) {
        return [];
      }
      var ids = result[0].entry_ids;
      return result[1].map(function (entry, index) {
        return [String(ids[index][0]), entry];
      });
    },
    // Citation clusters cited in this order in one fresh document, each a list of
    // citation items; for a note style the Nth cluster is footnote N. Returns each
    // cluster's formatted text, in order.
    citations: function (key, list, clusters, isNote) {
      var eng = engine(key);
      eng.restoreProcessorState([]);
      eng.updateItems(setItems(list));
      var pre = [];
      var out = [];
      clusters.forEach(function (citationItems, index) {
        var noteIndex = isNote ? index + 1 : 0;
        var citation = cluster(citationItems, noteIndex);
        var result = eng.processCitationCluster(citation, pre, []);
        var mine = "";
        result[1].forEach(function (update) {
          if (update[0] === pre.length) {
            mine = update[1];
          }
        });
        out.push(mine);
        pre.push([citation.citationID, noteIndex]);
      });
      return out;
    },
  };
})();
