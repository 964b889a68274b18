'use strict';

/*
 * Turns the collected samples into the results table (markdown), the raw
 * numbers (JSON) and a bar chart (SVG, drawn here without any dependency).
 */
const fs = require('node:fs');
const os = require('node:os');
const { workloads, workloadLabel } = require('./workloads');

const engineLabels = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

function formatValue(value, unit) {
  if (value === undefined) {
    return '—';
  }
  if (unit === 'ms') {
    if (value >= 1000) {
      return `${(value / 1000).toFixed(2)} s`;
    }
    return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
  }
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ${unit}`;
}

function summarise(results, engines, median, plan) {
  const rows = [];
  for (const engine of engines) {
    const engineResults = results[engine] ?? {};
    for (const workload of workloads) {
      const entry = engineResults[workload.id] ?? {};
      const side = name => {
        const slot = entry[name];
        if (!slot) {
          return {
            error: engineResults.aborted
              ? `run aborted: ${engineResults.aborted}`
              : 'not run',
          };
        }
        if (slot.error) {
          return { error: slot.error, samples: slot.samples };
        }
        return { value: median(slot.samples), samples: slot.samples };
      };
      const herald = side('herald');
      const upstream = side('upstream');
      let target;
      if (workload.target && herald.value !== undefined) {
        if (upstream.value !== undefined || workload.heraldOnlyTarget) {
          target = workload.target(herald.value, upstream.value, engine);
        }
      } else if (workload.target) {
        const probe = workload.target(1, 1, engine);
        target = probe && { text: probe.text, met: undefined };
      }
      rows.push({
        engine,
        workload: { ...workload, label: workloadLabel(workload, plan) },
        herald,
        upstream,
        target,
      });
    }
  }
  return rows;
}

function markdownTable(rows) {
  const lines = [
    '| Database | Workload | Herald (median) | Upstream (median) | Herald / upstream | Target | Met |',
    '|---|---|---:|---:|---:|---|---|',
  ];
  const notes = [];
  const cell = (side, unit) => {
    if (side.value !== undefined) {
      return formatValue(side.value, unit);
    }
    if (!notes.includes(side.error)) {
      notes.push(side.error);
    }
    return `not measured [${notes.indexOf(side.error) + 1}]`;
  };
  for (const { engine, workload, herald, upstream, target } of rows) {
    const ratio =
      herald.value !== undefined &&
      upstream.value !== undefined &&
      upstream.value > 0
        ? herald.value / upstream.value
        : undefined;
    const ratioText =
      ratio === undefined
        ? '—'
        : ratio < 0.01
        ? ratio.toExponential(1)
        : ratio.toFixed(2);
    const met = !target
      ? ''
      : target.met === undefined
      ? 'not measured'
      : target.met
      ? 'yes'
      : '**no**';
    lines.push(
      `| ${engineLabels[engine]} | ${workload.label} | ${cell(
        herald,
        workload.unit,
      )} | ${cell(upstream, workload.unit)} | ${ratioText} | ${
        target?.text ?? '—'
      } | ${met} |`,
    );
  }
  if (notes.length) {
    lines.push('');
    notes.forEach((note, index) => lines.push(`[${index + 1}] ${note}`));
  }
  return lines.join('\n');
}

function escapeXml(text) {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

// Timings span four orders of magnitude, so the bars use a log scale.
function svgChart(rows) {
  const timed = rows.filter(row => row.workload.unit === 'ms');
  const width = 1100;
  const labelWidth = 420;
  const barArea = width - labelWidth - 120;
  const rowHeight = 34;
  const top = 60;
  const height = top + timed.length * rowHeight + 50;
  const values = timed
    .flatMap(row => [row.herald.value, row.upstream.value])
    .filter(v => v > 0);
  const minLog = Math.floor(Math.log10(Math.min(...values, 1)));
  const maxLog = Math.ceil(Math.log10(Math.max(...values, 10)));
  const x = value =>
    labelWidth + ((Math.log10(value) - minLog) / (maxLog - minLog)) * barArea;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${
      width / 2
    }" y="22" text-anchor="middle" font-size="16" font-weight="bold">Herald vs upstream Backstage plugins — median time, log scale (shorter is better)</text>`,
    `<rect x="${labelWidth}" y="32" width="12" height="12" fill="#2b7bb9"/><text x="${
      labelWidth + 18
    }" y="43">Herald</text>`,
    `<rect x="${
      labelWidth + 90
    }" y="32" width="12" height="12" fill="#c0504d"/><text x="${
      labelWidth + 108
    }" y="43">upstream</text>`,
  ];
  for (let power = minLog; power <= maxLog; power++) {
    const gx = x(10 ** power);
    const label = power >= 3 ? `${10 ** (power - 3)} s` : `${10 ** power} ms`;
    parts.push(
      `<line x1="${gx.toFixed(1)}" y1="${top - 6}" x2="${gx.toFixed(1)}" y2="${
        height - 40
      }" stroke="#dddddd"/>`,
      `<text x="${gx.toFixed(1)}" y="${
        height - 24
      }" text-anchor="middle" fill="#555555">${label}</text>`,
    );
  }
  timed.forEach((row, index) => {
    const y = top + index * rowHeight;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end">${escapeXml(
        `${engineLabels[row.engine]} · ${row.workload.label}`,
      )}</text>`,
    );
    [
      ['herald', '#2b7bb9', 2],
      ['upstream', '#c0504d', 16],
    ].forEach(([side, colour, offset]) => {
      const { value } = row[side];
      if (value === undefined || value <= 0) {
        parts.push(
          `<text x="${labelWidth + 4}" y="${
            y + offset + 11
          }" fill="#777777">not measured</text>`,
        );
        return;
      }
      const barWidth = Math.max(1, x(value) - labelWidth);
      parts.push(
        `<rect x="${labelWidth}" y="${y + offset}" width="${barWidth.toFixed(
          1,
        )}" height="13" fill="${colour}"/>`,
        `<text x="${(labelWidth + barWidth + 4).toFixed(1)}" y="${
          y + offset + 11
        }">${escapeXml(formatValue(value, 'ms'))}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function writeReport({
  results,
  engines,
  quick,
  plan,
  startedAt,
  finishedAt,
  outputBase,
  median,
}) {
  const rows = summarise(results, engines, median, plan);
  const machine = `${os.cpus().length} × ${
    os.cpus()[0]?.model ?? 'CPU'
  }, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`;
  const markdown = [
    `# Benchmark results${
      quick ? ' (quick smoke run — not for comparison)' : ''
    }`,
    '',
    `Run ${startedAt.toISOString()} – ${finishedAt.toISOString()} on ${machine}.`,
    `Inbox rows: ${plan.inboxRows.toLocaleString(
      'en-US',
    )}; sockets: ${plan.smallSockets.toLocaleString(
      'en-US',
    )} and ${plan.largeSockets.toLocaleString('en-US')}.`,
    '',
    markdownTable(rows),
    '',
  ].join('\n');
  fs.writeFileSync(`${outputBase}.md`, markdown);
  fs.writeFileSync(
    `${outputBase}.json`,
    JSON.stringify(
      { startedAt, finishedAt, machine, quick, plan, results },
      null,
      2,
    ),
  );
  fs.writeFileSync(`${outputBase}.svg`, svgChart(rows));
}

module.exports = { writeReport };
