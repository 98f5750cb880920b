/* The search page: loads index shards newest first, shows results as each arrives.
 * Shards are scripts (ArchiveSearch.addShard), so search also works from file://.
 * Everything from the index is put on the page as text, never as HTML. */
(function () {
  "use strict";
  var P = window.ArchivePipeline;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var manifest = JSON.parse(document.getElementById("search-manifest").textContent);
  var root = form.getAttribute("data-root");
  var FILTERS = ["cum", "nam", "loai", "tinh"];
  var KEEP_SHARDS = 8; // loaded shards kept in memory; older ones are loaded again when needed
  var loaded = {}; // shard name -> {docs, index}
  var order = []; // shard names, least recently used first
  var waiting = {}; // shard name -> callbacks
  var generation = 0;
  var timer = null;

  window.ArchiveSearch = {
    addShard: function (payload) {
      loaded[payload.name] = { docs: payload.docs, index: lunr.Index.load(payload.index) };
      touch(payload.name);
      (waiting[payload.name] || []).forEach(function (done) { done(loaded[payload.name]); });
      delete waiting[payload.name];
    }
  };

  function touch(name) {
    order = order.filter(function (n) { return n !== name; });
    order.push(name);
    while (order.length > KEEP_SHARDS) delete loaded[order.shift()];
  }

  function nameOf(entry) { return entry.file.split("/").pop(); }

  function loadShard(entry, done, failed) {
    var name = nameOf(entry);
    if (loaded[name]) { touch(name); done(loaded[name]); return; }
    if (waiting[name]) { waiting[name].push(done); return; }
    waiting[name] = [done];
    var script = document.createElement("script");
    script.src = root + entry.file;
    script.onload = function () { script.remove(); };
    script.onerror = function () { delete waiting[name]; script.remove(); failed(); };
    document.head.appendChild(script);
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
        pairs.push({ term: P.fold(words[i]) + "_" + P.fold(words[i + 1]), boost: boost });
      }
      words.forEach(function (word) { terms.push({ exact: word, folded: P.fold(word) }); });
    }
    return { terms: terms, pairs: pairs, typing: Boolean(typing) && terms.length > 0 && !/[\s"]$/.test(text) };
  }

  function run(index, query) {
    return index.query(function (q) {
      query.terms.forEach(function (term, n) {
        var prefix = query.typing && n === query.terms.length - 1 && term.folded.length >= 2;
        q.term(term.folded, {
          presence: lunr.Query.presence.REQUIRED, usePipeline: false,
          wildcard: prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
        });
        if (term.exact !== term.folded) q.term(term.exact, { boost: 10, usePipeline: false });
      });
      query.pairs.forEach(function (pair) { q.term(pair.term, { boost: pair.boost, usePipeline: false }); });
    });
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

  function toQueryString(state) {
    var params = new URLSearchParams();
    ["q"].concat(FILTERS).forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    var text = params.toString();
    return text ? "?" + text : window.location.pathname.split("/").pop();
  }

  function passes(doc, state) {
    return (!state.cum || doc.c === state.cum) && (!state.nam || String(doc.y) === state.nam) &&
      (!state.loai || doc.k === state.loai) && (!state.tinh || doc.p.indexOf(state.tinh) >= 0);
  }

  function search(state, typing) {
    var mine = ++generation;
    var query = parse(state.q, typing);
    list.textContent = "";
    if (!query.terms.length) {
      status.textContent = "Nhập tên tỉnh, cụm thi đua, người hay cụm từ bạn nhớ, có dấu hoặc không dấu.";
      return;
    }
    var shards = manifest.filter(function (entry) { return !state.nam || String(entry.year) === state.nam; });
    var results = [];
    var done = 0;
    status.textContent = "Đang tìm…";
    var next = function () {
      if (mine !== generation) return;
      if (done === shards.length) { render(results, query, state, false); return; }
      var entry = shards[done];
      loadShard(entry, function (shard) {
        if (mine !== generation) return;
        run(shard.index, query).forEach(function (hit) {
          var doc = shard.docs[Number(hit.ref)];
          if (passes(doc, state)) results.push({ doc: doc, score: hit.score });
        });
        done += 1;
        render(results, query, state, done < shards.length);
        window.setTimeout(next, 0);
      }, function () {
        status.textContent = "Không tải được chỉ mục tìm kiếm. Hãy tải lại trang.";
      });
    };
    next();
  }

  function matches(word, query) {
    var folded = P.fold(P.trim(word.toLowerCase()));
    if (!folded) return false;
    return query.terms.some(function (term, n) {
      var prefix = query.typing && n === query.terms.length - 1;
      return folded === term.folded || (prefix && folded.indexOf(term.folded) === 0);
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

  function render(results, query, state, more) {
    results.sort(function (a, b) { return b.score - a.score || (a.doc.i < b.doc.i ? 1 : -1); });
    list.textContent = "";
    results.forEach(function (result) {
      var doc = result.doc;
      var item = element("li", "result");
      var heading = element("h2");
      var link = element("a");
      link.href = root + doc.u + "index.html";
      link.appendChild(highlighted(doc.t, query));
      heading.appendChild(link);
      item.appendChild(heading);
      var meta = element("p", "meta");
      var time = element("time", "", doc.d);
      time.setAttribute("datetime", doc.i);
      meta.appendChild(time);
      meta.appendChild(document.createTextNode(" · " + doc.n + " · " + doc.kn));
      item.appendChild(meta);
      if (doc.p.length) item.appendChild(element("p", "meta", "Tỉnh, thành phố: " + doc.p.join(", ")));
      var snippet = element("p", "snippet");
      snippet.appendChild(highlighted(doc.s, query));
      item.appendChild(snippet);
      list.appendChild(item);
    });
    var filtered = FILTERS.some(function (name) { return state[name]; });
    if (results.length) {
      status.textContent = "Tìm thấy " + results.length.toLocaleString("vi-VN") + " hội nghị cho “" + state.q + "”" +
        (more ? " (đang tìm thêm…)" : ".");
    } else if (more) {
      status.textContent = "Đang tìm…";
    } else {
      status.textContent = "Không tìm thấy hội nghị nào cho “" + state.q + "”" + (filtered ? " với bộ lọc đã chọn" : "") +
        ". Hãy thử từ khóa ngắn hơn, viết không dấu, kiểm tra chính tả" + (filtered ? ", hoặc bỏ bớt bộ lọc." : ".");
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var state = formState();
    var url = toQueryString(state);
    try {
      window.history.pushState(state, "", url);
    } catch (error) { // some browsers refuse history entries for file:// pages
      window.location.search = url.charAt(0) === "?" ? url : "";
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

  window.addEventListener("popstate", function () {
    var state = readState();
    showState(state);
    search(state);
  });

  var initial = readState();
  showState(initial);
  search(initial);
})();
