'use strict';

/*
 * Turns the collected samples into the results table (markdown), the raw
 * numbers (JSON) and a bar chart (SVG, drawn here without any dependency).
 */
const fs = require('node:fs');
const os = require('node:os');
const { workloadsFor, workloadLabel } = require('./workloads');

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

/** The socket counts an engine's broadcasts went to: the plan's, or fewer. */
function socketCounts(engineResults, plan) {
  return engineResults.sockets?.counts ?? plan.broadcastSockets;
}

function summarise(results, engines, median, plan) {
  const rows = [];
  for (const engine of engines) {
    const engineResults = results[engine] ?? {};
    const counts = socketCounts(engineResults, plan);
    for (const workload of workloadsFor(plan, counts)) {
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
      if (!entry.herald && !entry.upstream && !engineResults.aborted) {
        // Not part of this run's plan (a quick run, --storage-only).
        continue;
      }
      const floorSamples = entry.floor?.samples ?? [];
      const floor = floorSamples.length
        ? { value: median(floorSamples), samples: floorSamples }
        : undefined;
      let target;
      if (workload.target && herald.value !== undefined) {
        if (upstream.value !== undefined || workload.heraldOnlyTarget) {
          target = workload.target(herald.value, upstream.value, floor?.value);
        }
      } else if (workload.target) {
        const probe = workload.target(1, 1, 1);
        target = probe && { text: probe.text, met: undefined };
      }
      rows.push({
        engine,
        workload: { ...workload, label: workloadLabel(workload, plan, counts) },
        herald,
        upstream,
        floor,
        target,
      });
    }
  }
  return rows;
}

