// Refreshes the instructor's live table from live.json with the page's own search, filter
// and sort, and applies a new search or sort without reloading; without JavaScript the same
// form and column links reload the page, which also reloads itself.
(function () {
  "use strict";
  const table = document.querySelector("table.live-table");
  if (!table) return;
  const body = document.getElementById("live-rows");
  const form = document.getElementById("live-filter");
  const seconds = Number(table.dataset.refresh) || 10;
  const columns = ["name", "state", "answered", "left", "score"];

  function clock(total) {
    const m = Math.floor(total / 60), s = total % 60;
    return m + ":" + String(s).padStart(2, "0");
  }

  function cell(tag, text) {
    const element = document.createElement(tag);
    element.textContent = text;
    if (tag === "th") element.scope = "row";
    return element;
  }

  function timeLink(username) {
    const td = document.createElement("td");
    const link = document.createElement("a");
    link.href = "?time_for=" + encodeURIComponent(username) + "#time";
    link.textContent = "Extra time";
    td.append(link);
    return td;
  }

  function query() {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, standard] of [["q", ""], ["show", "all"], ["sort", "name"], ["order", "asc"]]) {
      if (params.get(key) === standard) params.delete(key);
    }
    return params;
  }

  function markSort(params) {
    const sort = params.get("sort") || "name", order = params.get("order") || "asc";
    for (const link of table.querySelectorAll("thead a[data-sort]")) {
      const column = link.dataset.sort;
      link.parentElement.setAttribute("aria-sort", column === sort ? (order === "asc" ? "ascending" : "descending") : "none");
      const next = new URLSearchParams(params);
      next.set("sort", column);
      next.set("order", column === sort && order === "asc" ? "desc" : "asc");
      link.href = "?" + next.toString() + "#learners-title";
    }
  }

  function render(data) {
    for (const [key, value] of Object.entries(data.counts)) {
      const target = document.getElementById("count-" + key.replace("_", "-"));
      if (target) target.textContent = value;
    }
    document.getElementById("count-shown").textContent = data.shown;
    document.getElementById("window-state").textContent = data.window;
    const rows = data.rows.map(function (row) {
      const tr = document.createElement("tr");
      const name = cell("th", row.username);
      if (row.extra) name.append(" ", Object.assign(document.createElement("span"), { className: "hint", textContent: "(extra time)" }));
      tr.append(
        name,
        cell("td", row.state),
        cell("td", row.answered + " of " + row.total + (row.late ? ", " + row.late + " late" : "")),
        cell("td", row.seconds_left ? clock(row.seconds_left) : "–"),
        cell("td", row.score === null ? "–" : row.score + " of " + row.total),
        timeLink(row.username),
      );
      return tr;
    });
    if (!rows.length) {
      const tr = document.createElement("tr");
      const td = cell("td", data.counts.joined ? "No learner matches." : "Nobody has joined yet: give learners the code or the link.");
      td.colSpan = 6;
      tr.append(td);
      rows.push(tr);
    }
    body.replaceChildren(...rows);
    const updated = document.getElementById("live-updated");
    const now = new Date();
    updated.dateTime = now.toISOString();
    updated.textContent = now.toLocaleTimeString();
  }

  async function refresh() {
    const params = query();
    try {
      const response = await fetch(table.dataset.source + "?" + params.toString(), { headers: { Accept: "application/json" } });
      if (response.ok) render(await response.json());
    } catch (error) {
      // Offline for a moment: the next refresh tries again.
    }
  }

  function apply() {
    const params = query();
    const search = params.toString();
    history.replaceState(null, "", table.dataset.page + (search ? "?" + search : ""));
    markSort(params);
    refresh();
  }

  if (form) {
    let typing = null;
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("change", apply);
    form.addEventListener("input", function () {
      window.clearTimeout(typing);
      typing = window.setTimeout(apply, 250);
    });
    table.querySelector("thead").addEventListener("click", function (event) {
      const link = event.target.closest("a[data-sort]");
      if (!link) return;
      event.preventDefault();
      const params = new URLSearchParams(link.search);
      form.elements.sort.value = columns.includes(params.get("sort")) ? params.get("sort") : "name";
      form.elements.order.value = params.get("order") === "desc" ? "desc" : "asc";
      apply();
    });
  }

  setInterval(refresh, seconds * 1000);
})();
