/*
 * timeline_html.c - the .html timeline: the .svg chart (timeline_svg.c) in a page that
 * zooms, pans and names what is under the pointer (SPEC 11.4). Everything is inline - the
 * drawing, its style, a small script - so the page works opened from a file, offline; it
 * loads nothing and mentions no address but the SVG namespace the drawing must declare.
 *
 * The script's contract with the drawing (all written by timeline_svg.c):
 *   svg#tl data-begin/-end/-length/-left/-top/-plot-w/-plot-h/-row-h/-axis-y/-font: the
 *       geometry of chart.h
 *   #tl-plot    the rows, in instruction units under one transform: zooming rewrites it
 *   #tl-pins    ticks and end caps, each with data-t (its instruction): zooming moves them
 *   #tl-labels  row labels: zooming the rows moves them
 *   #tl-grid, #tl-axis   redrawn for the visible time range
 *   #tl-sleep, #tl-pause the band patterns: their transform undoes the zoom
 *   <title>     on everything that means something: the tooltip's text
 */
#include <errno.h>

#include "timeline.h"

static const char page_style[] =
    "body{margin:0;font:13px sans-serif;color:#222;background:#fff}\n"
    "#bar{position:sticky;top:0;z-index:2;background:#f4f4f4;border-bottom:1px solid #ddd;"
    "padding:6px 12px}\n"
    "#bar button{font:inherit;margin-right:4px}\n"
    "#bar span{color:#555;margin-left:8px}\n"
    "#wrap{padding:8px}\n"
    "svg#tl{display:block;width:100%;height:auto;cursor:grab;touch-action:none;user-select:none}\n"
    "#tip{position:fixed;z-index:3;display:none;pointer-events:none;white-space:pre;"
    "background:#222;color:#fff;padding:4px 8px;border-radius:3px;font-size:12px}\n";

static const char page_bar[] =
    "<div id=\"bar\"><button id=\"reset\">Reset</button>"
    "<button id=\"tin\">Time +</button><button id=\"tout\">Time &#8722;</button>"
    "<button id=\"rin\">Rows +</button><button id=\"rout\">Rows &#8722;</button>"
    "<span>wheel: zoom time &#183; Shift+wheel: zoom rows &#183; drag: pan &#183; "
    "double-click or 0: reset &#183; keys + &#8722; (time) ] [ (rows) and arrows</span></div>\n";

