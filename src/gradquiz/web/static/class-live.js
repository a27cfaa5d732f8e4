// Refreshes the instructor's live table from live.json; without JavaScript the page reloads.
(function () {
  "use strict";
  const table = document.querySelector("table.live-table");
  if (!table) return;
  const body = document.getElementById("live-rows");
  const seconds = Number(table.dataset.refresh) || 10;

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

  function render(data) {
    for (const [key, value] of Object.entries(data.counts)) {
      const target = document.getElementById("count-" + key.replace("_", "-"));
      if (target) target.textContent = value;
    }
    document.getElementById("window-state").textContent = data.window;
    const rows = data.rows.map(function (row) {
      const tr = document.createElement("tr");
      const name = cell("th", row.username);
      if (row.extra) name.append(" ", Object.assign(document.createElement("span"), { className: "hint", textContent: "(extra time)" }));
      tr.append(
        name,
        cell("td", row.state),
        cell("td", row.answered + " of " + row.total),
        cell("td", row.seconds_left ? clock(row.seconds_left) : "–"),
        cell("td", row.score === null ? "–" : row.score + " of " + row.total),
      );
      return tr;
    });
    if (rows.length) body.replaceChildren(...rows);
    const updated = document.getElementById("live-updated");
    const now = new Date();
    updated.dateTime = now.toISOString();
    updated.textContent = now.toLocaleTimeString();
  }

  async function refresh() {
    try {
      const response = await fetch(table.dataset.source, { headers: { Accept: "application/json" } });
      if (response.ok) render(await response.json());
    } catch (error) {
      // Offline for a moment: the next refresh tries again.
    }
  }

  setInterval(refresh, seconds * 1000);
})();
