/* The search page. The index is split by term (see archive/search.py): a query
 * loads only the partitions of its words, then the few small files that describe
 * the results on screen. Every file is a script calling ArchiveSearch.add, so
 * search also works from file://. Everything from the index is shown as text. */
(function () {
  "use strict";
  var P = window.ArchivePipeline;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var manifest = JSON.parse(document.getElementById("search-manifest").textContent);
  var root = form.getAttribute("data-root");
  var FILTERS = ["cum", "nam", "loai", "tinh"];
  var PAGE = 20;
  var KEEP_PARTITIONS = 40; // loaded partitions kept in memory, least recently used dropped first
  var MAX_PREFIX_PARTITIONS = 12;
  var loaded = {}; // file -> data (a lunr.Index for partitions)
  var usage = []; // partition files, least recently used first
  var waiting = {}; // file -> [resolve, reject] pairs
  var generation = 0;
  var timer = null;
  var shown = { results: [], count: 0, query: null };

  window.ArchiveSearch = {
    add: function (file, data) {
      loaded[file] = data.invertedIndex ? lunr.Index.load(data) : data;
      (waiting[file] || []).forEach(function (pair) { pair[0](loaded[file]); });
      delete waiting[file];
    }
  };

  function remember(file) {
    if (!/\/t\d+\.js$/.test(file)) return;
    usage = usage.filter(function (name) { return name !== file; });
    usage.push(file);
    while (usage.length > KEEP_PARTITIONS) delete loaded[usage.shift()];
  }

  function load(file) {
    return new Promise(function (resolve, reject) {
      if (loaded[file]) { remember(file); resolve(loaded[file]); return; }
      var first = !waiting[file];
      (waiting[file] = waiting[file] || []).push([function (data) { remember(file); resolve(data); }, reject]);
      if (!first) return;
      var script = document.createElement("script");
      script.src = root + file;
      script.onload = function () { script.remove(); };
      script.onerror = function () {
        script.remove();
        (waiting[file] || []).forEach(function (pair) { pair[1](new Error(file)); });
        delete waiting[file];
      };
      document.head.appendChild(script);
    });
  }

  /* The query as terms. Neighbouring words add a boost for matching side by side,
   * more for a quoted phrase; while typing, the last word also matches as a prefix. */
  function parse(text, typing) {
    var terms = [];
    var pairs = [];
    var pattern = /"([^"]*)"?|([^"\s]+)/g;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var piece = match[1] !== undefined ? match[1] : match[2];
      var words = lunr.tokenizer(P.prepare(piece)).map(function (t) { return P.trim(t.toString()); })
        .filter(Boolean);
      var boost = match[1] !== undefined ? 100 : 50;
      for (var i = 0; i + 1 < words.length; i++) {
        pairs.push({ folded: P.fold(words[i]) + "_" + P.fold(words[i + 1]), boost: boost });
      }
      words.forEach(function (word) { terms.push({ exact: word, folded: P.fold(word) }); });
    }
    var prefix = Boolean(typing) && terms.length > 0 && !/[\s"]$/.test(text);
    terms.forEach(function (term, n) {
      term.prefix = prefix && n === terms.length - 1 && term.folded.length >= 2;
    });
    return { terms: terms, pairs: pairs };
  }

  /* The partition files of one article group that can hold a folded term (and, for a
   * prefix, its continuations): the group's keys are prefixes of folded terms. */
  function partitionsFor(folded, prefix, group) {
    var keys = manifest.groups[group];
    var best = -1;
    var found = [];
    keys.forEach(function (key, n) {
      if (folded.indexOf(key) === 0 && (best < 0 || key.length > keys[best].length)) best = n;
      else if (prefix && key.indexOf(folded) === 0 && found.length < MAX_PREFIX_PARTITIONS) found.push(n);
    });
    if (best >= 0) found.unshift(best);
    return found.map(function (n) { return "search/t" + group + "-" + n + ".js"; });
  }

  /* Every article matching one term: ref -> score, and the refs that match it as written
   * (with its diacritics), which rank above those that match only when folded. One lunr
   * query per partition does both: the matched terms of each hit tell which form matched. */
  function matchTerm(term, group, boost) {
    var files = partitionsFor(term.folded, term.prefix, group);
    var marked = term.exact && term.exact !== term.folded;
    var wildcard = term.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE;
    return Promise.all(files.map(load)).then(function (indexes) {
      var found = { scores: {}, exact: {} };
      indexes.forEach(function (index) {
        index.query(function (q) {
          q.term(term.folded, { usePipeline: false, boost: boost || 1, wildcard: wildcard });
          if (marked) q.term(term.exact, { usePipeline: false, boost: 10, wildcard: wildcard });
        }).forEach(function (hit) {
          found.scores[hit.ref] = (found.scores[hit.ref] || 0) + hit.score;
          if (marked && Object.keys(hit.matchData.metadata).some(function (matched) {
            return matched === term.exact || (term.prefix && matched.indexOf(term.exact) === 0);
          })) found.exact[hit.ref] = true;
        });
      });
      return found;
    });
  }

  function filterRows(state) {
    var active = FILTERS.some(function (name) { return state[name]; });
    return active ? load(manifest.filters) : Promise.resolve(null);
  }

  function passes(row, table, state) {
    return (!state.cum || table.clusters[row[0]] === state.cum) && (!state.nam || String(row[1]) === state.nam) &&
      (!state.loai || table.kinds[row[2]] === state.loai) &&
      (!state.tinh || row[3].some(function (p) { return table.provinces[p] === state.tinh; }));
  }

  function search(state, typing) {
    var mine = ++generation;
    var query = parse(state.q, typing);
    if (!query.terms.length) {
      list.textContent = "";
      more.hidden = true;
      status.textContent = "Nhập tên tỉnh, cụm thi đua, người hay cụm từ bạn nhớ, có dấu hoặc không dấu.";
      return;
    }
    status.textContent = "Đang tìm…";
    var results = [];
    shown = { results: results, count: 0, query: query, state: state, more: true };
    var group = manifest.groups.length - 1;
    /* Article groups (numbered oldest first) are read newest first; the results so far show after each. */
    var next = function () {
      var lookups = query.terms.map(function (term) { return matchTerm(term, group); });
      var boosts = query.pairs.map(function (pair) { return matchTerm({ folded: pair.folded }, group, pair.boost); });
      return Promise.all([Promise.all(lookups), Promise.all(boosts), filterRows(state)]).then(function (parts) {
        if (mine !== generation) return;
        var perTerm = parts[0];
        var table = parts[2];
        Object.keys(perTerm[0].scores).forEach(function (ref) {
          var score = 0;
          var exact = 0;
          for (var i = 0; i < perTerm.length; i++) {
            if (!(ref in perTerm[i].scores)) return; // every word must match
            score += perTerm[i].scores[ref];
            if (perTerm[i].exact[ref]) exact += 1;
          }
          parts[1].forEach(function (pair) { score += pair.scores[ref] || 0; });
          if (table && !passes(table.rows[Number(ref)], table, state)) return;
          results.push({ id: Number(ref), score: score, exact: exact });
        });
        results.sort(function (a, b) { return b.exact - a.exact || b.score - a.score || b.id - a.id; });
        group -= 1;
        shown.more = group >= 0;
        var visible = Math.max(PAGE, shown.count);
        shown.count = 0;
        list.textContent = "";
        return showMore(mine, visible).then(function () { if (shown.more) return next(); });
      });
    };
    next().catch(function () {
      if (mine === generation) status.textContent = "Không tải được chỉ mục tìm kiếm. Hãy tải lại trang.";
    });
  }

  /* Describe the next PAGE results, loading the files that hold them. */
  function showMore(mine, size) {
    var page = shown.results.slice(shown.count, shown.count + (size || PAGE));
    var files = {};
    page.forEach(function (result) { files["search/d" + Math.floor(result.id / manifest.perFile) + ".js"] = true; });
    return Promise.all(Object.keys(files).map(load)).then(function () {
      if (mine !== generation) return;
      page.forEach(function (result) {
        var docs = loaded["search/d" + Math.floor(result.id / manifest.perFile) + ".js"];
        list.appendChild(item(docs[result.id % manifest.perFile], shown.query));
      });
      shown.count += page.length;
      more.hidden = shown.count >= shown.results.length;
      describe();
    });
  }

  function describe() {
    var state = shown.state;
    var total = shown.results.length;
    var filtered = FILTERS.some(function (name) { return state[name]; });
    if (total) {
      status.textContent = "Tìm thấy " + total.toLocaleString("vi-VN") + " hội nghị cho “" + state.q + "”" +
        (total > shown.count ? ", đang hiện " + shown.count.toLocaleString("vi-VN") : "") +
        (shown.more ? " (đang tìm thêm…)" : ".");
    } else if (shown.more) {
      status.textContent = "Đang tìm…";
    } else {
      status.textContent = "Không tìm thấy hội nghị nào cho “" + state.q + "”" + (filtered ? " với bộ lọc đã chọn" : "") +
        ". Hãy thử từ khóa ngắn hơn, viết không dấu, kiểm tra chính tả" + (filtered ? ", hoặc bỏ bớt bộ lọc." : ".");
    }
  }

  function matches(word, query) {
    var folded = P.fold(P.trim(word.toLowerCase()));
    if (!folded) return false;
    return query.terms.some(function (term) {
      return folded === term.folded || (term.prefix && folded.indexOf(term.folded) === 0);
    });
  }

  function highlighted(text, query) {
    var fragment = document.createDocumentFragment();
    text.split(/(\s+)/).forEach(function (word) {
      if (word && !/^\s+$/.test(word) && matches(word, query)) {
        var mark = document.createElement("mark");
        mark.textContent = word;
        fragment.appendChild(mark);
      } else {
        fragment.appendChild(document.createTextNode(word));
      }
    });
    return fragment;
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
    link.appendChild(highlighted(doc.t, query));
    heading.appendChild(link);
    node.appendChild(heading);
    var meta = element("p", "meta");
    var time = element("time", "", doc.d);
    time.setAttribute("datetime", doc.i);
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" · " + doc.n + " · " + doc.kn));
    node.appendChild(meta);
    if (doc.p.length) node.appendChild(element("p", "meta", "Tỉnh, thành phố: " + doc.p.join(", ")));
    var snippet = element("p", "snippet");
    snippet.appendChild(highlighted(doc.s, query));
    node.appendChild(snippet);
    return node;
  }

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var state = { q: params.get("q") || "" };
    FILTERS.forEach(function (name) { state[name] = params.get(name) || ""; });
    return state;
  }

  function showState(state) {
    input.value = state.q;
    FILTERS.forEach(function (name) { form.elements[name].value = state[name]; });
  }

  function formState() {
    var state = { q: input.value.trim() };
    FILTERS.forEach(function (name) { state[name] = form.elements[name].value; });
    return state;
  }

  function queryString(state) {
    var params = new URLSearchParams();
    ["q"].concat(FILTERS).forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    return "?" + params.toString();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
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

  more.addEventListener("click", function () { showMore(generation); });

  window.addEventListener("popstate", function () {
    var state = readState();
    showState(state);
    search(state);
  });

  var initial = readState();
  showState(initial);
  search(initial);
})();