/* The script: plain ES2015, no libraries. */
static const char page_script[] =
    "(function () {\n"
    "\"use strict\";\n"
    "var svg = document.getElementById(\"tl\"), d = svg.dataset, NS = svg.namespaceURI;\n"
    "var begin = +d.begin, end = +d.end, len = +d.length, left = +d.left, top = +d.top;\n"
    "var pw = +d.plotW, ph = +d.plotH, rowH = +d.rowH, axisY = +d.axisY, font = +d.font;\n"
    "var base = pw / len;                 /* pixels per instruction, unzoomed */\n"
    "var kx = 1, ky = 1, tx = 0, ty = 0;  /* zoom (time, rows) and pan, in pixels */\n"
    "var maxKx = Math.max(1, 40 / base), maxKy = Math.max(1, 48 / rowH);\n"
    "var plot = document.getElementById(\"tl-plot\"), rows = plot.children;\n"
    "var grid = document.getElementById(\"tl-grid\"), axis = document.getElementById(\"tl-axis\");\n"
    "var pats = [\"tl-sleep\", \"tl-pause\"].map(function (id) { return document.getElementById(id); });\n"
    "var tip = document.getElementById(\"tip\");\n"
    "/* Ticks and end caps move with the zoom but keep their shape. */\n"
    "var pins = [].map.call(document.querySelectorAll(\"#tl-pins > *\"), function (el) {\n"
    "  return { el: el, t: +el.getAttribute(\"data-t\"),\n"
    "           y: +el.getAttribute(\"transform\").split(/[()\\s]+/)[2] };   /* translate(x y) */\n"
    "});\n"
    "var labels = [].map.call(document.querySelectorAll(\"#tl-labels > text\"), function (el) {\n"
    "  return { el: el, y: +el.getAttribute(\"y\") - font * 0.35 };\n"
    "});\n"
    "/* The <title>s become this page's tooltip (the browser's own would show too). */\n"
    "var tips = new Map();\n"
    "[].slice.call(svg.querySelectorAll(\"title\")).forEach(function (t) {\n"
    "  if (t.parentNode !== svg) tips.set(t.parentNode, t.textContent);\n"
    "  t.remove();\n"
    "});\n"
    "\n"
    "function X(t) { return left + tx + (t - begin) * base * kx; }\n"
    "function Y(y) { return top + ty + (y - top) * ky; }\n"
    "function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }\n"
    "function count(n) { return Math.floor(n).toLocaleString(\"en-US\"); }\n"
    "/* chart_axis_step: 1, 2 or 5 times a power of ten, ticks at least 90 px apart. */\n"
    "function step(range) {\n"
    "  var want = range * 90 / pw;\n"
    "  for (var p = 1; ; p *= 10)\n"
    "    for (var m = 1; m <= 5; m += m === 1 ? 1 : 3)\n"
    "      if (m * p >= want) return m * p;\n"
    "}\n"
    "/* chart_axis_label: k, M or G when that takes at most one decimal, from 10,000 on. */\n"
    "function label(t, s) {\n"
    "  var units = [[1e9, \"G\"], [1e6, \"M\"], [1e3, \"k\"]];\n"
    "  for (var i = 0; t > 0 && end >= 1e4 && i < units.length; i++)\n"
    "    if (units[i][0] / 10 <= s) return +(t / units[i][0]).toFixed(3) + units[i][1];\n"
    "  return count(t);\n"
    "}\n"
    "function add(parent, name, attrs) {\n"
    "  var el = document.createElementNS(NS, name);\n"
    "  for (var k in attrs) el.setAttribute(k, attrs[k]);\n"
    "  return parent.appendChild(el);\n"
    "}\n"
    "function drawAxis() {\n"
    "  var t0 = begin - tx / (base * kx), t1 = t0 + pw / (base * kx), s = step(t1 - t0);\n"
    "  grid.textContent = \"\";\n"
    "  axis.textContent = \"\";\n"
    "  for (var t = Math.ceil(t0 / s) * s; t <= Math.min(t1, end); t += s) {\n"
    "    var x = X(t);\n"
    "    add(grid, \"line\", { x1: x, x2: x, y1: top, y2: top + ph });\n"
    "    add(axis, \"line\", { \"class\": \"axl\", x1: x, x2: x, y1: axisY, y2: axisY + 4 });\n"
    "    add(axis, \"text\", { \"class\": \"ax\", x: x, y: axisY + 15 }).textContent = label(t, s);\n"
    "  }\n"
    "}\n"
    "var queued = false;\n"
    "function draw() {\n"
    "  if (queued) return;\n"
    "  queued = true;\n"
    "  requestAnimationFrame(function () {\n"
    "    queued = false;\n"
    "    plot.setAttribute(\"transform\", \"translate(\" + (left + tx) + \" \" + (top + ty) + \") scale(\" +\n"
    "                      base * kx + \" \" + ky + \")\");\n"
    "    pats.forEach(function (p) {\n"
    "      p.setAttribute(\"patternTransform\", \"scale(\" + 1 / (base * kx) + \" \" + 1 / ky + \")\");\n"
    "    });\n"
    "    pins.forEach(function (p) {\n"
    "      p.el.setAttribute(\"transform\", \"translate(\" + X(p.t) + \" \" + Y(p.y) + \")\");\n"
    "    });\n"
    "    labels.forEach(function (l) { l.el.setAttribute(\"y\", Y(l.y) + font * 0.35); });\n"
    "    drawAxis();\n"
    "  });\n"
    "}\n"
    "/* Pan by (dx, dy) pixels, never past the recording's edges. */\n"
    "function pan(dx, dy) {\n"
    "  tx = clamp(tx + dx, pw - pw * kx, 0);\n"
    "  ty = clamp(ty + dy, ph - ph * ky, 0);\n"
    "  draw();\n"
    "}\n"
    "/* Zoom by fx (time) and fy (rows), keeping the point (x, y) of the drawing in place. */\n"
    "function zoom(x, y, fx, fy) {\n"
    "  var nkx = clamp(kx * fx, 1, maxKx), nky = clamp(ky * fy, 1, maxKy);\n"
    "  tx = x - left - (x - left - tx) * nkx / kx;\n"
    "  ty = y - top - (y - top - ty) * nky / ky;\n"
    "  kx = nkx;\n"
    "  ky = nky;\n"
    "  pan(0, 0);\n"
    "}\n"
    "function reset() { kx = ky = 1; tx = ty = 0; draw(); }\n"
    "/* The pointer in the drawing's coordinates (the page may scale the drawing). */\n"
    "function at(e) {\n"
    "  var p = svg.createSVGPoint();\n"
    "  p.x = e.clientX;\n"
    "  p.y = e.clientY;\n"
    "  return p.matrixTransform(svg.getScreenCTM().inverse());\n"
    "}\n"
    "function show(e, p) {\n"
    "  var el = e.target;\n"
    "  while (el && el !== svg && !tips.has(el)) el = el.parentNode;\n"
    "  var text = el && tips.get(el);\n"
    "  var inPlot = p.x >= left && p.x <= left + pw && p.y >= top && p.y <= top + ph;\n"
    "  var row = inPlot ? rows[Math.floor((p.y - top - ty) / (rowH * ky))] : null;\n"
    "  if (!text && row) text = row.getAttribute(\"data-row\");\n"
    "  if (!text) { tip.style.display = \"none\"; return; }\n"
    "  if (inPlot) text += \"\\npointer at instruction \" + count(begin + (p.x - left - tx) / (base * kx));\n"
    "  tip.textContent = text;\n"
    "  tip.style.left = (e.clientX + 14) + \"px\";\n"
    "  tip.style.top = (e.clientY + 14) + \"px\";\n"
    "  tip.style.display = \"block\";\n"
    "}\n"
    "\n"
    "var drag = null;\n"
    "svg.addEventListener(\"wheel\", function (e) {\n"
    "  e.preventDefault();\n"
    "  var p = at(e), delta = e.deltaY || e.deltaX, f = Math.exp(-delta * (e.deltaMode ? 0.1 : 0.002));\n"
    "  if (e.shiftKey) zoom(p.x, p.y, 1, f); else zoom(p.x, p.y, f, 1);\n"
    "}, { passive: false });\n"
    "svg.addEventListener(\"pointerdown\", function (e) {\n"
    "  drag = at(e);\n"
    "  svg.setPointerCapture(e.pointerId);\n"
    "  svg.style.cursor = \"grabbing\";\n"
    "});\n"
    "svg.addEventListener(\"pointermove\", function (e) {\n"
    "  var p = at(e);\n"
    "  if (!drag) return show(e, p);\n"
    "  tip.style.display = \"none\";\n"
    "  pan(p.x - drag.x, p.y - drag.y);\n"
    "  drag = p;\n"
    "});\n"
    "function stop() { drag = null; svg.style.cursor = \"\"; }\n"
    "svg.addEventListener(\"pointerup\", stop);\n"
    "svg.addEventListener(\"pointercancel\", stop);\n"
    "svg.addEventListener(\"pointerleave\", function () { tip.style.display = \"none\"; });\n"
    "svg.addEventListener(\"dblclick\", reset);\n"
    "var cx = left + pw / 2, cy = top + ph / 2;\n"
    "var buttons = { reset: reset,\n"
    "  tin: function () { zoom(cx, cy, 1.5, 1); }, tout: function () { zoom(cx, cy, 1 / 1.5, 1); },\n"
    "  rin: function () { zoom(cx, cy, 1, 1.5); }, rout: function () { zoom(cx, cy, 1, 1 / 1.5); } };\n"
    "Object.keys(buttons).forEach(function (id) {\n"
    "  document.getElementById(id).addEventListener(\"click\", buttons[id]);\n"
    "});\n"
    "document.addEventListener(\"keydown\", function (e) {\n"
    "  var keys = { \"+\": buttons.tin, \"=\": buttons.tin, \"-\": buttons.tout, \"]\": buttons.rin,\n"
    "    \"[\": buttons.rout, \"0\": reset, Escape: reset,\n"
    "    ArrowLeft: function () { pan(pw / 10, 0); }, ArrowRight: function () { pan(-pw / 10, 0); } };\n"
    "  /* Up and down pan the rows once they are zoomed; before that they scroll the page. */\n"
    "  if (ky > 1) {\n"
    "    keys.ArrowUp = function () { pan(0, ph / 10); };\n"
    "    keys.ArrowDown = function () { pan(0, -ph / 10); };\n"
    "  }\n"
    "  if (!keys[e.key] || e.ctrlKey || e.metaKey || e.altKey) return;\n"
    "  e.preventDefault();\n"
    "  keys[e.key]();\n"
    "});\n"
    "})();\n";

int timeline_html(FILE *f, const VM *vm)
{
    Chart c;
    char title[320];
    if (chart_build(&c, vm) != 0)
        return ENOMEM;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    chart_xml_text(f, chart_title(&c, title, sizeof title), 0);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n%s<div id=\"wrap\">\n", page_style, page_bar);
    int e = timeline_svg_chart(f, &c);
    fprintf(f, "</div>\n<div id=\"tip\"></div>\n<script>\n%s</script>\n</body>\n</html>\n", page_script);
    chart_free(&c);
    return e ? e : ferror(f) ? EIO : 0;
}
