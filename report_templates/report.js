/* archscan report: sortable/searchable tables, map search and drill-down, DSM cells,
   treemap zoom. Our own code, no library. Data is only ever put into the page as text
   (textContent), never as markup, so hostile names stay text. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("archscan-data").textContent);
  var fileRow = null; // path -> row of the files table, built on first use

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function fmt(value, type) {
    if (value === null || value === undefined || value === "") { return type === "num" || type === "dec" ? "-" : ""; }
    if (typeof value === "number" && type === "dec") { return value.toFixed(2); }
    if (typeof value === "number") {
      if (Math.round(value) === value) { return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
      return value.toFixed(2);
    }
    return String(value);
  }
  /* A path that wraps only after a "/", its file name in bold. */
  function pathCode(path) {
    var code = el("code", "path"), parts = String(path === null ? "" : path).split("/");
    parts.forEach(function (part, i) {
      if (i < parts.length - 1) {
        code.appendChild(el("span", "dir", part + "/"));
        code.appendChild(document.createElement("wbr"));
      } else {
        code.appendChild(el("b", null, part));
      }
    });
    return code;
  }
  function compare(a, b) {
    var na = a === null || a === undefined || a === "", nb = b === null || b === undefined || b === "";
    if (na || nb) { return na === nb ? 0 : (na ? 1 : -1); }
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    return String(a).localeCompare(String(b));
  }

  /* A table drawn from D.tables[id]: header buttons sort, a search box filters, a role
     select filters by file role, "show more" pages. */
  function DataTable(host, spec) {
    this.host = host; this.spec = spec; this.rows = spec.rows.slice();
    this.limit = 25; this.query = ""; this.role = "";
    this.sortCol = spec.sort; this.desc = spec.sort >= 0 && /^(num|dec)$/.test(spec.columns[spec.sort].type);
    if (this.sortCol >= 0) { this.sortBy(this.sortCol, this.desc); }
    this.build();
  }
  DataTable.prototype.roleCol = function () {
    for (var i = 0; i < this.spec.columns.length; i++) { if (this.spec.columns[i].type === "role") { return i; } }
    return -1;
  };
  DataTable.prototype.build = function () {
    var self = this, label = this.host.getAttribute("data-label") || "table";
    var bar = el("div", "dt-bar");
    var search = el("input"); search.type = "search"; search.placeholder = "Filter " + label.toLowerCase();
    search.setAttribute("aria-label", "Filter " + label);
    search.addEventListener("input", function () { self.query = search.value.toLowerCase(); self.limit = 25; self.draw(); });
    bar.appendChild(search);
    var rc = this.roleCol();
    if (rc >= 0 && this.host.getAttribute("data-roles")) {
      var select = el("select"); select.setAttribute("aria-label", "Filter by file role");
      var seen = {}, roles = [];
      this.rows.forEach(function (r) { if (!seen[r[rc]]) { seen[r[rc]] = 1; roles.push(r[rc]); } });
      roles.sort();
      select.appendChild(new Option("all roles", ""));
      roles.forEach(function (r) { select.appendChild(new Option(r, r)); });
      select.addEventListener("change", function () { self.role = select.value; self.limit = 25; self.draw(); });
      bar.appendChild(select);
    }
    this.count = el("span", "dt-count"); this.count.setAttribute("aria-live", "polite");
    bar.appendChild(this.count);
    this.host.appendChild(bar);
    var wrap = el("div", "dt-wrap");
    this.table = el("table", "dt-table");
    var cap = el("caption", "sr", label); this.table.appendChild(cap);
    var head = el("thead"), tr = el("tr");
    this.heads = this.spec.columns.map(function (c, i) {
      var th = el("th"); th.scope = "col"; if (c.type === "num" || c.type === "dec") { th.className = c.type; }
      var b = el("button", "sort", c.label); b.type = "button";
      b.addEventListener("click", function () {
        var desc = self.sortCol === i ? !self.desc : (c.type === "num" || c.type === "dec");
        self.sortBy(i, desc); self.draw();
      });
      th.appendChild(b); tr.appendChild(th); return th;
    });
    head.appendChild(tr); this.table.appendChild(head);
    this.body = el("tbody"); this.table.appendChild(this.body);
    wrap.appendChild(this.table); this.host.appendChild(wrap);
    this.more = el("button", "more", "Show more"); this.more.type = "button";
    this.more.addEventListener("click", function () { self.limit += 100; self.draw(); });
    this.host.appendChild(this.more);
    this.draw();
  };
  DataTable.prototype.sortBy = function (col, desc) {
    this.sortCol = col; this.desc = desc;
    var sign = desc ? -1 : 1;
    this.rows.sort(function (a, b) { return sign * compare(a[col], b[col]) || compare(a[0], b[0]); });
  };
  DataTable.prototype.visible = function () {
    var q = this.query, role = this.role, rc = this.roleCol();
    return this.rows.filter(function (r) {
      if (role && r[rc] !== role) { return false; }
      if (!q) { return true; }
      for (var i = 0; i < r.length; i++) { if (r[i] !== null && String(r[i]).toLowerCase().indexOf(q) >= 0) { return true; } }
      return false;
    });
  };
  DataTable.prototype.draw = function () {
    var self = this, rows = this.visible(), cols = this.spec.columns;
    this.heads.forEach(function (th, i) {
      th.setAttribute("aria-sort", i === self.sortCol ? (self.desc ? "descending" : "ascending") : "none");
    });
    var frag = document.createDocumentFragment();
    rows.slice(0, this.limit).forEach(function (r) {
      var tr = el("tr");
      cols.forEach(function (c, i) {
        var td = el("td", c.type === "num" || c.type === "dec" ? c.type : (c.type === "role" ? "role r-" + r[i] : null));
        if (c.type === "path") { td.appendChild(pathCode(r[i])); td.title = String(r[i]); }
        else { td.textContent = fmt(r[i], c.type); }
        tr.appendChild(td);
      });
      frag.appendChild(tr);
    });
    this.body.textContent = ""; this.body.appendChild(frag);
    var total = this.spec.total > this.spec.rows.length ? " (first " + fmt(this.spec.rows.length) + " of " + fmt(this.spec.total) + " in the page; all in archscan.json)" : "";
    this.count.textContent = fmt(Math.min(rows.length, this.limit)) + " of " + fmt(rows.length) + " rows" + total;
    this.more.hidden = rows.length <= this.limit;
  };
  function table(host, spec) {
    host.textContent = "";
    return new DataTable(host, spec);
  }
  Array.prototype.forEach.call(document.querySelectorAll(".dt[data-table]"), function (host) {
    var spec = D.tables[host.getAttribute("data-table")];
    if (spec) { table(host, spec); }
  });

  function filesSpec(paths) {
    if (!fileRow) {
      fileRow = {};
      D.tables.files.rows.forEach(function (r) { fileRow[r[0]] = r; });
    }
    return {
      columns: [{ label: "file", type: "path" }, { label: "role", type: "role" }, { label: "SLOC", type: "num" }, { label: "complexity", type: "num" }],
      rows: paths.map(function (p) { var r = fileRow[p] || [p, "", null, null, null, null]; return [p, r[1], r[4], r[5]]; }),
      total: paths.length, sort: 2
    };
  }
  function listOf(title, pairs) {
    var box = el("div");
    box.appendChild(el("h4", null, title));
    if (!pairs.length) { box.appendChild(el("p", "hint", "none")); return box; }
    var ul = el("ul", "pairs");
    pairs.slice().sort(function (a, b) { return b[1] - a[1]; }).slice(0, 12).forEach(function (p) {
      ul.appendChild(el("li", null, p[0] + " (" + fmt(p[1]) + ")"));
    });
    box.appendChild(ul); return box;
  }

  /* Context map: drill-down into a group, search over groups and files. */
  var mapDetail = document.getElementById("map-detail");
  var nodes = document.querySelectorAll("#map-svg .node");
  function showGroup(i) {
    var g = D.groups[i]; if (!g) { return; }
    Array.prototype.forEach.call(nodes, function (n) { n.classList.toggle("sel", n.getAttribute("data-g") === String(i)); });
    mapDetail.textContent = "";
    mapDetail.appendChild(el("h3", null, g.name));
    mapDetail.appendChild(el("p", null, fmt(g.files.length) + " files, " + fmt(g.sloc) + " SLOC"));
    mapDetail.appendChild(listOf("Depends on", g.out));
    mapDetail.appendChild(listOf("Used by", g["in"]));
    var host = el("div", "dt"); host.setAttribute("data-label", "Files of " + g.name); host.setAttribute("data-roles", "1");
    mapDetail.appendChild(host); table(host, filesSpec(g.files));
  }
  Array.prototype.forEach.call(nodes, function (n) {
    var i = Number(n.getAttribute("data-g"));
    n.addEventListener("click", function () { showGroup(i); });
    n.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showGroup(i); } });
  });
  var search = document.getElementById("map-search");
  if (search) {
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase(), hits = 0, files = [];
      Array.prototype.forEach.call(nodes, function (n) {
        var g = D.groups[Number(n.getAttribute("data-g"))], hit = false;
        if (q) {
          if (g.name.toLowerCase().indexOf(q) >= 0) { hit = true; }
          g.files.forEach(function (p) { if (p.toLowerCase().indexOf(q) >= 0) { hit = true; if (files.length < 500) { files.push(p); } } });
        }
        n.classList.toggle("hit", hit); n.classList.toggle("dim", !!q && !hit);
        if (hit) { hits += 1; }
      });
      document.getElementById("map-count").textContent = q ? hits + " match(es), " + files.length + " file(s)" : "";
      if (q) {
        mapDetail.textContent = "";
        mapDetail.appendChild(el("h3", null, "Search: " + q));
        var host = el("div", "dt"); host.setAttribute("data-label", "Matching files"); host.setAttribute("data-roles", "1");
        mapDetail.appendChild(host); table(host, filesSpec(files));
      }
    });
  }

  /* DSM: a cell opens the file dependencies behind it. */
  var dsmDetail = document.getElementById("dsm-detail");
  Array.prototype.forEach.call(document.querySelectorAll(".dsm button[data-cell]"), function (b) {
    b.addEventListener("click", function () {
      var key = b.getAttribute("data-cell"), ij = key.split("-"), edges = D.dsm.cells[key] || [];
      dsmDetail.textContent = "";
      dsmDetail.appendChild(el("h3", null, D.dsm.names[Number(ij[0])] + " → " + D.dsm.names[Number(ij[1])] + ": " + fmt(edges.length) + " file dependencies"));
      var host = el("div", "dt"); host.setAttribute("data-label", "File dependencies");
      dsmDetail.appendChild(host);
      table(host, {
        columns: [{ label: "from", type: "path" }, { label: "to", type: "path" }],
        rows: edges.map(function (e) { return [D.files[e[0]], D.files[e[1]]]; }), total: edges.length, sort: 0
      });
      dsmDetail.scrollIntoView({ block: "nearest" });
    });
  });

  /* Treemap: zoom into folders, details of files. */
  var svg = document.getElementById("tm-svg");
  if (svg) {
    var full = svg.getAttribute("viewBox").split(" ").map(Number);
    var folders = {}, labels = svg.querySelectorAll(".labels text"), cur = "";
    D.treemap.folders.forEach(function (f) { folders[f[0]] = f; });
    var up = document.getElementById("tm-up"), crumb = document.getElementById("tm-path");
    var detail = document.getElementById("tm-detail"), tip = document.getElementById("tip");
    var zoom = function (path) {
      cur = path;
      var box = path ? folders[path].slice(1) : [0, 0, full[2], full[3]];
      svg.setAttribute("viewBox", box.join(" "));
      var k = box[2] / full[2];
      Array.prototype.forEach.call(labels, function (t) {
        var f = D.treemap.folders[Number(t.getAttribute("data-d"))];
        var inside = !path || f[0].indexOf(path + "/") === 0;
        var show = inside && f[3] / k > 48 && f[4] / k > 16;
        t.style.display = show ? "" : "none";
        if (show) {
          t.setAttribute("font-size", String(10 * k));
          t.setAttribute("x", String(f[1] + 3 * k)); t.setAttribute("y", String(f[2] + 10 * k));
        }
      });
      up.disabled = !path;
      crumb.textContent = "/" + path;
      var picker = document.getElementById("tm-folder");
      if (picker && picker.value !== path) { picker.value = path; }
    };
    var fileDetail = function (i) {
      var r = fileRow || (filesSpec([]), fileRow);
      var row = r[D.files[i]] || [];
      detail.textContent = "";
      detail.appendChild(el("h3", null, D.files[i]));
      detail.appendChild(el("p", null, "role " + (row[1] || "-") + " · " + fmt(row[4], "num") + " SLOC · complexity " + fmt(row[5], "num") + " · revisions " + fmt(row[8], "num")));
    };
    svg.addEventListener("click", function (e) {
      var f = e.target.getAttribute("data-f");
      if (f === null) { return; }
      var path = D.files[Number(f)], rest = cur ? path.slice(cur.length + 1) : path;
      var slash = rest.indexOf("/");
      var next = (cur ? cur + "/" : "") + rest.slice(0, slash);
      if (slash > 0 && folders[next]) { zoom(next); } else { fileDetail(Number(f)); }
    });
    svg.addEventListener("mousemove", function (e) {
      var f = e.target.getAttribute("data-f");
      if (f === null) { tip.hidden = true; return; }
      tip.textContent = D.files[Number(f)];
      tip.style.left = (e.clientX + 12) + "px"; tip.style.top = (e.clientY + 12) + "px"; tip.hidden = false;
    });
    svg.addEventListener("mouseleave", function () { tip.hidden = true; });
    var picker = document.getElementById("tm-folder");
    D.treemap.folders.filter(function (f) {
      return f[0].split("/").length <= 3 && f[3] * f[4] > 400;
    }).map(function (f) { return f[0]; }).sort().forEach(function (path) {
      picker.appendChild(new Option(path, path));
    });
    picker.addEventListener("change", function () { zoom(picker.value); });
    var rolePicker = document.getElementById("tm-role");
    var fileRects = svg.querySelectorAll(".files rect");
    rolePicker.addEventListener("change", function () {
      var role = rolePicker.value;
      Array.prototype.forEach.call(fileRects, function (rect) {
        var other = role && D.roles[Number(rect.getAttribute("data-f"))] !== role;
        rect.classList.toggle("dim", !!other);
      });
    });
    up.addEventListener("click", function () {
      var i = cur.lastIndexOf("/"); zoom(i > 0 ? cur.slice(0, i) : "");
    });
    zoom("");
  }
  document.documentElement.setAttribute("data-ready", String(Math.round(performance.now())));
})();