function markdownTable(rows) {
  const lines = [
    '| Database | Workload | Herald (median) | Upstream (median) | Floor (median) | Herald / upstream | Herald / floor | Target | Met |',
    '|---|---|---:|---:|---:|---:|---:|---|---|',
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
  for (const { engine, workload, herald, upstream, floor, target } of rows) {
    const ratioText = (a, b) => {
      const ratio =
        a?.value !== undefined && b?.value !== undefined && b.value > 0
          ? a.value / b.value
          : undefined;
      if (ratio === undefined) {
        return '—';
      }
      return ratio < 0.01 ? ratio.toExponential(1) : ratio.toFixed(2);
    };
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
      )} | ${cell(upstream, workload.unit)} | ${
        floor ? formatValue(floor.value, workload.unit) : '—'
      } | ${ratioText(herald, upstream)} | ${ratioText(herald, floor)} | ${
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

const curveTitles = {
  send: {
    title: 'Send time against recipients',
    unitName: 'recipient',
    axis: 'recipients',
  },
  inbox: {
    title: 'Inbox page default against rows',
    unitName: 'row',
    axis: 'rows in the inbox',
  },
  broadcast: {
    title: 'Broadcast time against sockets',
    unitName: 'socket',
    axis: 'open sockets',
  },
};
const sideColours = {
  herald: '#2b7bb9',
  upstream: '#c0504d',
  floor: '#777777',
};

/** Points of each cost curve per engine, by size, from the table's rows. */
function curves(rows, engines) {
  const result = [];
  for (const curve of Object.keys(curveTitles)) {
    for (const engine of engines) {
      const points = rows
        .filter(row => row.engine === engine && row.workload.curve === curve)
        .map(row => ({
          size: row.workload.curveSize ?? Number(row.workload.id.split('-')[1]),
          herald: row.herald.value,
          upstream: row.upstream.value,
          floor: row.floor?.value,
        }))
        .sort((a, b) => a.size - b.size);
      if (points.some(point => point.herald !== undefined)) {
        result.push({ curve, engine, points });
      }
    }
  }
  return result;
}

/** How time grows with size between neighbouring points: 1 is linear, 0 flat. */
function exponents(points, side) {
  const measured = points.filter(point => point[side] > 0);
  const result = [];
  for (let i = 1; i < measured.length; i++) {
    const [a, b] = [measured[i - 1], measured[i]];
    result.push({
      from: a.size,
      to: b.size,
      exponent: Math.log(b[side] / a[side]) / Math.log(b.size / a.size),
    });
  }
  return result;
}

/** Exponents up to this count as linear: a run on shared cores moves by more. */
const LINEAR_ENOUGH = 1.1;

function curvesMarkdown(curveList) {
  const lines = ['## Cost curves', ''];
  const size = value => value.toLocaleString('en-US');
  for (const { curve, engine, points } of curveList) {
    const { title, unitName } = curveTitles[curve];
    lines.push(
      `### ${engineLabels[engine]}: ${title.toLowerCase()}`,
      '',
      `| ${unitName}s | Herald | Herald per ${unitName} | Upstream | Floor | Herald / floor |`,
      '|---:|---:|---:|---:|---:|---:|',
    );
    for (const point of points) {
      const perUnit =
        point.herald === undefined
          ? '—'
          : `${((point.herald * 1000) / point.size).toFixed(2)} µs`;
      lines.push(
        `| ${size(point.size)} | ${formatValue(
          point.herald,
          'ms',
        )} | ${perUnit} | ${formatValue(point.upstream, 'ms')} | ${formatValue(
          point.floor,
          'ms',
        )} | ${
          point.herald !== undefined && point.floor > 0
            ? (point.herald / point.floor).toFixed(2)
            : '—'
        } |`,
      );
    }
    for (const side of ['herald', 'upstream', 'floor']) {
      const steps = exponents(points, side);
      if (steps.length === 0) {
        continue;
      }
      const worst = steps.reduce((a, b) => (b.exponent > a.exponent ? b : a));
      const verdict =
        worst.exponent <= LINEAR_ENOUGH
          ? 'linear or flatter throughout'
          : `**grows faster than linear from ${size(worst.from)} to ${size(
              worst.to,
            )}**`;
      lines.push(
        '',
        `${side}: time grows as size^${steps
          .map(step => step.exponent.toFixed(2))
          .join(
            ', ^',
          )} between neighbouring points (1 is linear, 0 flat): ${verdict}.`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** One log-log panel per curve and engine: time against size, a line per side. */
function svgCurves(curveList) {
  const panelWidth = 540;
  const panelHeight = 320;
  const margin = { left: 70, right: 20, top: 40, bottom: 50 };
  const columns = 2;
  const rowsOfPanels = Math.ceil(curveList.length / columns);
  const width = panelWidth * columns;
  const height = 50 + panelHeight * rowsOfPanels;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${
      width / 2
    }" y="22" text-anchor="middle" font-size="16" font-weight="bold">Cost curves — median time, log-log (a slope of one decade per decade is linear)</text>`,
  ];
  ['herald', 'upstream', 'floor'].forEach((side, index) => {
    const lx = width / 2 - 150 + index * 110;
    parts.push(
      `<line x1="${lx}" y1="38" x2="${lx + 20}" y2="38" stroke="${
        sideColours[side]
      }" stroke-width="2"${
        side === 'floor' ? ' stroke-dasharray="4 3"' : ''
      }/><text x="${lx + 26}" y="42">${
        side === 'herald' ? 'Herald' : side
      }</text>`,
    );
  });
  curveList.forEach(({ curve, engine, points }, index) => {
    const ox = (index % columns) * panelWidth;
    const oy = 50 + Math.floor(index / columns) * panelHeight;
    const values = points
      .flatMap(point => [point.herald, point.upstream, point.floor])
      .filter(value => value > 0);
    const sizes = points.map(point => point.size);
    const yMin = Math.floor(Math.log10(Math.min(...values)));
    const yMax = Math.ceil(Math.log10(Math.max(...values)));
    const xMin = Math.floor(Math.log10(Math.min(...sizes)));
    const xMax = Math.ceil(Math.log10(Math.max(...sizes)));
    const plotWidth = panelWidth - margin.left - margin.right;
    const plotHeight = panelHeight - margin.top - margin.bottom;
    const px = value =>
      ox +
      margin.left +
      ((Math.log10(value) - xMin) / Math.max(1, xMax - xMin)) * plotWidth;
    const py = value =>
      oy +
      margin.top +
      plotHeight -
      ((Math.log10(value) - yMin) / Math.max(1, yMax - yMin)) * plotHeight;
    parts.push(
      `<text x="${ox + panelWidth / 2}" y="${
        oy + 24
      }" text-anchor="middle" font-weight="bold">${escapeXml(
        `${engineLabels[engine]} · ${curveTitles[curve].title}`,
      )}</text>`,
    );
    for (let power = yMin; power <= yMax; power++) {
      const y = py(10 ** power).toFixed(1);
      parts.push(
        `<line x1="${ox + margin.left}" y1="${y}" x2="${
          ox + panelWidth - margin.right
        }" y2="${y}" stroke="#dddddd"/>`,
        `<text x="${
          ox + margin.left - 6
        }" y="${y}" text-anchor="end" fill="#555555">${escapeXml(
          formatValue(10 ** power, 'ms'),
        )}</text>`,
      );
    }
    for (let power = xMin; power <= xMax; power++) {
      const x = px(10 ** power).toFixed(1);
      parts.push(
        `<line x1="${x}" y1="${oy + margin.top}" x2="${x}" y2="${
          oy + margin.top + plotHeight
        }" stroke="#dddddd"/>`,
        `<text x="${x}" y="${
          oy + margin.top + plotHeight + 16
        }" text-anchor="middle" fill="#555555">${(10 ** power).toLocaleString(
          'en-US',
        )}</text>`,
      );
    }
    parts.push(
      `<text x="${ox + margin.left + plotWidth / 2}" y="${
        oy + panelHeight - 12
      }" text-anchor="middle" fill="#555555">${curveTitles[curve].axis}</text>`,
    );
    for (const side of ['herald', 'upstream', 'floor']) {
      const line = points.filter(point => point[side] > 0);
      if (line.length === 0) {
        continue;
      }
      const coordinates = line.map(
        point => `${px(point.size).toFixed(1)},${py(point[side]).toFixed(1)}`,
      );
      parts.push(
        `<polyline fill="none" stroke="${sideColours[side]}" stroke-width="2"${
          side === 'floor' ? ' stroke-dasharray="4 3"' : ''
        } points="${coordinates.join(' ')}"/>`,
        ...coordinates.map(
          coordinate =>
            `<circle cx="${coordinate.split(',')[0]}" cy="${
              coordinate.split(',')[1]
            }" r="3" fill="${sideColours[side]}"/>`,
        ),
      );
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/*
 * Where the open-file limit kept an engine's socket curve below the plan's
 * top, a sentence that says so; the rows carry the counts measured.
 */
function socketLimitNotes(results, engines, plan) {
  const size = value => value.toLocaleString('en-US');
  return engines
    .map(engine => ({ engine, sockets: results[engine]?.sockets }))
    .filter(({ sockets }) => sockets?.capped)
    .map(
      ({ engine, sockets }) =>
        `${engineLabels[engine]}: sockets up to ${size(
          sockets.counts.at(-1),
        )}, not ${size(
          plan.broadcastSockets.at(-1),
        )}. Every socket is an open file in the server and in the client holding it; a process here may open at most ${size(
          sockets.openFileLimit,
        )} files, the limit could not be raised, and each process keeps room for the files it opens besides its sockets.`,
    );
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
  const curveList = curves(rows, engines);
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
    )}; sockets: ${plan.broadcastSockets
      .map(count => count.toLocaleString('en-US'))
      .join(', ')}.`,
    ...socketLimitNotes(results, engines, plan).flatMap(note => ['', note]),
    '',
    markdownTable(rows),
    '',
    curvesMarkdown(curveList),
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
  fs.writeFileSync(`${outputBase}-curves.svg`, svgCurves(curveList));
}

module.exports = { writeReport };
