/* The search page. The index is split by term (see archive/search.py): a query
 * loads only the partitions of its words (a file holds every group's partition
 * of one key), ranks once, then loads the few small files that describe the
 * results on screen.
 * Every file is a script calling ArchiveSearch.add with its JSON compressed
 * (deflate, as base64), so search also works from file://. Everything from
 * the index is shown as text. */
(function () {
  "use strict";
  var P = window.ArchivePipeline;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var manifest = JSON.parse(document.getElementById("search-manifest").textContent);
  /* Other names (see archive/make/search.py, query_words): short and joined forms -> the province's
   * name, and each province merged away -> [name, successor, day, the day's year]. */
  var names = JSON.parse(document.getElementById("search-words").textContent);
  var root = form.getAttribute("data-root");
  var FILTERS = ["cum", "nam", "loai", "tinh"];
  var EXACT = "chinhxac"; // ?chinhxac=1: the words as typed, no correction of a typo
  /* A result has this much more score when every word of the query is in its title or facts
   * (its provinces, cluster, kind, year), in proportion: the conference a query names, above
   * those whose text merely mentions the words. */
  var FACT_EDGE = 1;
  var YEAR = /^(19|20)\d\d$/;
  var OTHER_YEAR = 0.1;
  /* A query naming a year ranks the conferences of that year (in their facts) this much higher:
   * the year is what a reader who types one is surest of. */
  var YEAR_EDGE = 2;
  var LONGEST_NAME = 4; // words: the longest short form or old name looked for in a query
  var MIN_FUZZY = 4; // letters: a shorter word is corrected only as half of a pair found side by side
  var PAGE = 20;
  /* Loaded partitions (t, counted by group: a file holds one per group) and result files (r)
   * kept, the least recently used file dropped first. */
  var KEEP = { t: 40, r: 50 };
  var MAX_PREFIX_PARTITIONS = 12;
  /* A pair of the query's words found side by side adds its own weight this many times:
   * pair terms are rare, so their weight is already high; this makes adjacency decide. */
  var PAIR_BOOST = 2;
  /* A result whose words have the reader's diacritics wins over one that matches only
   * when folded if the two are otherwise this close: the same match, written differently. */
  var EXACT_EDGE = 0.1;
  var SNIPPET_WORDS = 32;
  var number = new Intl.NumberFormat("vi-VN"); // made once: toLocaleString makes one for each number
  var loaded = {}; // file -> data (for a partition file, group -> lunr.Index)
  var usage = { t: [], r: [] }; // evictable files, least recently used first
  var waiting = {}; // file -> [resolve, reject] pairs
  var generation = 0;
  var timer = null;
  var shown = { results: [], count: 0, query: null };

  /* A file's data: its base64 decoded, inflated, parsed. The bytes are streamed from a
   * Response, not a Blob, whose stream Chromium reads through the browser process. */
  function unpack(packed) {
    var binary = atob(packed);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var inflated = new Response(bytes).body.pipeThrough(new DecompressionStream("deflate"));
    return new Response(inflated).json();
  }

  /* The filter table's columns (see archive/search.py, _filter_table) as rows:
   * [cluster, year, kind, [provinces]], numbers into its lists. */
  function table(data) {
    var code = function (text, at) { return text.charCodeAt(at) - manifest.firstCode; };
    var provinces = data.province.split(" ");
    data.rows = Array.prototype.map.call(data.cluster, function (_, n) {
      var own = [];
      for (var i = 0; i < provinces[n].length; i++) own.push(code(provinces[n], i));
      return [code(data.cluster, n), data.firstYear + code(data.year, n), code(data.kind, n), own];
    });
    return data;
  }

  /* A partition file's data: each group's partition, inflated and loaded as it comes. */
  function partitions(packed) {
    var groups = Object.keys(packed);
    return Promise.all(groups.map(function (group) { return unpack(packed[group]).then(lunr.Index.load); }))
      .then(function (indexes) {
        var byGroup = {};
        groups.forEach(function (group, n) { byGroup[group] = indexes[n]; });
        return byGroup;
      });
  }

  function settle(file, error, data) {
    if (!error) loaded[file] = file === manifest.filters ? table(data) : data;
    (waiting[file] || []).forEach(function (pair) {
      if (error) pair[1](error); else pair[0](loaded[file]);
    });
    delete waiting[file];
  }

  window.ArchiveSearch = {
    add: function (file, packed) {
      (typeof packed === "string" ? unpack(packed) : partitions(packed))
        .then(function (data) { settle(file, null, data); }, function (error) { settle(file, error); });
    }
  };

  function remember(file) {
    var kind = /\/([tr])\d+\.js$/.exec(file);
    if (!kind) return;
    var queue = usage[kind[1]];
    var at = queue.indexOf(file);
    if (at >= 0) queue.splice(at, 1);
    queue.push(file);
    var size = function (name) { return kind[1] === "t" ? Object.keys(loaded[name]).length : 1; };
    var kept = queue.reduce(function (sum, name) { return sum + size(name); }, 0);
    while (queue.length > 1 && kept > KEEP[kind[1]]) {
      kept -= size(queue[0]);
      delete loaded[queue.shift()];
    }
  }

  function load(file) {
    return new Promise(function (resolve, reject) {
      if (file in loaded) { remember(file); resolve(loaded[file]); return; }
      var first = !waiting[file];
      (waiting[file] = waiting[file] || []).push([function (data) { remember(file); resolve(data); }, reject]);
      if (!first) return;
      var script = document.createElement("script");
      script.src = root + file;
      script.onload = function () { script.remove(); };
      script.onerror = function () {
        script.remove();
        settle(file, new Error(file));
      };
      document.head.appendChild(script);
    });
  }

  /* The query as words and pairs. Every word must match; each pair of neighbouring
   * words (not across punctuation, nor with a figure: the index has no such pairs)
   * adds the weight of the two side by side, and the
   * pairs inside quotes must be there. While typing, the last word also matches as a
   * prefix, and a last word of one letter waits for the next. */
  function parse(text, typing) {
    var words = [];
    var pattern = /"([^"]*)"?|([^"\s]+)/g;
    var match;
    var phrases = 0;
    while ((match = pattern.exec(text)) !== null) {
      var quoted = match[1] !== undefined;
      var phrase = quoted ? ++phrases : 0;
      lunr.tokenizer(P.prepare(quoted ? match[1] : match[2])).forEach(function (token) {
        var exact = P.normal(token.toString());
        if (exact) words.push({ exact: exact, folded: P.fold(exact), phrase: phrase, ends: P.endsClause(token.toString()) });
      });
    }
    var typingLast = Boolean(typing) && words.length > 0 && !/[\s"]$/.test(text);
    if (typingLast && words[words.length - 1].folded.length < 2) {
      words.pop();
      typingLast = false;
    }
    words.forEach(function (word, n) {
      word.prefix = typingLast && n === words.length - 1;
    });
    var named = expand(words);
    return withPairs(named.words, { named: named.named, merged: mergedIn(named.words) });
  }

  /* Words as the index keeps them from a text (a name's). */
  function wordsOf(text, phrase) {
    return lunr.tokenizer(P.prepare(text)).map(function (token) {
      var exact = P.normal(token.toString());
      return { exact: exact, folded: P.fold(exact), phrase: phrase, ends: P.endsClause(token.toString()), prefix: false };
    }).filter(function (word) { return word.exact; });
  }

  /* The query's short and joined forms of names ("tp hcm", "daklak") replaced by the names they
   * stand for, the longest first; a word still being typed is not one. */
  function expand(words) {
    var out = [];
    var named = [];
    for (var i = 0; i < words.length;) {
      var found = 0;
      for (var size = Math.min(LONGEST_NAME, words.length - i); size > 0 && !found; size--) {
        var part = words.slice(i, i + size);
        var key = part.map(function (word) { return word.folded; }).join(" ");
        if (has.call(names.aliases, key) && !part[size - 1].prefix) found = size;
      }
      if (!found) {
        out.push(words[i]);
        i += 1;
        continue;
      }
      var typed = words.slice(i, i + found);
      var name = names.aliases[typed.map(function (word) { return word.folded; }).join(" ")];
      var replaced = wordsOf(name, typed[0].phrase);
      replaced[replaced.length - 1].ends = typed[found - 1].ends;
      named.push([typed.map(function (word) { return word.exact; }).join(" "), name]);
      out = out.concat(replaced);
      i += found;
    }
    return { words: out, named: named };
  }

  /* The provinces merged away that the query names with a year from their merger on:
   * [name, successor, day], each once. */
  function mergedIn(words) {
    var found = [];
    var years = words.filter(function (word) { return /^\d{4}$/.test(word.folded); })
      .map(function (word) { return Number(word.folded); });
    for (var i = 0; i < words.length; i++) {
      for (var size = Math.min(LONGEST_NAME, words.length - i); size > 0; size--) {
        var key = words.slice(i, i + size).map(function (word) { return word.folded; }).join(" ");
        var merged = has.call(names.merged, key) ? names.merged[key] : null;
        if (merged && years.some(function (year) { return year >= Number(merged[3]); }) &&
            !found.some(function (item) { return item[0] === merged[0]; })) {
          found.push(merged);
        }
      }
    }
    return found;
  }

  /* A query of these words: each pair of neighbouring words (not across punctuation, nor with a
   * figure: the index has no such pairs), required inside quotes. */
  function withPairs(words, query) {
    words.forEach(function (word) { word.marked = word.exact !== word.folded; });
    var pairs = [];
    for (var i = 0; i + 1 < words.length; i++) {
      if (words[i].ends || P.hasFigure(words[i].folded) || P.hasFigure(words[i + 1].folded)) continue;
      pairs.push({ folded: words[i].folded + "_" + words[i + 1].folded, prefix: words[i + 1].prefix,
                   required: words[i].phrase > 0 && words[i].phrase === words[i + 1].phrase });
    }
    query.words = words;
    query.pairs = pairs;
    return query;
  }

  /* The partition files whose partition of one article group can hold a folded term (and,
   * for a prefix, its continuations): the group's keys are prefixes of folded terms. */
  function partitionsFor(folded, prefix, group) {
    var keys = manifest.keys;
    var best = -1;
    var found = [];
    manifest.groups[group].forEach(function (n) {
      if (folded.indexOf(keys[n]) === 0 && (best < 0 || keys[n].length > keys[best].length)) best = n;
      else if (prefix && keys[n].indexOf(folded) === 0 && found.length < MAX_PREFIX_PARTITIONS) found.push(n);
    });
    if (best >= 0) found.unshift(best);
    return found.map(function (n) { return "search/t" + n + ".js"; });
  }

  var has = Object.prototype.hasOwnProperty;

  /* A term's BM25 weight in each article, summed over the fields (each field's boost is in
   * its weights): what lunr's score of a one-term query is, read from the index directly. */
  function weights(index, term, facts) {
    var found = {};
    if (!has.call(index.invertedIndex, term)) return found;
    var posting = index.invertedIndex[term];
    var year = YEAR.test(term);
    index.fields.forEach(function (field) {
      /* A year is the conference's in its facts; in its title or text, often another's (the next
       * year's plans, a law of 2012): there it counts a tenth, and not as a fact. */
      var share = year && field !== "meta" ? OTHER_YEAR : 1;
      Object.keys(posting[field] || {}).forEach(function (ref) {
        if (facts && field !== "body" && share === 1) facts[ref] = true;
        var vector = index.fieldVectors[field + "/" + ref];
        var at = vector ? vector.positionForIndex(posting._index) : -1;
        if (at >= 0 && vector.elements[at] === posting._index) {
          found[ref] = (found[ref] || 0) + share * vector.elements[at + 1];
        }
      });
    });
    return found;
  }

  /* How many articles of an index have the term, in any field. */
  function articlesWith(index, term) {
    if (!has.call(index.invertedIndex, term)) return 0;
    var posting = index.invertedIndex[term];
    var refs = {};
    index.fields.forEach(function (field) { Object.assign(refs, posting[field] || {}); });
    return Object.keys(refs).length;
  }

  /* The terms of an index a lookup stands for: itself, or while typing every folded term
   * (not a pair, unless the lookup is one) that it begins. */
  function termsFor(index, term, prefix, pair) {
    if (!prefix) return [term];
    return Object.keys(index.invertedIndex).filter(function (candidate) {
      return candidate.indexOf(term) === 0 && (pair || candidate.indexOf("_") < 0) && P.fold(candidate) === candidate;
    });
  }

  /* Every article of a group matching a word or pair: ref -> weight (the best of a
   * prefix's continuations), and for a word typed with diacritics the refs that have it
   * as typed. */
  function lookUp(item, group, pair) {
    return Promise.all(partitionsFor(item.folded, item.prefix, group).map(load)).then(function (files) {
      var found = { scores: {}, exact: {}, facts: {} };
      files.forEach(function (byGroup) {
        var index = byGroup[group];
        termsFor(index, item.folded, item.prefix, pair).forEach(function (term) {
          var scores = weights(index, term, found.facts);
          Object.keys(scores).forEach(function (ref) {
            found.scores[ref] = Math.max(found.scores[ref] || 0, scores[ref]);
          });
        });
        if (!pair && item.marked) {
          var exact = item.prefix ? Object.keys(index.invertedIndex).filter(function (term) {
            return term.indexOf(item.exact) === 0;
          }) : [item.exact];
          exact.forEach(function (term) {
            if (!has.call(index.invertedIndex, term)) return;
            var posting = index.invertedIndex[term];
            index.fields.forEach(function (field) {
              Object.keys(posting[field] || {}).forEach(function (ref) { found.exact[ref] = true; });
            });
          });
        }
      });
      return found;
    });
  }

  /* One group's matches: every word present, every quoted pair side by side. */
  function rankGroup(query, group) {
    var words = Promise.all(query.words.map(function (word) { return lookUp(word, group, false); }));
    var pairs = Promise.all(query.pairs.map(function (pair) { return lookUp(pair, group, true); }));
    return Promise.all([words, pairs]).then(function (parts) {
      var perWord = parts[0];
      var perPair = parts[1];
      var marked = query.words.filter(function (word) { return word.marked; }).length;
      var years = query.words.map(function (word) { return YEAR.test(word.folded); });
      var yearCount = years.filter(Boolean).length;
      var results = [];
      Object.keys(perWord[0].scores).forEach(function (ref) {
        var score = 0;
        var exact = 0;
        var facts = 0;
        var ofYear = 0;
        for (var i = 0; i < perWord.length; i++) {
          if (!has.call(perWord[i].scores, ref)) return;
          score += perWord[i].scores[ref];
          if (perWord[i].exact[ref]) exact += 1;
          if (perWord[i].facts[ref]) facts += 1;
          if (perWord[i].facts[ref] && years[i]) ofYear += 1;
        }
        for (var j = 0; j < perPair.length; j++) {
          // a pair in (nearly) every article of a group weighs 0 once rounded, yet it is there
          if (query.pairs[j].required && !has.call(perPair[j].scores, ref)) return;
          score += PAIR_BOOST * (perPair[j].scores[ref] || 0);
        }
        results.push({ id: Number(ref), score: score * (1 + FACT_EDGE * facts / perWord.length) *
                       (1 + (yearCount ? YEAR_EDGE * ofYear / yearCount : 0)) *
                       (1 + (marked ? EXACT_EDGE * exact / marked : 0)) });
      });
      return results;
    });
  }

  /* Every group ranked, best first (ties: the newer article). */
  function rankAll(query) {
    var groups = manifest.groups.map(function (_, group) { return group; });
    return Promise.all(groups.map(function (group) { return rankGroup(query, group); })).then(function (parts) {
      var matches = [].concat.apply([], parts);
      matches.sort(function (a, b) { return b.score - a.score || b.id - a.id; });
      return matches;
    });
  }

  /* The results read again from their text (title, summary and body), for what the index cannot
   * tell: whether the words stand side by side in the query's order. The first RUN_CHECKED results
   * of a query of three words or more have their score times 1 + RUN_EDGE where all its words do
   * (a person's full name, an office with its province, rather than the same words apart); and the
   * first PHRASE_CHECKED of a query with a quoted phrase of three words or more are kept only where
   * every such phrase is there (the index requires its pairs only). The results beyond are kept as
   * they are. */
  var RUN_CHECKED = 40;
  var PHRASE_CHECKED = 60;
  var RUN_EDGE = 2;
  function checked(query, matches) {
    var words = query.words;
    var phrases = [];
    words.forEach(function (word, n) {
      if (!word.phrase) return;
      if (!n || words[n - 1].phrase !== word.phrase) phrases.push([]);
      phrases[phrases.length - 1].push(word);
    });
    phrases = phrases.filter(function (phrase) { return phrase.length >= 3; });
    if (words.length < 3 && !phrases.length) return Promise.resolve(matches);
    var count = phrases.length ? PHRASE_CHECKED : RUN_CHECKED;
    var first = matches.slice(0, count);
    return Promise.all(first.map(function (result) { return load(resultFile(result.id)); })).then(function (files) {
      var kept = [];
      first.forEach(function (result, n) {
        var doc = files[n][result.id % manifest.perFile];
        var text = wordsIn(doc.t + " " + doc.x);
        if (!phrases.every(function (phrase) { return standsIn(phrase, text); })) return;
        kept.push({ id: result.id, score: result.score * (standsIn(words, text) ? 1 + RUN_EDGE : 1) });
      });
      kept.sort(function (a, b) { return b.score - a.score || b.id - a.id; });
      return kept.concat(matches.slice(count));
    });
  }

  /* A text's words as the index keeps them: [folded, whether punctuation follows]. */
  function wordsIn(text) {
    return lunr.tokenizer(P.prepare(text)).map(function (token) {
      return [P.fold(P.normal(token.toString())), P.endsClause(token.toString())];
    }).filter(function (word) { return word[0]; });
  }

  /* Whether the words stand in the text side by side, in order, no punctuation between. */
  function standsIn(words, text) {
    for (var start = 0; start + words.length <= text.length; start++) {
      for (var n = 0; n < words.length; n++) {
        var word = words[n];
        var found = text[start + n];
        var same = word.prefix ? found[0].indexOf(word.folded) === 0 : found[0] === word.folded;
        if (!same || (n < words.length - 1 && found[1])) break;
      }
      if (n === words.length) return true;
    }
    return false;
  }

  /* Each group's partition of a term, once loaded: [index of group 0, …] (undefined where none). */
  function indexesFor(term) {
    return Promise.all(manifest.groups.map(function (_, group) {
      return Promise.all(partitionsFor(term, false, group).map(load)).then(function (files) {
        return files.length ? files[0][group] : undefined;
      });
    }));
  }

  /* The terms of an index one letter away from term: one added, dropped, changed, or two swapped. */
  function near(index, term) {
    return lunr.TokenSet.fromFuzzyString(term, 1).intersect(index.tokenSet).toArray();
  }

  function pairable(word, next) {
    return !word.ends && !P.hasFigure(word.folded) && !P.hasFigure(next.folded);
  }

  /* The query again, each word that is in no article (of 3 letters or more, not a figure, not still
   * being typed) replaced by the word of the index one letter away from it that is in the most
   * articles, side by side with its neighbours counting PAIR_VOTES times more; or null when no
   * word could be replaced. A word of fewer than MIN_FUZZY letters is replaced only by the half
   * of such a pair ("nghe ann": "nghe an"): alone, too many words are one letter from it. */
  var PAIR_VOTES = 10;
  function corrected(query) {
    var words = query.words;
    var lookups = words.map(function (word, i) {
      var candidate = !word.prefix && word.folded.length >= 3 && !P.hasFigure(word.folded);
      if (!candidate) return Promise.resolve(null);
      var before = i > 0 && pairable(words[i - 1], word) ? words[i - 1].folded + "_" : "";
      var after = i + 1 < words.length && pairable(word, words[i + 1]) ? "_" + words[i + 1].folded : "";
      return Promise.all([indexesFor(word.folded), before ? indexesFor(before + word.folded) : [],
                          after ? indexesFor(word.folded + after) : []]).then(function (found) {
        var own = found[0].filter(Boolean);
        if (own.some(function (index) { return articlesWith(index, word.folded) > 0; })) return null;
        var votes = {};
        var vote = function (term, count) {
          if (term && term !== word.folded && term.indexOf("_") < 0 && P.fold(term) === term) {
            votes[term] = (votes[term] || 0) + count;
          }
        };
        if (word.folded.length >= MIN_FUZZY) {
          own.forEach(function (index) {
            near(index, word.folded).forEach(function (term) { vote(term, articlesWith(index, term)); });
          });
        }
        found[1].filter(Boolean).forEach(function (index) {
          near(index, before + word.folded).forEach(function (pair) {
            if (pair.indexOf(before) === 0) vote(pair.slice(before.length), PAIR_VOTES * articlesWith(index, pair));
          });
        });
        found[2].filter(Boolean).forEach(function (index) {
          near(index, word.folded + after).forEach(function (pair) {
            var head = pair.slice(0, pair.length - after.length);
            if (pair.slice(head.length) === after) vote(head, PAIR_VOTES * articlesWith(index, pair));
          });
        });
        var best = null;
        Object.keys(votes).forEach(function (term) {
          if (best === null || votes[term] > votes[best] || (votes[term] === votes[best] && term < best)) best = term;
        });
        return best;
      });
    });
    return Promise.all(lookups).then(function (fixes) {
      if (!fixes.some(Boolean)) return null;
      var words = query.words.map(function (word, i) {
        if (!fixes[i]) return Object.assign({}, word);
        return Object.assign({}, word, { exact: fixes[i], folded: fixes[i], fixed: true });
      });
      return withPairs(words, { named: query.named, merged: query.merged, typed: query });
    });
  }

  function passes(row, table, state, skip) {
    return (skip === "cum" || !state.cum || table.clusters[row[0]] === state.cum) &&
      (skip === "nam" || !state.nam || String(row[1]) === state.nam) &&
      (skip === "loai" || !state.loai || table.kinds[row[2]] === state.loai) &&
      (skip === "tinh" || !state.tinh || row[3].some(function (p) { return table.provinces[p] === state.tinh; }));
  }

  function valuesOf(row, table, name) {
    if (name === "cum") return [table.clusters[row[0]]];
    if (name === "nam") return [String(row[1])];
    if (name === "loai") return [table.kinds[row[2]]];
    return row[3].map(function (p) { return table.provinces[p]; });
  }

  /* Each filter's options with the number of results each would give (the other filters
   * applied); an option that would give none is disabled, unless it is chosen. */
  function showCounts(matches, table, state) {
    FILTERS.forEach(function (name) {
      var counts = {};
      if (matches) {
        matches.forEach(function (id) {
          var row = table.rows[id];
          if (!passes(row, table, state, name)) return;
          valuesOf(row, table, name).forEach(function (value) { counts[value] = (counts[value] || 0) + 1; });
        });
      }
      Array.prototype.forEach.call(form.elements[name].options, function (option) {
        if (!option.hasAttribute("data-label")) option.setAttribute("data-label", option.textContent);
        var label = option.getAttribute("data-label");
        if (!matches || !option.value) {
          option.textContent = label;
          option.disabled = false;
          return;
        }
        var count = counts[option.value] || 0;
        option.textContent = label + " (" + number.format(count) + ")";
        option.disabled = count === 0 && option.value !== state[name];
      });
    });
  }

  function search(state, typing) {
    var mine = ++generation;
    var query = parse(state.q, typing);
    var filtered = FILTERS.some(function (name) { return state[name]; });
    if (!query.words.length && !filtered) {
      list.textContent = "";
      more.hidden = true;
      shown = { results: [], count: 0, query: query, state: state };
      showCounts(null);
      status.textContent = "Nhập tên tỉnh, cụm thi đua, người hay cụm từ bạn nhớ, có dấu hoặc không dấu.";
      return;
    }
    status.textContent = "Đang tìm…";
    /* A query that finds nothing is tried again with its typos corrected (unless asked not to):
     * [the query ranked, its matches]. */
    var ranked = !query.words.length ? Promise.resolve([query, null]) : rankAll(query).then(function (matches) {
      if (matches.length || state.exact) return [query, matches];
      return corrected(query).then(function (fixed) {
        return fixed ? rankAll(fixed).then(function (found) { return [found.length ? fixed : query, found]; })
          : [query, matches];
      });
    }).then(function (found) {
      return found[1].length ? checked(found[0], found[1]).then(function (kept) { return [found[0], kept]; }) : found;
    });
    /* Every group is ranked before anything is shown, so that the results on screen are in their
     * final order. Without filters chosen the filter table is not needed for that: it is read,
     * and its counts drawn, once the page of results is shown (reading it, or counting ten
     * thousand matches, would hold the first result back). */
    var table = filtered || !query.words.length ? load(manifest.filters) : null;
    Promise.all([ranked, table]).then(function (parts) {
      if (mine !== generation) return;
      query = parts[0][0];
      var matches = parts[0][1];
      if (!matches) { // filters alone: every article they allow, newest first
        matches = parts[1].rows.map(function (_, id) { return { id: id, score: 0 }; }).reverse();
      }
      var results = parts[1] ? matches.filter(function (result) { return passes(parts[1].rows[result.id], parts[1], state); })
        : matches;
      shown = { results: results, count: 0, query: query, state: state };
      var painted = showMore(mine, PAGE, true);
      return painted.then(function () { return table || load(manifest.filters); }).then(function (rows) {
        if (mine !== generation) return;
        showCounts(matches.map(function (result) { return result.id; }), rows, state);
        list.removeAttribute("aria-busy");
      });
    }).catch(function () {
      if (mine === generation) status.textContent = "Không tải được chỉ mục tìm kiếm. Hãy tải lại trang.";
    });
  }

  /* Show the next PAGE results, each as soon as its file and those of the results above it are
   * loaded: the first results appear while the rest load, never to move. The list stays busy
   * until its caller is done. */
  function showMore(mine, size, fresh) {
    var page = shown.results.slice(shown.count, shown.count + (size || PAGE));
    var planned = shown.count + page.length;
    more.hidden = true; // until this page is shown
    list.setAttribute("aria-busy", "true");
    if (fresh && !page.length) {
      list.textContent = "";
      describe(planned);
    }
    var files = page.map(function (result) { return load(resultFile(result.id)); });
    var chain = Promise.resolve();
    page.forEach(function (result, n) {
      chain = chain.then(function () { return files[n]; }).then(function (data) {
        if (mine !== generation) return;
        if (fresh && n === 0) list.textContent = "";
        list.appendChild(item(data[result.id % manifest.perFile], shown.query));
        shown.count += 1;
        if (n === 0) describe(planned, data[result.id % manifest.perFile]);
        if (n === page.length - 1) more.hidden = shown.count >= shown.results.length;
      });
    });
    return chain;
  }

  function resultFile(id) { return "search/r" + Math.floor(id / manifest.perFile) + ".js"; }

  /* The status line, once per page of results: how many there are, and how many the page shows. */
  function describe(showing, doc) {
    var state = shown.state;
    var query = shown.query;
    var total = shown.results.length;
    var filtered = FILTERS.some(function (name) { return state[name]; });
    var named = (query.named || []).filter(function (pair) { return P.fold(pair[0]) !== P.fold(pair[1]).toLowerCase(); });
    var asked = state.q ? " cho “" + state.q + "”" + (named.length ? " (" + named.map(function (pair) {
      return pair[0] + ": " + pair[1];
    }).join("; ") + ")" : "") : "";
    var merged = (query.merged || []).map(function (item) {
      return " " + item[0] + " đã sáp nhập vào " + item[1] + " từ " + item[2] + ".";
    }).join("");
    status.textContent = "";
    if (total && query.typed) { // a typo corrected
      status.appendChild(document.createTextNode("Hiện kết quả cho "));
      status.appendChild(element("strong", "", spelled(query, doc)));
      status.appendChild(document.createTextNode(": " + number.format(total) + " hội nghị" +
        (filtered ? " với bộ lọc đã chọn" : "") + (total > showing ? ", đang hiện " + number.format(showing) : "") +
        ". Không có kết quả cho “" + state.q + "”." + merged + " "));
      var exact = element("a", "", "Tìm chính xác “" + state.q + "”");
      exact.href = queryString(Object.assign({}, state, { exact: true }));
      status.appendChild(exact);
    } else if (total) {
      status.textContent = "Tìm thấy " + number.format(total) + " hội nghị" + asked +
        (filtered ? " với bộ lọc đã chọn" : "") +
        (total > showing ? ", đang hiện " + number.format(showing) : "") + "." + merged;
    } else {
      status.textContent = "Không tìm thấy hội nghị nào" + asked + (filtered ? " với bộ lọc đã chọn" : "") +
        ". Hãy thử từ khóa ngắn hơn, viết không dấu, kiểm tra chính tả" + (filtered ? ", hoặc bỏ bớt bộ lọc." : ".");
    }
  }

  /* A corrected query as words: each word typed without diacritics written as the first result
   * writes it ("nghe an": "nghệ an"), else as typed or corrected. */
  function spelled(query, doc) {
    var written = {};
    if (doc) {
      (doc.t + " " + doc.x).split(" ").forEach(function (word) {
        var exact = P.normal(word.toLowerCase());
        var folded = P.fold(exact);
        if (exact && !has.call(written, folded)) written[folded] = exact;
      });
    }
    return query.words.map(function (word) {
      return !word.marked && has.call(written, word.folded) ? written[word.folded] : word.exact;
    }).join(" ");
  }

  /* Whether a word of the text (its letters and digits, as the index keeps them) is one of the
   * query's: its folded form, or false (each distinct word worked out once per query). */
  function matches(core, query) {
    var seen = query.seen || (query.seen = Object.create(null));
    if (core in seen) return seen[core];
    var folded = P.fold(P.normal(core.toLowerCase()));
    var found = Boolean(folded) && query.words.some(function (word) {
      return folded === word.folded || (word.prefix && folded.indexOf(word.folded) === 0);
    });
    return (seen[core] = found && folded);
  }

  /* A run of text with the query's words marked; punctuation around a word stays outside its mark. */
  function highlighted(words, query) {
    var fragment = document.createDocumentFragment();
    words.forEach(function (word, n) {
      if (n) fragment.appendChild(document.createTextNode(" "));
      var parts = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u.exec(word);
      if (parts[2] && matches(parts[2], query)) {
        if (parts[1]) fragment.appendChild(document.createTextNode(parts[1]));
        fragment.appendChild(element("mark", "", parts[2]));
        if (parts[3]) fragment.appendChild(document.createTextNode(parts[3]));
      } else {
        fragment.appendChild(document.createTextNode(word));
      }
    });
    return fragment;
  }

  /* The stretch of the text with the most of the query's words (side by side counting
   * more), or its start when the match lies in the title or the facts only. */
  function snippet(text, query) {
    var words = text.split(" ");
    var hits = words.map(function (word) {
      return matches(P.trim(word), query) || null;
    });
    var best = 0;
    var bestScore = 0;
    for (var start = 0; start < words.length; start++) {
      if (hits[start] === null) continue;
      var from = Math.max(0, start - 6);
      var seen = {};
      var score = 0;
      for (var n = from; n < Math.min(words.length, from + SNIPPET_WORDS); n++) {
        if (hits[n] === null) continue;
        score += seen[hits[n]] ? 1 : 10;
        seen[hits[n]] = true;
        if (n > from && hits[n - 1] !== null) score += 5;
      }
      if (score > bestScore) { bestScore = score; best = from; }
    }
    var node = element("p", "snippet");
    if (best > 0) node.appendChild(document.createTextNode("… "));
    node.appendChild(highlighted(words.slice(best, best + SNIPPET_WORDS), query));
    if (best + SNIPPET_WORDS < words.length) node.appendChild(document.createTextNode(" …"));
    return node;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function item(doc, query) {
    var node = element("li", "result");
    var heading = element("h2");
    var link = element("a");
    link.href = root + doc.u + "index.html";
    link.appendChild(highlighted(doc.t.split(" "), query));
    heading.appendChild(link);
    node.appendChild(heading);
    var meta = element("p", "meta");
    var time = element("time", "", doc.d);
    time.setAttribute("datetime", doc.i);
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" · " + doc.n + " · " + doc.kn));
    node.appendChild(meta);
    if (doc.p.length) node.appendChild(element("p", "meta", "Tỉnh, thành phố: " + doc.p.join(", ")));
    node.appendChild(snippet(doc.x, query));
    return node;
  }

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var state = { q: params.get("q") || "", exact: params.get(EXACT) === "1" };
    FILTERS.forEach(function (name) { state[name] = params.get(name) || ""; });
    return state;
  }

  function showState(state) {
    input.value = state.q;
    FILTERS.forEach(function (name) { form.elements[name].value = state[name]; });
  }

  function formState() {
    var state = { q: input.value.trim() };
    // the words as typed, still, while the reader changes filters but not the words
    state.exact = Boolean(shown.state && shown.state.exact && shown.state.q === state.q);
    FILTERS.forEach(function (name) { state[name] = form.elements[name].value; });
    return state;
  }

  function queryString(state) {
    var params = new URLSearchParams();
    ["q"].concat(FILTERS).forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    if (state.exact) params.set(EXACT, "1");
    return "?" + params.toString();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer); // a search while typing must not run after Enter
    var state = formState();
    try {
      window.history.pushState(null, "", queryString(state));
    } catch (error) { // a browser that refuses history entries here: load the page for the query
      window.location.search = queryString(state);
      return;
    }
    search(state);
  });

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { search(formState(), true); }, 150);
  });

  FILTERS.forEach(function (name) {
    form.elements[name].addEventListener("change", function () { form.requestSubmit(); });
  });

  more.addEventListener("click", function () {
    var mine = generation;
    showMore(mine).then(function () {
      if (mine === generation) list.removeAttribute("aria-busy");
    });
  });

  window.addEventListener("popstate", function () {
    window.clearTimeout(timer);
    var state = readState();
    showState(state);
    search(state);
  });

  var initial = readState();
  showState(initial);
  search(initial);
})();
