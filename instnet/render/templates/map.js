/* instnet interactive map: reads the JSON data island, draws it with vis-network,
   wires the legend toggles, filters and search box. Text only ever goes into the
   page through textContent / option.text: no innerHTML anywhere. */
(function () {
  "use strict";
  var island = document.getElementById("instnet-data");
  var container = document.getElementById("instnet-canvas");
  if (!island || !container) { return; }
  var data = JSON.parse(island.textContent);
  var UNMET = "#c00000", OFFER = "#00a050", SERVED = "#1a9850", PATH = "#202020";
  var status = document.getElementById("instnet-status");
  // sentences in the page's language (filled in by Python), with {name} slots
  var text = data.text || {};
  var numberFormat = new Intl.NumberFormat(text.locale || "en");
  function say(key, values) {
    return String(text[key] || key).replace(/\{(\w+)\}/g, function (m, k) {
      var v = values[k];
      return typeof v === "number" ? numberFormat.format(v) : String(v);
    });
  }
  // search ignores case and accents: "pena" finds "Peña"
  function fold(s) {
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function tip(text) {
    var el = document.createElement("div");
    el.className = "instnet-tip";
    el.textContent = text;
    return el;
  }
  function has(list, x) { return Array.isArray(list) && list.indexOf(x) >= 0; }
  function recolour(colour, border) {
    return { background: colour.background, border: border,
             highlight: { background: colour.background, border: "#000000" } };
  }

  var byId = {};
  var nodeRows = data.nodes.map(function (n) {
    var o = Object.assign({}, n);
    o.title = tip(n.tip);
    byId[n.id] = n;
    return o;
  });
  var edgeRows = data.edges.map(function (e) {
    var o = Object.assign({}, e);
    o.title = tip(e.tip);
    return o;
  });
  var nodes = new vis.DataSet(nodeRows);
  var edges = new vis.DataSet(edgeRows);
  var options = JSON.parse(document.getElementById("instnet-options").textContent);
  var overlay = document.getElementById("instnet-loading");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  var api = { network: network, nodes: nodes, edges: edges, ready: false, total: data.nodes.length };
  window.instnetMap = api;

  function finish() {
    if (api.ready) { return; }
    network.setOptions({ physics: { enabled: false } });
    network.fit({ animation: false });
    api.ready = true;
    api.readyMs = Math.round(performance.now());
    if (overlay) { overlay.hidden = true; }
    document.body.setAttribute("data-map-ready", "true");
  }
  // region names of a precomputed (by region) layout, drawn on the canvas as plain text
  var regionLabels = data.regionLabels || [];
  if (regionLabels.length) {
    network.on("afterDrawing", function (ctx) {
      ctx.save();
      var scale = network.getScale();  // at most 28 px on screen when zoomed in
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      regionLabels.forEach(function (l) {
        if (state && state.region && l.region !== state.region && l.region !== "") { return; }
        var size = Math.min(l.size, 28 / scale);
        ctx.font = "bold " + size + "px system-ui, Arial, sans-serif";
        ctx.lineWidth = size / 6;
        ctx.strokeStyle = "rgba(255,255,255,0.9)";
        ctx.strokeText(l.text, l.x, l.y);
        ctx.fillStyle = "#333333";
        ctx.fillText(l.text, l.x, l.y);
      });
      ctx.restore();
    });
  }
  network.on("stabilizationProgress", function (p) {
    if (overlay) { overlay.textContent = say("layout", {}) + " " + Math.round(100 * p.iterations / p.total) + " %"; }
  });
  network.once("stabilizationIterationsDone", finish);
  if (!data.nodes.length || options.physics.enabled === false) { finish(); }
  window.setTimeout(finish, 20000);

  // ------------------------------------------------------------------ filters
  var state = { service: data.preselectService || "", region: "", kinds: {}, types: {} };
  var serviceSel = document.getElementById("instnet-service");
  // what each node / edge currently looks like, so apply() only sends what changes
  // (a national map has tens of thousands of edges)
  var nodeKey = {}, edgeKey = {};
  data.nodes.forEach(function (n) { nodeKey[n.id] = "0|" + n.color.border + "|" + n.borderWidth; });
  data.edges.forEach(function (e) { edgeKey[e.id] = (e.hidden ? "1" : "0") + "|b"; });
  (data.hiddenTypes || []).forEach(function (t) { state.types[t] = false; });
  var regionSel = document.getElementById("instnet-region");

  function apply() {
    var S = state.service;
    var sNodes = S ? new Set(data.serviceNodes[S] || []) : null;
    var sEdges = S ? new Set(data.serviceEdges[S] || []) : null;
    var visible = {}, shown = 0, nUpd = [], eUpd = [];
    data.nodes.forEach(function (n) {
      var show = state.kinds[n.kind] !== false &&
        (!state.region || n.region === state.region || n.region === "") &&
        (!sNodes || sNodes.has(n.id));
      visible[n.id] = show;
      if (show) { shown += 1; }
      var colour = n.color, bw = n.borderWidth;
      if (S && show) {
        if (has(n.offers, S)) { colour = recolour(n.color, OFFER); bw = 5; }
        else if (has(n.unmet, S)) { colour = recolour(n.color, UNMET); bw = 5; }
        else if (has(n.needs, S)) { colour = recolour(n.color, SERVED); bw = 3; }
      }
      // send vis-network only what changed: every option sent is parsed again
      var key = (show ? "0" : "1") + "|" + colour.border + "|" + bw, old = nodeKey[n.id];
      if (old !== key) {
        var u = { id: n.id, hidden: !show };
        if (old.slice(1) !== key.slice(1)) { u.color = colour; u.borderWidth = bw; }
        nodeKey[n.id] = key;
        nUpd.push(u);
      }
    });
    if (nUpd.length) { nodes.update(nUpd); }
    var shownEdges = 0;
    data.edges.forEach(function (e) {
      // vis-network never draws a link to a hidden node: "hidden" is only set for the link's own filters
      var own = state.types[e.type] !== false && (!sEdges || sEdges.has(e.id));
      var show = own && visible[e.from] && visible[e.to];
      if (show) { shownEdges += 1; }
      var path = !!(S && own);
      var key = (own ? "0" : "1") + "|" + (path ? "p" : "b"), old = edgeKey[e.id];
      if (old !== key) {
        var u = { id: e.id, hidden: !own };
        if (old.slice(1) !== key.slice(1)) {
          u.color = path ? { color: PATH, highlight: "#000000", opacity: 1 } : e.color;
          u.width = path ? e.width + 2 : e.width;
        }
        edgeKey[e.id] = key;
        eUpd.push(u);
      }
    });
    if (eUpd.length) { edges.update(eUpd); }
    api.shown = shown;
    if (regionLabels.length) { network.redraw(); }
    if (status) {
      var line = say("showing", { shown: shown, nodes: data.nodes.length, shownEdges: shownEdges,
                                  edges: data.edges.length });
      if (S) {
        var unmet = data.nodes.filter(function (n) { return visible[n.id] && has(n.unmet, S); }).length;
        line += " — " + say("unmet", { service: data.serviceNames[S] || S, n: unmet });
      }
      status.textContent = line + ".";
    }
  }
  api.apply = apply;
  api.state = state;

  if (serviceSel) {
    if (state.service) { serviceSel.value = state.service; }
    serviceSel.addEventListener("change", function () { state.service = serviceSel.value; apply(); });
  }
  if (regionSel) {
    regionSel.addEventListener("change", function () {
      state.region = regionSel.value;
      apply();
      // zoom to the region's own nodes (on a national map the region is a small disc)
      var ids = state.region ? data.nodes.filter(function (n) { return n.region === state.region; })
        .map(function (n) { return n.id; }) : null;
      network.fit(ids && ids.length ? { nodes: ids, animation: false } : { animation: false });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-kind]"), function (box) {
    box.addEventListener("change", function () { state.kinds[box.getAttribute("data-kind")] = box.checked; apply(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-link]"), function (box) {
    box.addEventListener("change", function () { state.types[box.getAttribute("data-link")] = box.checked; apply(); });
  });
  var reset = document.getElementById("instnet-reset");
  if (reset) {
    reset.addEventListener("click", function () {
      state.service = ""; state.region = "";
      if (serviceSel) { serviceSel.value = ""; }
      if (regionSel) { regionSel.value = ""; }
      Array.prototype.forEach.call(document.querySelectorAll("input[data-kind], input[data-link]"), function (b) {
        b.checked = true;
      });
      state.kinds = {}; state.types = {};
      apply();
      network.fit({ animation: false });
    });
  }

  // ------------------------------------------------------------------ search
  var search = document.getElementById("instnet-search");
  var names = document.getElementById("instnet-names");
  if (names) {
    data.nodes.slice().sort(function (a, b) { return a.label < b.label ? -1 : 1; }).forEach(function (n) {
      var opt = document.createElement("option");
      opt.value = n.label;
      names.appendChild(opt);
    });
  }
  function find(query) {
    var q = fold(query);
    if (!q) { return null; }
    var exact = null, part = null;
    data.nodes.forEach(function (n) {
      var l = fold(n.label);
      if (l === q || fold(n.id) === q) { exact = exact || n; }
      else if (l.indexOf(q) >= 0) { part = part || n; }
    });
    var hit = exact || part;
    if (!hit && data.pooled && data.pooled.length) {
      // a smaller institution drawn inside a pool (kind x region): select its pool
      var member = null;
      data.pooled.forEach(function (m) {
        var l = fold(m[0]);
        if (!member && (l === q || fold(m[1]) === q)) { member = m; }
      });
      if (!member) {
        data.pooled.forEach(function (m) {
          if (!member && fold(m[0]).indexOf(q) >= 0) { member = m; }
        });
      }
      if (member && byId[member[2]]) {
        var pool = nodes.get(member[2]);
        if (pool && pool.hidden && reset) { reset.click(); }
        network.selectNodes([member[2]]);
        network.focus(member[2], { scale: 1.3, animation: false });
        if (status) {
          status.textContent = say("foundPool", { name: member[0], pool: byId[member[2]].label });
        }
        return member[2];
      }
    }
    if (!hit) {
      if (status) { status.textContent = say("notFound", { query: query }); }
      return null;
    }
    var cur = nodes.get(hit.id);
    if (cur && cur.hidden && reset) { reset.click(); }
    network.selectNodes([hit.id]);
    network.focus(hit.id, { scale: 1.3, animation: false });
    if (status) { status.textContent = say("found", { name: hit.label }); }
    return hit.id;
  }
  api.find = find;
  if (search) {
    search.addEventListener("change", function () { find(search.value); });
    search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); find(search.value); } });
  }
  apply();
})();
