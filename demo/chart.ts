/** A dependency-free line chart (inline SVG in an HTML page) of readings per device over time. */
export interface Point {
  device: string;
  time: number;
  value: number;
}

const colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"];

export function chartHtml(title: string, unit: string, points: Point[]): string {
  const width = 900;
  const height = 420;
  const pad = { left: 60, right: 160, top: 40, bottom: 50 };
  const times = points.map((p) => p.time);
  const values = points.map((p) => p.value);
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const [v0, v1] = [Math.floor(Math.min(...values)) - 1, Math.ceil(Math.max(...values)) + 1];
  const x = (t: number) => pad.left + ((t - t0) / Math.max(1, t1 - t0)) * (width - pad.left - pad.right);
  const y = (v: number) =>
    height - pad.bottom - ((v - v0) / Math.max(1, v1 - v0)) * (height - pad.top - pad.bottom);
  const devices = [...new Set(points.map((p) => p.device))].sort();
  const lines = devices.map((device, i) => {
    const series = points.filter((p) => p.device === device).sort((a, b) => a.time - b.time);
    const colour = colours[i % colours.length];
    const path = series
      .map((p, j) => `${j === 0 ? "M" : "L"}${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`)
      .join(" ");
    const legendY = pad.top + 20 * i;
    return (
      `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>` +
      series
        .map(
          (p) =>
            `<circle cx="${x(p.time).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="2.5" fill="${colour}"/>`,
        )
        .join("") +
      `<rect x="${width - pad.right + 15}" y="${legendY - 9}" width="12" height="12" fill="${colour}"/>` +
      `<text x="${width - pad.right + 32}" y="${legendY + 1}" font-size="13">${device}</text>`
    );
  });
  const ticks = Array.from({ length: 5 }, (_, i) => v0 + ((v1 - v0) * i) / 4).map(
    (v) =>
      `<text x="${pad.left - 8}" y="${y(v) + 4}" font-size="12" text-anchor="end">${v.toFixed(1)}</text>` +
      `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`,
  );
  const timeLabel = (t: number) => new Date(t).toISOString().slice(11, 16);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: sans-serif">
<h2>${title}</h2>
<p>${points.length} points read back from InfluxDB, written there by DM event handlers that <code>pulumi up</code> created.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" style="background:#fff;border:1px solid #ddd">
${ticks.join("\n")}
<text x="${pad.left}" y="${height - 15}" font-size="12">${timeLabel(t0)} UTC</text>
<text x="${width - pad.right}" y="${height - 15}" font-size="12" text-anchor="end">${timeLabel(t1)} UTC</text>
<text x="15" y="${pad.top - 15}" font-size="12">${unit}</text>
${lines.join("\n")}
</svg></body></html>`;
}
