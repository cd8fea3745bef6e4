/**
 * bench-results/scaling.html: time vs N for ours and the floor, one panel per operation, as inline SVG
 * (no script, no external file), plus the table of ratios.
 */
import type { EngineRow } from "./engine";

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function panel(title: string, rows: EngineRow[], pick: (side: EngineRow["ours"]) => number): string {
  const width = 360;
  const height = 260;
  const m = { left: 48, right: 12, top: 28, bottom: 40 };
  const ns = rows.map((r) => r.n);
  const values = rows.flatMap((r) => [pick(r.ours), pick(r.floor), ...(r.shaped ? [pick(r.shaped)] : [])]);
  const maxY = Math.max(1, ...values) * 1.1;
  // N on a log scale (10 to 1000 spreads evenly); a single N sits in the middle.
  const logMin = Math.log10(Math.min(...ns));
  const logMax = Math.log10(Math.max(...ns));
  const x = (n: number) =>
    logMax === logMin
      ? (m.left + width - m.right) / 2
      : m.left + ((Math.log10(n) - logMin) / (logMax - logMin)) * (width - m.left - m.right);
  const y = (v: number) => height - m.bottom - (v / maxY) * (height - m.top - m.bottom);
  const line = (side: "ours" | "floor" | "shaped", color: string, dash: string) => {
    const measured = rows.filter((r) => r[side] !== undefined);
    if (measured.length === 0) return "";
    const points = measured.map((r) => `${x(r.n).toFixed(1)},${y(pick(r[side]!)).toFixed(1)}`);
    const dots = measured
      .map(
        (r) =>
          `<circle cx="${x(r.n).toFixed(1)}" cy="${y(pick(r[side]!)).toFixed(1)}" r="3" fill="${color}"><title>${side} N=${r.n}: ${pick(r[side]!)} s</title></circle>`,
      )
      .join("");
    return `<polyline fill="none" stroke="${color}" stroke-width="2" stroke-dasharray="${dash}" points="${points.join(" ")}"/>${dots}`;
  };
  const ticksY = Array.from({ length: 5 }, (_, i) => (maxY / 5) * (i + 1));
  const axes = [
    `<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="#888"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="#888"/>`,
    ...ns.map(
      (n) =>
        `<text x="${x(n).toFixed(1)}" y="${height - m.bottom + 16}" text-anchor="middle" font-size="11">${n}</text>`,
    ),
    ...ticksY.map(
      (v) =>
        `<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${v.toFixed(v < 10 ? 1 : 0)}</text>` +
        `<line x1="${m.left}" y1="${y(v).toFixed(1)}" x2="${width - m.right}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`,
    ),
    `<text x="${(width + m.left) / 2}" y="${height - 6}" text-anchor="middle" font-size="11">N (log scale)</text>`,
    `<text x="${m.left}" y="16" font-size="13" font-weight="bold">${escape(title)} (seconds)</text>`,
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${axes.join("")}${line("floor", "#888", "6 4")}${line("shaped", "#2c7fb8", "2 3")}${line("ours", "#c0392b", "")}</svg>`;
}

export function scalingHtml(rows: EngineRow[], machine: string, when: string): string {
  const sorted = [...rows].sort((a, b) => a.n - b.n);
  const header = [
    "N",
    "up",
    "floor",
    "×",
    "refresh",
    "floor",
    "×",
    "destroy",
    "floor",
    "×",
    "state B/resource (floor)",
    "× shaped up/refresh/destroy",
    "load",
  ];
  const body = sorted
    .map((r) =>
      [
        r.n,
        r.ours.up.seconds,
        r.floor.up.seconds,
        r.ratio.up,
        r.ours.refresh.seconds,
        r.floor.refresh.seconds,
        r.ratio.refresh,
        r.ours.destroy.seconds,
        r.floor.destroy.seconds,
        r.ratio.destroy,
        `${r.ours.stateBytesPerResource} (${r.floor.stateBytesPerResource})`,
        r.ratioToShaped ? `${r.ratioToShaped.up}/${r.ratioToShaped.refresh}/${r.ratioToShaped.destroy}` : "—",
        r.ours.up.load,
      ]
        .map((v) => `<td>${escape(String(v))}</td>`)
        .join(""),
    )
    .map((cells) => `<tr>${cells}</tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>pulumi-coiote: engine scaling, EventHandlers vs the no-op floor</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
.panels { display: flex; flex-wrap: wrap; gap: 16px; }
table { border-collapse: collapse; margin-top: 16px; font-size: 13px; }
td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
.legend span { display: inline-block; width: 24px; height: 0; vertical-align: middle; margin: 0 4px 0 12px; }
</style>
</head>
<body>
<h1>Engine scaling: N EventHandlers vs N no-op dynamic resources</h1>
<p>${escape(machine)}; measured ${escape(when)}. Ours and the floor run back to back per operation, so read the
ratios (×) rather than the absolute seconds: the machine is shared.</p>
<p class="legend"><span style="border-top: 2px solid #c0392b"></span>EventHandlers (ours)
<span style="border-top: 2px dashed #888"></span>no-op dynamic resources (floor)
<span style="border-top: 2px dotted #2c7fb8"></span>no-op resources of an EventHandler's properties (shaped floor, BENCH_SHAPED=1)</p>
<div class="panels">
${panel("pulumi up", sorted, (s) => s.up.seconds)}
${panel("pulumi refresh", sorted, (s) => s.refresh.seconds)}
${panel("pulumi destroy", sorted, (s) => s.destroy.seconds)}
</div>
<table>
<tr>${header.map((h) => `<th>${escape(h)}</th>`).join("")}</tr>
${body}
</table>
</body>
</html>
`;
}
